#include "state/state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::state {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void put_annotations(Writer& w, const std::map<std::string, std::string>& a) {
    w.Key("annotations");
    w.StartObject();
    for (const auto& [k, v] : a) put(w, k.c_str(), v);
    w.EndObject();
}

// Reads /proc/<pid>/stat: returns the state letter and start time, or {0, 0} when pid does not exist.
std::pair<char, uint64_t> read_stat(pid_t pid) {
    char path[32];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    OwnedFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return {0, 0};
    char buf[1024];
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n <= 0) return {0, 0};
    buf[n] = 0;
    // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
    char* p = strrchr(buf, ')');
    if (!p || p[1] != ' ') return {0, 0};
    char st = p[2];
    p += 2;
    for (int field = 3; field < 22 && p; ++field) {
        p = strchr(p, ' ');
        if (p) ++p;
    }
    return {st, p ? strtoull(p, nullptr, 10) : 0};
}

}  // namespace

const char* to_string(Status s) {
    switch (s) {
    case Status::creating: return "creating";
    case Status::created: return "created";
    case Status::running: return "running";
    case Status::paused: return "paused";
    case Status::stopped: return "stopped";
    }
    return "stopped";
}

std::string to_json(const State& s) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "id", s.id);
    put(w, "bundle", s.bundle);
    put(w, "rootfs", s.rootfs);
    w.Key("pid");
    w.Int(s.pid);
    w.Key("pid_start");
    w.Uint64(s.pid_start);
    put(w, "created", s.created);
    w.Key("owner");
    w.Uint(s.owner);
    put(w, "cgroup", s.cgroup);
    w.Key("systemd_cgroup");
    w.Bool(s.systemd_cgroup);
    put_annotations(w, s.annotations);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

State from_json(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.data(), json.size());
    if (d.HasParseError() || !d.IsObject()) throw Error("state.json is not a JSON object");
    State s;
    auto str = [&](const char* k) -> std::string {
        auto it = d.FindMember(k);
        return it != d.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    s.id = str("id");
    s.bundle = str("bundle");
    s.rootfs = str("rootfs");
    s.created = str("created");
    s.cgroup = str("cgroup");
    if (auto it = d.FindMember("pid"); it != d.MemberEnd() && it->value.IsInt()) s.pid = it->value.GetInt();
    if (auto it = d.FindMember("pid_start"); it != d.MemberEnd() && it->value.IsUint64())
        s.pid_start = it->value.GetUint64();
    if (auto it = d.FindMember("owner"); it != d.MemberEnd() && it->value.IsUint()) s.owner = it->value.GetUint();
    if (auto it = d.FindMember("systemd_cgroup"); it != d.MemberEnd() && it->value.IsBool())
        s.systemd_cgroup = it->value.GetBool();
    if (auto it = d.FindMember("annotations"); it != d.MemberEnd() && it->value.IsObject())
        for (const auto& m : it->value.GetObject())
            if (m.value.IsString()) s.annotations[m.name.GetString()] = m.value.GetString();
    return s;
}

std::string oci_state_json(const State& s, Status status) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "ociVersion", OCIRT_SPEC_VERSION);
    put(w, "id", s.id);
    put(w, "status", to_string(status));
    // runtime.md: pid is required while created or running; a stopped container reports none.
    if (status != Status::stopped) {
        w.Key("pid");
        w.Int(s.pid);
    }
    put(w, "bundle", s.bundle);
    put(w, "rootfs", s.rootfs);
    put(w, "created", s.created);
    w.Key("owner");
    w.String("");
    put_annotations(w, s.annotations);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

uint64_t process_start_time(pid_t pid) { return read_stat(pid).second; }

bool process_alive(const State& s) {
    if (s.pid <= 0) return false;
    auto [st, start] = read_stat(s.pid);
    return st != 0 && st != 'Z' && st != 'X' && start == s.pid_start;
}

}  // namespace ocirt::state

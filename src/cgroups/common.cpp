// What the cgroupfs drivers share: directory resolution, the saved form, killing and removal.
#include <errno.h>
#include <unistd.h>
#include <signal.h>
#include <time.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/error.hpp"
#include "cgroups/drivers.hpp"

namespace ocirt::cgroups {

namespace {

void sleep_ms(int ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&ts, nullptr);
}

}  // namespace

std::string hierarchy_key(const Hierarchy& h) {
    std::string key;
    for (const auto& c : h.controllers) key += (key.empty() ? "" : ",") + c;
    return key;
}

DirMap container_dirs(const Layout& l, const std::map<std::string, std::string>& own, std::string_view cgroups_path,
                      std::string_view id) {
    DirMap out;
    auto add = [&](const Hierarchy& h) {
        std::string cg = resolve_cgroup_path(cgroups_path, id, own_cgroup_in(h, own));
        if (cg == "/") throw Error("linux.cgroupsPath: \"" + std::string(cgroups_path) + "\" is the root cgroup");
        out[hierarchy_key(h)] = host_dir(h, cg);
    };
    for (const auto& h : l.v1) add(h);
    if (l.unified) add(*l.unified);
    return out;
}

namespace {

void write_map(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::map<std::string, std::string>& m) {
    w.Key(key);
    w.StartObject();
    for (const auto& [k, v] : m) {
        w.Key(k.c_str());
        w.String(v.c_str());
    }
    w.EndObject();
}

bool read_map(const rapidjson::Value& doc, const char* key, std::map<std::string, std::string>& out) {
    if (!doc.HasMember(key)) return true;
    if (!doc[key].IsObject()) return false;
    for (const auto& m : doc[key].GetObject()) {
        if (!m.value.IsString()) return false;
        out[m.name.GetString()] = m.value.GetString();
    }
    return true;
}

}  // namespace

std::string encode_saved(const Saved& s) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("driver");
    w.String(s.driver.c_str());
    if (!s.unit.empty()) {
        w.Key("unit");
        w.String(s.unit.c_str());
    }
    write_map(w, "dirs", s.dirs);
    if (!s.created.empty()) write_map(w, "created", s.created);
    w.EndObject();
    return buf.GetString();
}

Saved decode_saved(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    auto bad = [&] { return Error("cgroup state \"" + text + "\" is not what ocirt saved"); };
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("driver") || !doc["driver"].IsString() ||
        !doc.HasMember("dirs"))
        throw bad();
    Saved s;
    s.driver = doc["driver"].GetString();
    if (doc.HasMember("unit") && doc["unit"].IsString()) s.unit = doc["unit"].GetString();
    if (!read_map(doc, "dirs", s.dirs) || !read_map(doc, "created", s.created)) throw bad();
    return s;
}

void remove_created(const std::string& dir, const std::string& top) {
    remove_with_retry(dir);
    if (top.empty() || !(dir == top || dir.starts_with(top + "/"))) return;
    for (std::string p = dir; p != top;) {
        p = p.substr(0, p.rfind('/'));
        // Another container may share the parent: a parent that is not empty stays.
        if (::rmdir(p.c_str()) != 0) return;
    }
}

void signal_procs(const Dir& d, int sig) {
    for (pid_t pid : d.procs(true))
        if (::kill(pid, sig) != 0 && errno != ESRCH) throw Error(errno, "kill " + std::to_string(pid) + " in", d.path());
}

void kill_until_empty(const Dir& d, int timeout_ms) {
    for (int waited = 0;; waited += 10) {
        if (d.procs(true).empty()) return;
        if (waited >= timeout_ms)
            throw Error("processes are still in " + d.path() + " after SIGKILL (uninterruptible sleep?)");
        signal_procs(d, SIGKILL);
        sleep_ms(10);
    }
}

void remove_with_retry(const std::string& d) {
    for (int attempt = 0;; ++attempt) {
        try {
            remove_tree(d);
            return;
        } catch (const Error& e) {
            // Killed tasks leave the cgroup a moment after cgroup.procs stops listing them.
            if (e.err() != EBUSY || attempt >= 200) throw;
            sleep_ms(10);
        }
    }
}

}  // namespace ocirt::cgroups

#include "cgroups/stats.hpp"

#include <dirent.h>

#include <array>

#include <cstdlib>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sstream>

#include "cgroups/fs.hpp"

namespace ocirt::cgroups {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using KV = std::vector<std::pair<std::string, std::string>>;

uint64_t num(const std::optional<std::string>& s) {
    if (!s || s->empty() || *s == "max") return 0;
    return std::strtoull(s->c_str(), nullptr, 10);
}

uint64_t get(const KV& kv, std::string_view key) {
    for (const auto& [k, v] : kv)
        if (k == key) return std::strtoull(v.c_str(), nullptr, 10);
    return 0;
}

KV read_kv(const Dir& d, const char* file) {
    auto text = d.read_if_exists(file);
    return text ? parse_flat_keyed(*text) : KV{};
}

void field(Writer& w, const char* key, uint64_t v) {
    w.Key(key);
    w.Uint64(v);
}

// The page sizes the hugetlb controller offers, from its file names ("hugetlb.2MB.max" -> "2MB").
std::vector<std::string> hugepage_sizes(const Dir& d) {
    std::vector<std::string> out;
    DIR* dir = ::opendir(d.path().c_str());
    if (dir == nullptr) return out;
    while (dirent* e = ::readdir(dir)) {
        std::string n = e->d_name;
        bool limit = n.ends_with(".limit_in_bytes") || n.ends_with(".max");
        if (!n.starts_with("hugetlb.") || !limit || n.find(".rsvd.") != std::string::npos) continue;
        out.push_back(n.substr(8, n.find('.', 8) - 8));
    }
    ::closedir(dir);
    return out;
}

void memory_entry(Writer& w, const char* key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt) {
    w.Key(key);
    w.StartObject();
    field(w, "limit", limit);
    if (usage) field(w, "usage", usage);
    if (max) field(w, "max", max);
    field(w, "failcnt", failcnt);
    w.EndObject();
}

void raw(Writer& w, const KV& kv) {
    w.Key("raw");
    w.StartObject();
    for (const auto& [k, v] : kv) field(w, k.c_str(), std::strtoull(v.c_str(), nullptr, 10));
    w.EndObject();
}

void cpu_usage(Writer& w, uint64_t total, const std::vector<uint64_t>& percpu, uint64_t kernel, uint64_t user) {
    w.Key("usage");
    w.StartObject();
    if (total) field(w, "total", total);
    if (!percpu.empty()) {
        w.Key("percpu");
        w.StartArray();
        for (auto v : percpu) w.Uint64(v);
        w.EndArray();
    }
    field(w, "kernel", kernel);
    field(w, "user", user);
    w.EndObject();
}

void throttling(Writer& w, uint64_t periods, uint64_t throttled, uint64_t time_ns) {
    w.Key("throttling");
    w.StartObject();
    if (periods) field(w, "periods", periods);
    if (throttled) field(w, "throttled_periods", throttled);
    if (time_ns) field(w, "throttled_time", time_ns);
    w.EndObject();
}

void pids(Writer& w, const Dir& d) {
    w.Key("pids");
    w.StartObject();
    if (uint64_t c = num(d.read_if_exists("pids.current"))) field(w, "current", c);
    if (uint64_t l = num(d.read_if_exists("pids.max"))) field(w, "limit", l);
    w.EndObject();
}

void blkio_entries(Writer& w, const char* key, const std::vector<std::array<std::string, 4>>& entries) {
    if (entries.empty()) return;
    w.Key(key);
    w.StartArray();
    for (const auto& e : entries) {
        w.StartObject();
        field(w, "major", std::strtoull(e[0].c_str(), nullptr, 10));
        field(w, "minor", std::strtoull(e[1].c_str(), nullptr, 10));
        w.Key("op");
        w.String(e[2].c_str());
        field(w, "value", std::strtoull(e[3].c_str(), nullptr, 10));
        w.EndObject();
    }
    w.EndArray();
}

// v1 "8:0 Read 4096" lines.
std::vector<std::array<std::string, 4>> v1_blkio_lines(const Dir& d, const char* file) {
    std::vector<std::array<std::string, 4>> out;
    std::istringstream in(d.read_if_exists(file).value_or(""));
    std::string devno, op, value;
    while (in >> devno >> op) {
        if (devno == "Total") continue;  // "Total N" has no device
        if (!(in >> value)) break;
        auto colon = devno.find(':');
        if (colon == std::string::npos) continue;
        out.push_back({devno.substr(0, colon), devno.substr(colon + 1), op, value});
    }
    return out;
}

// v2 io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." to runc's Read/Write entries.
void v2_blkio(Writer& w, const Dir& d) {
    std::vector<std::array<std::string, 4>> bytes, ios;
    std::istringstream in(d.read_if_exists("io.stat").value_or(""));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string devno, kv;
        ls >> devno;
        auto colon = devno.find(':');
        if (colon == std::string::npos) continue;
        std::string major = devno.substr(0, colon), minor = devno.substr(colon + 1);
        while (ls >> kv) {
            auto eq = kv.find('=');
            std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
            if (k == "rbytes") bytes.push_back({major, minor, "Read", v});
            if (k == "wbytes") bytes.push_back({major, minor, "Write", v});
            if (k == "rios") ios.push_back({major, minor, "Read", v});
            if (k == "wios") ios.push_back({major, minor, "Write", v});
        }
    }
    w.Key("blkio");
    w.StartObject();
    blkio_entries(w, "ioServiceBytesRecursive", bytes);
    blkio_entries(w, "ioServicedRecursive", ios);
    w.EndObject();
}

void v1_cpu(Writer& w, const Dir& acct, const Dir& cpu) {
    std::vector<uint64_t> percpu;
    std::istringstream in(acct.empty() ? "" : acct.read_if_exists("cpuacct.usage_percpu").value_or(""));
    for (uint64_t v; in >> v;) percpu.push_back(v);
    KV st = acct.empty() ? KV{} : read_kv(acct, "cpuacct.stat");
    // cpuacct.stat counts USER_HZ ticks (100 per second on Linux); runc reports nanoseconds.
    constexpr uint64_t tick_ns = 10000000;
    w.Key("cpu");
    w.StartObject();
    cpu_usage(w, acct.empty() ? 0 : num(acct.read_if_exists("cpuacct.usage")), percpu, get(st, "system") * tick_ns,
              get(st, "user") * tick_ns);
    KV cs = cpu.empty() ? KV{} : read_kv(cpu, "cpu.stat");
    throttling(w, get(cs, "nr_periods"), get(cs, "nr_throttled"), get(cs, "throttled_time"));
    w.EndObject();
}

void v1_memory(Writer& w, const Dir& d) {
    w.Key("memory");
    w.StartObject();
    if (!d.empty()) {
        KV st = read_kv(d, "memory.stat");
        if (uint64_t c = get(st, "cache")) field(w, "cache", c);
        auto entry = [&](const char* key, const std::string& prefix) {
            if (!d.has(prefix + "usage_in_bytes")) return;
            memory_entry(w, key, num(d.read_if_exists(prefix + "limit_in_bytes")),
                         num(d.read_if_exists(prefix + "usage_in_bytes")),
                         num(d.read_if_exists(prefix + "max_usage_in_bytes")), num(d.read_if_exists(prefix + "failcnt")));
        };
        entry("usage", "memory.");
        entry("swap", "memory.memsw.");
        entry("kernel", "memory.kmem.");
        entry("kernelTCP", "memory.kmem.tcp.");
        raw(w, st);
    }
    w.EndObject();
}

void hugetlb(Writer& w, const Dir& d, bool v2) {
    w.Key("hugetlb");
    w.StartObject();
    for (const auto& size : d.empty() ? std::vector<std::string>{} : hugepage_sizes(d)) {
        std::string p = "hugetlb." + size + ".";
        w.Key(size.c_str());
        w.StartObject();
        if (v2) {
            if (uint64_t u = num(d.read_if_exists(p + "current"))) field(w, "usage", u);
            field(w, "failcnt", get(read_kv(d, (p + "events").c_str()), "max"));
        } else {
            if (uint64_t u = num(d.read_if_exists(p + "usage_in_bytes"))) field(w, "usage", u);
            if (uint64_t m = num(d.read_if_exists(p + "max_usage_in_bytes"))) field(w, "max", m);
            field(w, "failcnt", num(d.read_if_exists(p + "failcnt")));
        }
        w.EndObject();
    }
    w.EndObject();
}

}  // namespace

uint64_t oom_kill_count(const Dir& d, const char* file) { return get(read_kv(d, file), "oom_kill"); }

std::string v1_stats_json(const DirMap& dirs) {
    auto dir = [&](std::string_view c) {
        for (const auto& [key, path] : dirs) {
            std::istringstream in(key);
            for (std::string part; std::getline(in, part, ',');)
                if (part == c) return Dir(path);
        }
        return Dir();
    };
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    v1_cpu(w, dir("cpuacct"), dir("cpu"));
    v1_memory(w, dir("memory"));
    Dir p = dir("pids");
    if (!p.empty()) pids(w, p);
    Dir b = dir("blkio");
    w.Key("blkio");
    w.StartObject();
    if (!b.empty()) {
        blkio_entries(w, "ioServiceBytesRecursive", v1_blkio_lines(b, "blkio.throttle.io_service_bytes_recursive"));
        blkio_entries(w, "ioServicedRecursive", v1_blkio_lines(b, "blkio.throttle.io_serviced_recursive"));
    }
    w.EndObject();
    hugetlb(w, dir("hugetlb"), false);
    w.EndObject();
    return buf.GetString();
}

std::string v2_stats_json(const Dir& d) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    KV cs = read_kv(d, "cpu.stat");
    w.Key("cpu");
    w.StartObject();
    cpu_usage(w, get(cs, "usage_usec") * 1000, {}, get(cs, "system_usec") * 1000, get(cs, "user_usec") * 1000);
    throttling(w, get(cs, "nr_periods"), get(cs, "nr_throttled"), get(cs, "throttled_usec") * 1000);
    w.EndObject();
    w.Key("memory");
    w.StartObject();
    KV st = read_kv(d, "memory.stat");
    if (uint64_t c = get(st, "file")) field(w, "cache", c);
    uint64_t oom_events = get(read_kv(d, "memory.events"), "max");
    memory_entry(w, "usage", num(d.read_if_exists("memory.max")), num(d.read_if_exists("memory.current")),
                 num(d.read_if_exists("memory.peak")), oom_events);
    if (d.has("memory.swap.current"))
        memory_entry(w, "swap", num(d.read_if_exists("memory.swap.max")), num(d.read_if_exists("memory.swap.current")),
                     0, get(read_kv(d, "memory.swap.events"), "max"));
    raw(w, st);
    w.EndObject();
    pids(w, d);
    v2_blkio(w, d);
    hugetlb(w, d, true);
    w.EndObject();
    return buf.GetString();
}

}  // namespace ocirt::cgroups

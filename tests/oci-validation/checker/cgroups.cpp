// linux.cgroupsPath and linux.resources, read back through the cgroup
// filesystem the container sees (v1 per-controller hierarchies or v2).
#include "checker.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <functional>
#include <set>

namespace ocv {
namespace {

bool exists(const std::string& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0;
}

bool unified() { return exists("/sys/fs/cgroup/cgroup.controllers"); }

// Path of this process's cgroup for `controller` ("" on v2) from /proc/self/cgroup.
std::optional<std::string> own_path(const std::string& controller) {
    for (const auto& line : split(read_file("/proc/self/cgroup").value_or(""), '\n')) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        auto ctrls = split(line.substr(a + 1, b - a - 1), ',');
        if ((controller.empty() && line.substr(0, a) == "0") || (!controller.empty() && has(ctrls, controller)))
            return line.substr(b + 1);
    }
    return std::nullopt;
}

std::vector<std::string> mount_dirs(const std::string& controller) {
    if (unified()) return {"/sys/fs/cgroup"};
    std::vector<std::string> out;
    DIR* dir = opendir("/sys/fs/cgroup");
    if (dir == nullptr) return out;
    while (dirent* e = readdir(dir))
        if (has(split(e->d_name, ','), controller)) out.push_back(std::string("/sys/fs/cgroup/") + e->d_name);
    closedir(dir);
    return out;
}

// The container's own cgroup may be mounted as the root of the hierarchy (cgroup
// namespace or bind mount of the leaf) or appear at its full path.
std::optional<std::string> cgroup_file(const std::string& controller, const std::string& file) {
    std::string own = own_path(unified() ? "" : controller).value_or("/");
    for (const auto& dir : mount_dirs(controller))
        for (const auto& candidate : {dir + own + "/" + file, dir + "/" + file})
            if (exists(candidate)) return candidate;
    return std::nullopt;
}

struct Checker {
    Context& ctx;

    void value(const std::string& field, const std::string& controller, const std::string& file,
               const std::string& want) {
        auto path = cgroup_file(controller, file);
        if (!path) return ctx.tap.fail(field, want + " in " + file, "no such file visible");
        ctx.tap.eq(field + " (" + file + ")", want, trim(read_file(*path).value_or("(unreadable)")));
    }
    void line(const std::string& field, const std::string& controller, const std::string& file,
              const std::string& want) {
        auto path = cgroup_file(controller, file);
        if (!path) return ctx.tap.fail(field, want + " in " + file, "no such file visible");
        auto text = read_file(*path).value_or("");
        ctx.tap.truth(field + " (" + file + ")", has(split(text, '\n'), want), want, trim(text));
    }
};

std::string page_rounded(long long v) {
    if (v < 0) return "9223372036854771712";
    return std::to_string(v / 4096 * 4096);
}

void memory_v1(Checker& c, const Json* mem) {
    auto field = [](const char* f) { return std::string("linux.resources.memory.") + f; };
    if (auto v = integer(mem, "limit")) c.value(field("limit"), "memory", "memory.limit_in_bytes", page_rounded(*v));
    if (auto v = integer(mem, "reservation"))
        c.value(field("reservation"), "memory", "memory.soft_limit_in_bytes", page_rounded(*v));
    if (auto v = integer(mem, "swap"))
        c.value(field("swap"), "memory", "memory.memsw.limit_in_bytes", page_rounded(*v));
    if (auto v = integer(mem, "kernel"))
        c.value(field("kernel"), "memory", "memory.kmem.limit_in_bytes", page_rounded(*v));
    if (auto v = integer(mem, "kernelTCP"))
        c.value(field("kernelTCP"), "memory", "memory.kmem.tcp.limit_in_bytes", page_rounded(*v));
    if (auto v = integer(mem, "swappiness"))
        c.value(field("swappiness"), "memory", "memory.swappiness", std::to_string(*v));
    if (auto v = boolean(mem, "disableOOMKiller"))
        c.line(field("disableOOMKiller"), "memory", "memory.oom_control", std::string("oom_kill_disable ") + (*v ? "1" : "0"));
    if (auto v = boolean(mem, "useHierarchy"))
        c.value(field("useHierarchy"), "memory", "memory.use_hierarchy", *v ? "1" : "0");
}

void cpu_v1(Checker& c, const Json* cpu) {
    auto field = [](const char* f) { return std::string("linux.resources.cpu.") + f; };
    const std::tuple<const char*, const char*, const char*> numeric[] = {
        {"shares", "cpu", "cpu.shares"},           {"quota", "cpu", "cpu.cfs_quota_us"},
        {"period", "cpu", "cpu.cfs_period_us"},    {"burst", "cpu", "cpu.cfs_burst_us"},
        {"realtimeRuntime", "cpu", "cpu.rt_runtime_us"}, {"realtimePeriod", "cpu", "cpu.rt_period_us"},
        {"idle", "cpu", "cpu.idle"}};
    for (const auto& [key, ctrl, file] : numeric)
        if (auto v = integer(cpu, key)) c.value(field(key), ctrl, file, std::to_string(*v));
    if (auto v = str(cpu, "cpus")) c.value(field("cpus"), "cpuset", "cpuset.cpus", *v);
    if (auto v = str(cpu, "mems")) c.value(field("mems"), "cpuset", "cpuset.mems", *v);
}

void device_lines(Checker& c, const Json* io, const char* key, const std::string& file, const char* value_key) {
    const Json* list = member(io, key);
    if (list == nullptr || !list->IsArray()) return;
    for (const auto& d : list->GetArray()) {
        std::string dev = std::to_string(integer(&d, "major").value_or(-1)) + ":" +
                          std::to_string(integer(&d, "minor").value_or(-1));
        if (auto v = integer(&d, value_key))
            c.line(std::string("linux.resources.blockIO.") + key + "[" + dev + "]", "blkio", file,
                   dev + " " + std::to_string(*v));
    }
}

void blkio_v1(Checker& c, const Json* io) {
    // BFQ exposes the weights under blkio.bfq.*; CFQ (gone since 5.0) used blkio.*.
    std::string prefix = cgroup_file("blkio", "blkio.bfq.weight") ? "blkio.bfq." : "blkio.";
    if (auto v = integer(io, "weight")) c.value("linux.resources.blockIO.weight", "blkio", prefix + "weight", std::to_string(*v));
    if (auto v = integer(io, "leafWeight"))
        c.value("linux.resources.blockIO.leafWeight", "blkio", prefix + "leaf_weight", std::to_string(*v));
    device_lines(c, io, "weightDevice", prefix + "weight_device", "weight");
    device_lines(c, io, "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rate");
    device_lines(c, io, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "rate");
    device_lines(c, io, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "rate");
    device_lines(c, io, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "rate");
}

void misc_v1(Checker& c, const Json* res) {
    if (auto v = integer(member(res, "pids"), "limit"))
        c.value("linux.resources.pids.limit", "pids", "pids.max", *v < 0 ? "max" : std::to_string(*v));
    if (const Json* huge = member(res, "hugepageLimits"); huge != nullptr && huge->IsArray())
        for (const auto& h : huge->GetArray()) {
            std::string size = str(&h, "pageSize").value_or("?");
            c.value("linux.resources.hugepageLimits[" + size + "]", "hugetlb", "hugetlb." + size + ".limit_in_bytes",
                    std::to_string(uinteger(&h, "limit").value_or(0)));
        }
    const Json* net = member(res, "network");
    if (auto v = uinteger(net, "classID"))
        c.value("linux.resources.network.classID", "net_cls", "net_cls.classid", std::to_string(*v));
    if (const Json* prio = member(net, "priorities"); prio != nullptr && prio->IsArray())
        for (const auto& p : prio->GetArray()) {
            std::string ifname = str(&p, "name").value_or("?");
            c.line("linux.resources.network.priorities[" + ifname + "]", "net_prio", "net_prio.ifpriomap",
                   ifname + " " + std::to_string(uinteger(&p, "priority").value_or(0)));
        }
}

void resources_v2(Checker& c, const Json* res) {
    auto max_or = [](long long v) { return v < 0 ? std::string("max") : std::to_string(v); };
    const Json* mem = member(res, "memory");
    if (auto v = integer(mem, "limit")) c.value("linux.resources.memory.limit", "", "memory.max", max_or(*v));
    if (auto v = integer(mem, "reservation")) c.value("linux.resources.memory.reservation", "", "memory.low", max_or(*v));
    if (auto v = integer(member(res, "pids"), "limit")) c.value("linux.resources.pids.limit", "", "pids.max", max_or(*v));
    const Json* cpu = member(res, "cpu");
    if (auto q = integer(cpu, "quota"))
        c.value("linux.resources.cpu.quota", "", "cpu.max",
                max_or(*q) + " " + std::to_string(integer(cpu, "period").value_or(100000)));
    if (auto v = str(cpu, "cpus")) c.value("linux.resources.cpu.cpus", "", "cpuset.cpus", *v);
    if (const Json* u = member(res, "unified"); u != nullptr && u->IsObject())
        for (const auto& kv : u->GetObject())
            c.value(std::string("linux.resources.unified[") + kv.name.GetString() + "]", "", kv.name.GetString(),
                    kv.value.IsString() ? kv.value.GetString() : "?");
}

// Absolute cgroupsPath is relative to the hierarchy root; a new cgroup namespace shows it as "/".
void check_path(Context& ctx, const std::set<std::string>& controllers) {
    auto path = str(member(&ctx.config, "linux"), "cgroupsPath");
    if (!path || path->empty() || (*path)[0] != '/') return;
    bool cgroupns = false;
    if (const Json* ns = member(member(&ctx.config, "linux"), "namespaces"); ns != nullptr && ns->IsArray())
        for (const auto& e : ns->GetArray()) cgroupns |= str(&e, "type") == "cgroup" && !member(&e, "path");
    std::string want = cgroupns ? "/" : *path;
    if (unified()) return ctx.tap.eq("linux.cgroupsPath", want, own_path("").value_or("(none)"));
    for (const auto& ctrl : controllers)
        ctx.tap.eq("linux.cgroupsPath (" + ctrl + ")", want, own_path(ctrl).value_or("(not joined)"));
}

}  // namespace

void check_cgroups(Context& ctx) {
    const Json* res = member(member(&ctx.config, "linux"), "resources");
    std::set<std::string> controllers = {"memory", "pids"};
    if (member(res, "cpu")) controllers.insert("cpu");
    if (member(res, "blockIO")) controllers.insert("blkio");
    if (!unified()) controllers.insert("devices");
    check_path(ctx, controllers);
    if (res == nullptr) return;
    if (!exists("/sys/fs/cgroup/" + std::string(unified() ? "cgroup.controllers" : "memory"))) {
        ctx.tap.skip("linux.resources", "no cgroup filesystem mounted in this container");
        return;
    }
    Checker c{ctx};
    if (unified()) return resources_v2(c, res);
    memory_v1(c, member(res, "memory"));
    cpu_v1(c, member(res, "cpu"));
    blkio_v1(c, member(res, "blockIO"));
    misc_v1(c, res);
}

}  // namespace ocv

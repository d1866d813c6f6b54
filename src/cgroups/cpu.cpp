// The cpu and cpuset controllers, v1 (cpu.shares, cpu.cfs_*, cpu.rt_*, cpuset.*) and v2 (cpu.weight,
// cpu.max, cpuset.*).
#include <string>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

std::string field(const char* name) { return std::string("linux.resources.cpu.") + name; }

void check_burst(const spec::Cpu& c) {
    if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
        throw Error(field("burst") + ": " + std::to_string(*c.burst) + " is larger than quota " +
                    std::to_string(*c.quota));
}

void apply_cpuset_files(const Dir& d, const spec::Cpu& c) {
    if (c.cpus && !c.cpus->empty()) d.write("cpuset.cpus", *c.cpus, field("cpus"));
    if (c.mems && !c.mems->empty()) d.write("cpuset.mems", *c.mems, field("mems"));
}

}  // namespace

uint64_t shares_to_weight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares < 2) shares = 2;
    if (shares > 262144) shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

namespace v1 {

void apply_cpu(const Dir& d, const spec::Cpu& c) {
    check_burst(c);
    if (c.shares && *c.shares != 0) d.write("cpu.shares", std::to_string(*c.shares), field("shares"));
    // The period first: the kernel checks the quota against it.
    if (c.period && *c.period != 0) d.write("cpu.cfs_period_us", std::to_string(*c.period), field("period"));
    if (c.quota && *c.quota != 0) d.write("cpu.cfs_quota_us", std::to_string(*c.quota), field("quota"));
    if (c.burst) d.write("cpu.cfs_burst_us", std::to_string(*c.burst), field("burst"));
    // The rt period before the runtime, which must fit in it.
    if (c.realtimePeriod && *c.realtimePeriod != 0)
        d.write("cpu.rt_period_us", std::to_string(*c.realtimePeriod), field("realtimePeriod"));
    if (c.realtimeRuntime && *c.realtimeRuntime != 0)
        d.write("cpu.rt_runtime_us", std::to_string(*c.realtimeRuntime), field("realtimeRuntime"));
    if (c.idle) d.write("cpu.idle", std::to_string(*c.idle), field("idle"));
}

void apply_cpuset(const Dir& d, const spec::Cpu& c) { apply_cpuset_files(d, c); }

void init_cpuset(const Dir& d, const std::string& mount_point) {
    for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
        auto mine = d.read_if_exists(f);
        if (!mine || !mine->empty()) continue;
        // Walk up to the first ancestor with a value (the root always has one).
        std::string p = d.path();
        std::string value;
        while (value.empty() && p.size() > mount_point.size()) {
            p = p.substr(0, p.rfind('/'));
            value = Dir(p).read(f);
        }
        d.write(f, value, std::string("cgroup v1 ") + f + " (copied from " + p + ")");
    }
}

}  // namespace v1

namespace v2 {

void apply_cpu(const Dir& d, const spec::Cpu& c) {
    check_burst(c);
    // The kernel refuses a weight for an idle group (EINVAL), and systemd may have made it idle already: leave
    // idle before writing the weight, and give an idle group none (it has the idle weight until it leaves).
    bool idle = c.idle && *c.idle != 0;
    if (c.idle && !idle) d.write("cpu.idle", "0", field("idle"));
    if (c.shares && *c.shares != 0 && !idle)
        d.write("cpu.weight", std::to_string(shares_to_weight(*c.shares)), field("shares") + " (as cpu.weight)");
    bool quota = c.quota && *c.quota != 0;
    bool period = c.period && *c.period != 0;
    if (quota || period) {
        // "max" alone keeps the current period; a period without a quota leaves the quota unlimited.
        std::string v = quota && *c.quota > 0 ? std::to_string(*c.quota) : "max";
        if (period) v += " " + std::to_string(*c.period);
        d.write("cpu.max", v, field(quota ? "quota" : "period"));
    }
    if (c.burst) d.write("cpu.max.burst", std::to_string(*c.burst), field("burst"));
    if (c.realtimeRuntime && *c.realtimeRuntime != 0)
        throw Error(field("realtimeRuntime") + ": not supported on cgroup v2");
    if (c.realtimePeriod && *c.realtimePeriod != 0)
        throw Error(field("realtimePeriod") + ": not supported on cgroup v2");
    if (idle) d.write("cpu.idle", std::to_string(*c.idle), field("idle"));
}

void apply_cpuset(const Dir& d, const spec::Cpu& c) { apply_cpuset_files(d, c); }

}  // namespace v2

}  // namespace ocirt::cgroups

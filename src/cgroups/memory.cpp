// The memory controller, v1 (memory.*_in_bytes) and v2 (memory.max and friends).
#include <cstdlib>
#include <string>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

constexpr const char* kField = "linux.resources.memory";

std::string field(const char* name) { return std::string(kField) + "." + name; }

// v1 reports "unlimited" as a page-rounded LLONG_MAX; anything this large is treated as unlimited.
int64_t parse_v1_limit(const std::string& s) {
    if (s.empty() || s == "max" || s == "-1") return -1;
    unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
    return v >= (1ULL << 62) ? -1 : static_cast<int64_t>(v);
}

std::string v2_value(int64_t v) { return v < 0 ? "max" : std::to_string(v); }

// checkBeforeUpdate: refuse a limit below what the cgroup already uses, instead of letting v2 OOM-kill.
void check_usage(const Dir& d, const char* usage_file, int64_t limit) {
    auto usage = d.read_if_exists(usage_file);
    if (!usage || limit < 0) return;
    long long used = std::atoll(usage->c_str());
    if (used > limit)
        throw Error(field("limit") + ": new limit " + std::to_string(limit) + " is below the current usage " +
                    std::to_string(used) + " (checkBeforeUpdate)");
}

// Limit and memsw must stay ordered (memsw >= limit) after every single write, so the order depends on
// whether swap grows or shrinks.
void write_v1_limits(const Dir& d, std::optional<int64_t> limit, std::optional<int64_t> swap) {
    if (swap == 0) swap.reset();  // 0 means unset, as in runc: memsw cannot be below the limit anyway
    // Unlimited memory with swap unset means both unlimited, as in runc.
    if (limit == -1 && !swap && d.has("memory.memsw.limit_in_bytes")) swap = -1;
    auto write_limit = [&] {
        if (limit) d.write("memory.limit_in_bytes", std::to_string(*limit), field("limit"));
    };
    if (!swap) return write_limit();
    int64_t current = -1;
    if (auto cur = d.read_if_exists("memory.memsw.limit_in_bytes")) current = parse_v1_limit(*cur);
    std::string sw = std::to_string(*swap);
    if (*swap == -1 || (current != -1 && *swap > current)) {
        d.write("memory.memsw.limit_in_bytes", sw, field("swap"));
        write_limit();
    } else {
        write_limit();
        d.write("memory.memsw.limit_in_bytes", sw, field("swap"));
    }
}

}  // namespace

std::optional<int64_t> swap_to_v2(int64_t swap, std::optional<int64_t> limit) {
    if (swap == -1) return -1;
    if (swap == 0) return std::nullopt;
    if (!limit || *limit == 0 || *limit == -1)
        throw Error(field("swap") + ": a swap limit needs a memory limit (linux.resources.memory.limit)");
    if (swap < *limit)
        throw Error(field("swap") + ": memory+swap (" + std::to_string(swap) + ") is below the memory limit (" +
                    std::to_string(*limit) + ")");
    return swap - *limit;
}

namespace v1 {

void apply_memory(const Dir& d, const spec::Memory& m) {
    if (m.checkBeforeUpdate.value_or(false) && m.limit) check_usage(d, "memory.usage_in_bytes", *m.limit);
    // use_hierarchy can only change while the cgroup has no children: write it first.
    if (m.useHierarchy) d.write("memory.use_hierarchy", *m.useHierarchy ? "1" : "0", field("useHierarchy"));
    write_v1_limits(d, m.limit, m.swap);
    if (m.reservation) d.write("memory.soft_limit_in_bytes", std::to_string(*m.reservation), field("reservation"));
    if (m.kernel) {
        // Deprecated by the spec and gone from recent kernels: runc ignores it too.
        if (d.try_write("memory.kmem.limit_in_bytes", std::to_string(*m.kernel)) != 0)
            log::warn(field("kernel") + " is not supported by this kernel; ignored");
    }
    if (m.kernelTCP) d.write("memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernelTCP), field("kernelTCP"));
    if (m.swappiness) {
        if (*m.swappiness > 100) throw Error(field("swappiness") + ": must be 0..100");
        d.write("memory.swappiness", std::to_string(*m.swappiness), field("swappiness"));
    }
    if (m.disableOOMKiller) d.write("memory.oom_control", *m.disableOOMKiller ? "1" : "0", field("disableOOMKiller"));
}

}  // namespace v1

namespace v2 {

void apply_memory(const Dir& d, const spec::Memory& m) {
    if (m.checkBeforeUpdate.value_or(false) && m.limit) check_usage(d, "memory.current", *m.limit);
    std::optional<int64_t> swap;
    if (m.swap) swap = swap_to_v2(*m.swap, m.limit);
    else if (m.limit == -1) swap = -1;  // unlimited memory, swap unset: both unlimited, as on v1
    // memory.swap.max is independent of memory.max on v2, so the order does not matter; a host without swap
    // accounting has no memory.swap.max, which only matters when swap is limited.
    if (swap && (*swap != -1 || d.has("memory.swap.max"))) d.write("memory.swap.max", v2_value(*swap), field("swap"));
    if (m.limit) d.write("memory.max", v2_value(*m.limit), field("limit"));
    if (m.reservation) d.write("memory.low", v2_value(*m.reservation), field("reservation"));
    if (m.kernel) log::warn(field("kernel") + " does not exist on cgroup v2; ignored");
    if (m.kernelTCP) throw Error(field("kernelTCP") + ": not supported on cgroup v2");
    if (m.swappiness) throw Error(field("swappiness") + ": not supported on cgroup v2");
    if (m.disableOOMKiller.value_or(false)) throw Error(field("disableOOMKiller") + ": not supported on cgroup v2");
    if (m.useHierarchy == false) throw Error(field("useHierarchy") + ": cgroup v2 is always hierarchical");
}

}  // namespace v2

}  // namespace ocirt::cgroups

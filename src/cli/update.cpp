// update: change a running container's resources, from runc's flags and/or a linux.resources JSON object
// (--resources FILE, or - for stdin). Flags override the file. Only what is given is written to the cgroup;
// the merged result is saved in the state directory's config.json, where later commands find it.
#include <unistd.h>

#include <cctype>
#include <iostream>
#include <iterator>
#include <memory>

#include "cgroups/fs.hpp"
#include "cli/cli.hpp"
#include "cli/container_cgroup.hpp"
#include "spec/parse.hpp"
#include "spec/resources_update.hpp"

namespace ocirt::cli {

namespace {

struct Flags {
    std::string id, resources;
    std::string blkio_weight, cpu_period, cpu_quota, cpu_share, cpu_rt_period, cpu_rt_runtime, cpuset_cpus,
        cpuset_mems, memory, memory_reservation, memory_swap, kernel_memory, kernel_memory_tcp, pids_limit,
        cpu_idle, cpu_burst, l3_cache_schema, mem_bw_schema;
};

int64_t parse_int(const std::string& flag, const std::string& v) {
    size_t used = 0;
    int64_t n = 0;
    try {
        n = std::stoll(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != v.size()) throw Error("update: " + flag + " \"" + v + "\" is not a number");
    return n;
}

// A size as runc takes it: "-1", "1024", "512k", "64m", "1g", "2GiB" (powers of 1024).
int64_t parse_bytes(const std::string& flag, const std::string& v) {
    if (v == "-1") return -1;
    size_t i = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    std::string unit;
    for (char c : v.substr(i)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.ends_with("ib")) unit.resize(unit.size() - 2);
    else if (unit.size() > 1 && unit.ends_with("b")) unit.resize(unit.size() - 1);
    static const std::string units = "bkmgtp";
    size_t shift = unit.empty() ? 0 : units.find(unit);
    if (i == 0 || unit.size() > 1 || shift == std::string::npos)
        throw Error("update: " + flag + " \"" + v + "\" is not a size like 512m");
    return parse_int(flag, v.substr(0, i)) << (10 * shift);
}

std::string read_resources(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    return cgroups::read_file(path);
}

template <typename T>
void set_if(const std::string& v, std::optional<T>& out, T value) {
    if (!v.empty()) out = value;
}

void overlay_flags(const Flags& f, spec::Resources& r) {
    auto num = [](const char* flag, const std::string& v) { return v.empty() ? 0 : parse_int(flag, v); };
    auto bytes = [](const char* flag, const std::string& v) { return v.empty() ? 0 : parse_bytes(flag, v); };
    if (!f.l3_cache_schema.empty() || !f.mem_bw_schema.empty())
        throw Error("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported by ocirt");
    // A flag adds to what --resources gave; an object no flag touches stays absent, so that its controller
    // is not required.
    bool mem_flags = !(f.memory + f.memory_reservation + f.memory_swap + f.kernel_memory + f.kernel_memory_tcp).empty();
    bool cpu_flags = !(f.cpu_share + f.cpu_quota + f.cpu_period + f.cpu_burst + f.cpu_rt_period + f.cpu_rt_runtime +
                       f.cpu_idle + f.cpuset_cpus + f.cpuset_mems).empty();
    spec::Memory m = r.memory.value_or(spec::Memory{});
    set_if(f.memory, m.limit, bytes("--memory", f.memory));
    set_if(f.memory_reservation, m.reservation, bytes("--memory-reservation", f.memory_reservation));
    set_if(f.memory_swap, m.swap, bytes("--memory-swap", f.memory_swap));
    set_if(f.kernel_memory, m.kernel, bytes("--kernel-memory", f.kernel_memory));
    set_if(f.kernel_memory_tcp, m.kernelTCP, bytes("--kernel-memory-tcp", f.kernel_memory_tcp));
    if (mem_flags) r.memory = m;
    spec::Cpu c = r.cpu.value_or(spec::Cpu{});
    set_if(f.cpu_share, c.shares, static_cast<uint64_t>(num("--cpu-share", f.cpu_share)));
    set_if(f.cpu_quota, c.quota, num("--cpu-quota", f.cpu_quota));
    set_if(f.cpu_period, c.period, static_cast<uint64_t>(num("--cpu-period", f.cpu_period)));
    set_if(f.cpu_burst, c.burst, static_cast<uint64_t>(num("--cpu-burst", f.cpu_burst)));
    set_if(f.cpu_rt_period, c.realtimePeriod, static_cast<uint64_t>(num("--cpu-rt-period", f.cpu_rt_period)));
    set_if(f.cpu_rt_runtime, c.realtimeRuntime, num("--cpu-rt-runtime", f.cpu_rt_runtime));
    set_if(f.cpu_idle, c.idle, num("--cpu-idle", f.cpu_idle));
    set_if(f.cpuset_cpus, c.cpus, f.cpuset_cpus);
    set_if(f.cpuset_mems, c.mems, f.cpuset_mems);
    if (cpu_flags) r.cpu = c;
    if (!f.pids_limit.empty()) r.pids = spec::Pids{num("--pids-limit", f.pids_limit)};
    if (!f.blkio_weight.empty()) {
        auto& b = r.blockIO.emplace(r.blockIO.value_or(spec::BlockIO{}));
        int64_t w = num("--blkio-weight", f.blkio_weight);
        if (w < 10 || w > 1000) throw Error("update: --blkio-weight must be 10..1000");
        b.weight = static_cast<uint16_t>(w);
    }
}

// The values a written one depends on, from what is in effect: a v2 swap limit is computed from the memory
// limit, systemd's CPU quota per second from the period, and cpu.max takes the quota and period together (a
// period alone would reset the quota to "max").
spec::Resources with_dependencies(spec::Resources update, const spec::Resources& saved) {
    if (update.memory && update.memory->swap && !update.memory->limit && saved.memory)
        update.memory->limit = saved.memory->limit;
    if (update.cpu && saved.cpu) {
        auto& c = *update.cpu;
        if (c.quota && !c.period) c.period = saved.cpu->period;
        if (c.period && !c.quota) c.quota = saved.cpu->quota;
    }
    return update;
}

}  // namespace

void register_update(Registry& r, const GlobalOptions& g) {
    auto f = std::make_shared<Flags>();
    r.add("update", "update a container's resource limits")
        .option("-r,--resources", f->resources, "file with a linux.resources JSON object, or - for stdin")
        .option("--blkio-weight", f->blkio_weight, "block I/O weight, 10..1000")
        .option("--cpu-period", f->cpu_period, "CPU CFS period (us)")
        .option("--cpu-quota", f->cpu_quota, "CPU CFS quota (us) per period")
        .option("--cpu-share", f->cpu_share, "CPU shares (relative weight)")
        .option("--cpu-rt-period", f->cpu_rt_period, "CPU realtime period (us)")
        .option("--cpu-rt-runtime", f->cpu_rt_runtime, "CPU realtime runtime (us) per period")
        .option("--cpu-idle", f->cpu_idle, "1: SCHED_IDLE for the cgroup")
        .option("--cpu-burst", f->cpu_burst, "CPU CFS burst (us)")
        .option("--cpuset-cpus", f->cpuset_cpus, "CPUs to use (0-3,7)")
        .option("--cpuset-mems", f->cpuset_mems, "memory nodes to use")
        .option("--memory", f->memory, "memory limit (bytes, or 512m, 1g; -1 unlimited)")
        .option("--memory-reservation", f->memory_reservation, "memory soft limit")
        .option("--memory-swap", f->memory_swap, "memory+swap limit; -1 unlimited")
        .option("--kernel-memory", f->kernel_memory, "kernel memory limit (deprecated)")
        .option("--kernel-memory-tcp", f->kernel_memory_tcp, "kernel TCP buffer limit")
        .option("--pids-limit", f->pids_limit, "maximum number of pids; -1 unlimited")
        .option("--l3-cache-schema", f->l3_cache_schema, "Intel RDT L3 schema (not supported)")
        .option("--mem-bw-schema", f->mem_bw_schema, "Intel RDT memory bandwidth schema (not supported)")
        .positional("id", f->id, "container id", true)
        .run([f, &g] {
            spec::Resources res;
            if (!f->resources.empty()) {
                try {
                    res = spec::parse_resources(read_resources(f->resources));
                } catch (Error& e) {
                    throw e.context("update --resources " + f->resources);
                }
            }
            overlay_flags(*f, res);
            auto c = open_container_cgroup(g.root, f->id, true);
            require_status(c, {state::Status::created, state::Status::running, state::Status::paused}, "update");
            std::string config = c.dir.load_config();
            auto linux_cfg = spec::parse_config(config).linux_;
            spec::Resources saved = linux_cfg ? linux_cfg->resources.value_or(spec::Resources{}) : spec::Resources{};
            c.cg->apply(with_dependencies(res, saved));
            // Under the container's lock, and atomically: a concurrent update waits, a crash leaves the old file.
            spec::merge_resources(saved, res);
            c.dir.save_config(spec::replace_resources(config, saved));
        });
}

}  // namespace ocirt::cli

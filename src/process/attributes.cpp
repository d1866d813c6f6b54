#include "process/attributes.hpp"

#include <fcntl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "sys/procfs.hpp"

namespace ocirt::process {
namespace {

// struct sched_attr from linux/sched/types.h, whose sched_param clashes with glibc's.
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
};

int sched_policy_of(const std::string& p) {
    if (p == "SCHED_OTHER") return SCHED_OTHER;
    if (p == "SCHED_FIFO") return SCHED_FIFO;
    if (p == "SCHED_RR") return SCHED_RR;
    if (p == "SCHED_BATCH") return SCHED_BATCH;
    if (p == "SCHED_ISO") return 4;
    if (p == "SCHED_IDLE") return SCHED_IDLE;
    if (p == "SCHED_DEADLINE") return 6;
    throw Error("process.scheduler.policy: unknown policy \"" + p + "\"");
}

uint64_t sched_flag_of(const std::string& f) {
    if (f == "SCHED_FLAG_RESET_ON_FORK") return 0x01;
    if (f == "SCHED_FLAG_RECLAIM") return 0x02;
    if (f == "SCHED_FLAG_DL_OVERRUN") return 0x04;
    if (f == "SCHED_FLAG_KEEP_POLICY") return 0x08;
    if (f == "SCHED_FLAG_KEEP_PARAMS") return 0x10;
    if (f == "SCHED_FLAG_UTIL_CLAMP_MIN") return 0x20;
    if (f == "SCHED_FLAG_UTIL_CLAMP_MAX") return 0x40;
    throw Error("process.scheduler.flags: unknown flag \"" + f + "\"");
}

int ioprio_class_of(const std::string& c) {
    if (c == "IOPRIO_CLASS_RT") return 1;
    if (c == "IOPRIO_CLASS_BE") return 2;
    if (c == "IOPRIO_CLASS_IDLE") return 3;
    throw Error("process.ioPriority.class: unknown class \"" + c + "\"");
}

struct Named {
    const char* name;
    int value;
};
// set_mempolicy(2) constants (linux/mempolicy.h).
constexpr Named kMempolicyModes[] = {{"MPOL_DEFAULT", 0}, {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2},
                                     {"MPOL_INTERLEAVE", 3}, {"MPOL_LOCAL", 4}, {"MPOL_PREFERRED_MANY", 5},
                                     {"MPOL_WEIGHTED_INTERLEAVE", 6}};
constexpr Named kMempolicyFlags[] = {{"MPOL_F_NUMA_BALANCING", 1 << 13}, {"MPOL_F_RELATIVE_NODES", 1 << 14},
                                     {"MPOL_F_STATIC_NODES", 1 << 15}};
constexpr size_t kMaxNodes = 1024;

int lookup(const Named* table, size_t n, const std::string& name, const char* field) {
    for (size_t i = 0; i < n; ++i)
        if (name == table[i].name) return table[i].value;
    throw Error(std::string(field) + ": unknown value \"" + name + "\"");
}

void resolve_mempolicy(const spec::MemoryPolicy& m, Attributes& a) {
    a.has_mempolicy = true;
    a.mempolicy_mode = lookup(kMempolicyModes, std::size(kMempolicyModes), m.mode, "linux.memoryPolicy.mode");
    for (const auto& f : m.flags)
        a.mempolicy_mode |= lookup(kMempolicyFlags, std::size(kMempolicyFlags), f, "linux.memoryPolicy.flags");
    a.mempolicy_nodes.assign(kMaxNodes / (8 * sizeof(unsigned long)), 0);
    if (!m.nodes || m.nodes->empty()) return;
    // Node lists have the same syntax as cpu lists; cpu_set_t holds more bits than kMaxNodes.
    cpu_set_t set = parse_cpu_list(*m.nodes, "linux.memoryPolicy.nodes");
    for (size_t n = 0; n < kMaxNodes; ++n)
        if (CPU_ISSET(n, &set)) a.mempolicy_nodes[n / (8 * sizeof(unsigned long))] |= 1UL << (n % (8 * sizeof(unsigned long)));
}

}  // namespace

cpu_set_t parse_cpu_list(const std::string& list, const char* field) {
    cpu_set_t set;
    CPU_ZERO(&set);
    size_t i = 0;
    auto bad = [&] { return Error(std::string(field) + ": invalid cpu list \"" + list + "\""); };
    while (i < list.size()) {
        char* end;
        unsigned long a = strtoul(list.c_str() + i, &end, 10);
        if (end == list.c_str() + i) throw bad();
        unsigned long b = a;
        i = static_cast<size_t>(end - list.c_str());
        if (i < list.size() && list[i] == '-') {
            b = strtoul(list.c_str() + i + 1, &end, 10);
            if (end == list.c_str() + i + 1 || b < a) throw bad();
            i = static_cast<size_t>(end - list.c_str());
        }
        if (b >= CPU_SETSIZE) throw bad();
        for (unsigned long c = a; c <= b; ++c) CPU_SET(c, &set);
        if (i < list.size() && list[i] != ',') throw bad();
        if (i < list.size()) ++i;
    }
    return set;
}

Attributes resolve_attributes(const spec::Process& p, const spec::Linux* l) {
    Attributes a;
    a.oom_score_adj = p.oomScoreAdj;
    a.no_new_privs = p.noNewPrivileges;
    if (l && l->personality) {
        const auto& d = l->personality->domain;
        if (d == "LINUX") a.personality = PER_LINUX;
        else if (d == "LINUX32") a.personality = PER_LINUX32;
        else throw Error("linux.personality.domain: unknown domain \"" + d + "\"");
    }
    if (p.scheduler) {
        a.has_scheduler = true;
        a.scheduler = *p.scheduler;
        a.sched_policy = sched_policy_of(p.scheduler->policy);
        for (const auto& f : p.scheduler->flags) a.sched_flags |= sched_flag_of(f);
    }
    if (p.ioPriority) {
        if (p.ioPriority->priority < 0 || p.ioPriority->priority > 7)
            throw Error("process.ioPriority.priority: must be between 0 and 7");
        a.ioprio = ioprio_class_of(p.ioPriority->class_) << 13 | p.ioPriority->priority;
    }
    if (l && l->memoryPolicy) resolve_mempolicy(*l->memoryPolicy, a);
    if (p.execCPUAffinity && p.execCPUAffinity->initial)
        a.cpu_initial = parse_cpu_list(*p.execCPUAffinity->initial, "process.execCPUAffinity.initial");
    if (p.execCPUAffinity && p.execCPUAffinity->final_)
        a.cpu_final = parse_cpu_list(*p.execCPUAffinity->final_, "process.execCPUAffinity.final");
    return a;
}

void apply_initial_affinity(const Attributes& a) {
    if (a.cpu_initial && ::sched_setaffinity(0, sizeof(cpu_set_t), &*a.cpu_initial) < 0)
        throw Error(errno, "sched_setaffinity").context("process.execCPUAffinity.initial");
}

void apply_attributes(const Attributes& a) {
    if (a.oom_score_adj) {
        // Through the runtime's own procfs handle: a mount over the container's /proc cannot redirect it.
        try {
            OwnedFd fd = sys::procfs::open_self("oom_score_adj", O_WRONLY);
            sys::procfs::write_all(fd.borrow(), std::to_string(*a.oom_score_adj), "/proc/self/oom_score_adj");
        } catch (Error& e) {
            throw e.context("process.oomScoreAdj");
        }
    }
    if (a.personality && ::personality(*a.personality) < 0)
        throw Error(errno, "personality").context("linux.personality");
    if (a.has_scheduler) {
        SchedAttr attr{};
        attr.size = sizeof attr;
        attr.sched_policy = static_cast<uint32_t>(a.sched_policy);
        attr.sched_flags = a.sched_flags;
        attr.sched_nice = a.scheduler.nice;
        attr.sched_priority = static_cast<uint32_t>(a.scheduler.priority);
        attr.sched_runtime = a.scheduler.runtime;
        attr.sched_deadline = a.scheduler.deadline;
        attr.sched_period = a.scheduler.period;
        if (::syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
            throw Error(errno, "sched_setattr").context("process.scheduler");
    }
    if (a.ioprio && ::syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, *a.ioprio) < 0)
        throw Error(errno, "ioprio_set").context("process.ioPriority");
    if (a.has_mempolicy) {
        bool any = false;
        for (unsigned long w : a.mempolicy_nodes) any = any || w;
        // maxnode counts one bit more than the mask holds: the kernel has always dropped the last bit.
        if (::syscall(SYS_set_mempolicy, a.mempolicy_mode, any ? a.mempolicy_nodes.data() : nullptr,
                      any ? kMaxNodes + 1 : 0) < 0)
            throw Error(errno, "set_mempolicy").context("linux.memoryPolicy");
    }
    if (a.cpu_final && ::sched_setaffinity(0, sizeof(cpu_set_t), &*a.cpu_final) < 0)
        throw Error(errno, "sched_setaffinity").context("process.execCPUAffinity.final");
}

void apply_no_new_privs(const Attributes& a) {
    if (a.no_new_privs) check(::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)");
}

}  // namespace ocirt::process

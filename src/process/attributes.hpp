// Per-process attributes of process.* that are plain syscalls: oomScoreAdj, personality, scheduler,
// ioPriority, execCPUAffinity and noNewPrivileges. Names are resolved in the parent (resolve_attributes),
// the child only makes the calls (apply_attributes).
#pragma once

#include <sched.h>

#include <optional>
#include <string>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::process {

struct Attributes {
    std::optional<int> oom_score_adj;
    std::optional<unsigned long> personality;
    bool has_scheduler = false;
    int sched_policy = 0;
    uint64_t sched_flags = 0;
    spec::Scheduler scheduler;
    std::optional<int> ioprio;  // encoded class << 13 | level
    std::optional<cpu_set_t> cpu_initial;
    std::optional<cpu_set_t> cpu_final;
    bool no_new_privs = false;
    bool has_mempolicy = false;
    int mempolicy_mode = 0;                // MPOL_* | MPOL_F_* flags, as set_mempolicy(2) takes them
    std::vector<unsigned long> mempolicy_nodes;  // bit mask of linux.memoryPolicy.nodes
};

Attributes resolve_attributes(const spec::Process& p, const spec::Linux* l);

// Child side, before the user switch (oom_score_adj below the current value needs CAP_SYS_RESOURCE).
void apply_attributes(const Attributes& a);
// Parent side, before the clone: execCPUAffinity.initial, for the runtime process and what it starts before
// the container's cgroup takes over (the clone, hooks run from the parent).
void apply_initial_affinity(const Attributes& a);
// Child side, the very end: prctl(PR_SET_NO_NEW_PRIVS) when asked.
void apply_no_new_privs(const Attributes& a);

// Parses a cpu list such as "0-3,7" (Error names the field).
cpu_set_t parse_cpu_list(const std::string& list, const char* field);

}  // namespace ocirt::process

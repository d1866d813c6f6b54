// Checks of a process: the config's own, or the one exec runs.
#include <algorithm>

#include "spec/validate.hpp"
#include "spec/validate_internal.hpp"

namespace ocirt::spec {

using namespace vcheck;

static void check_env(const Process& p, std::string_view where) {
    for (size_t i = 0; i < p.env.size(); ++i) {
        const std::string& e = p.env[i];
        size_t eq = e.find('=');
        if (eq == std::string::npos) fail(item(where, i), quote(e) + " has no '=' (expected NAME=VALUE)");
        if (eq == 0) fail(item(where, i), quote(e) + " has an empty name");
        if (e.find('\0') != std::string::npos) fail(item(where, i), "contains a NUL byte");
    }
}

static void check_rlimits(const Process& p, std::string_view where) {
    for (size_t i = 0; i < p.rlimits.size(); ++i) {
        const Rlimit& r = p.rlimits[i];
        if (!one_of(r.type, {"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
                             "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
                             "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"}))
            fail(item(where, i, "type"), "unknown rlimit " + quote(r.type));
        if (r.soft > r.hard)
            fail(item(where, i),
                 "soft limit " + std::to_string(r.soft) + " is above hard limit " + std::to_string(r.hard));
        for (size_t j = 0; j < i; ++j)
            if (p.rlimits[j].type == r.type)
                fail(item(where, i, "type"), quote(r.type) + " is listed twice (also at [" + std::to_string(j) + "])");
    }
}

// Unknown capabilities are only warned about (the spec says so), but a name that is not even of the form
// CAP_X is a typo worth stopping for.
static void check_cap_set(const std::vector<std::string>& caps, std::string_view where) {
    for (size_t i = 0; i < caps.size(); ++i) {
        const std::string& cap = caps[i];
        bool ok = cap.size() > 4 && cap.starts_with("CAP_") && std::all_of(cap.begin() + 4, cap.end(), [](char ch) {
                      return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
                  });
        if (!ok) fail(item(where, i), quote(cap) + " is not a capability name (CAP_...)");
    }
}

static void check_capabilities(const Process& p, std::string_view where) {
    if (!p.capabilities) return;
    const Capabilities& c = *p.capabilities;
    check_cap_set(c.effective, field(where, "effective"));
    check_cap_set(c.bounding, field(where, "bounding"));
    check_cap_set(c.inheritable, field(where, "inheritable"));
    check_cap_set(c.permitted, field(where, "permitted"));
    check_cap_set(c.ambient, field(where, "ambient"));
}

static void check_scheduler(const Process& p, std::string_view where) {
    if (!p.scheduler) return;
    const Scheduler& s = *p.scheduler;
    if (s.policy.empty()) fail(field(where, "policy"), "required property is missing");
    if (!one_of(s.policy,
                {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"}))
        fail(field(where, "policy"), "unknown scheduler policy " + quote(s.policy));
    if (s.nice < -20 || s.nice > 19) fail(field(where, "nice"), std::to_string(s.nice) + " is outside -20..19");
    bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    if (realtime && (s.priority < 1 || s.priority > 99))
        fail(field(where, "priority"), std::to_string(s.priority) + " is outside 1..99, as " + s.policy + " needs");
    if (!realtime && s.priority != 0)
        fail(field(where, "priority"), "only SCHED_FIFO and SCHED_RR take a static priority");
    bool deadline = s.policy == "SCHED_DEADLINE";
    if (!deadline && (s.runtime || s.deadline || s.period))
        fail(where, "runtime, deadline and period are only for SCHED_DEADLINE");
    if (deadline && s.runtime > s.deadline) fail(field(where, "runtime"), "must not be greater than deadline");
    if (deadline && s.period && s.deadline > s.period)
        fail(field(where, "deadline"), "must not be greater than period");
    check_flags(field(where, "flags"), s.flags,
                {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
                 "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"},
                "scheduler flag");
}

static void check_io_priority(const Process& p, std::string_view where) {
    if (!p.ioPriority) return;
    if (!one_of(p.ioPriority->class_, {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"}))
        fail(field(where, "class"), "unknown I/O priority class " + quote(p.ioPriority->class_));
    if (p.ioPriority->priority < 0 || p.ioPriority->priority > 7)
        fail(field(where, "priority"), std::to_string(p.ioPriority->priority) + " is outside 0..7");
}

static void check_cpu_affinity(const Process& p, std::string_view where) {
    if (!p.execCPUAffinity) return;
    if (p.execCPUAffinity->initial && !is_id_list(*p.execCPUAffinity->initial))
        fail(field(where, "initial"), quote(*p.execCPUAffinity->initial) + " is not a CPU list like \"0-3,7\"");
    if (p.execCPUAffinity->final_ && !is_id_list(*p.execCPUAffinity->final_))
        fail(field(where, "final"), quote(*p.execCPUAffinity->final_) + " is not a CPU list like \"0-3,7\"");
}

void validate_process(const Process& p, std::string_view where) {
    if (p.args.empty()) fail(field(where, "args"), "must have at least one entry");
    if (p.cwd.empty()) fail(field(where, "cwd"), "required property is missing");
    if (!is_absolute(p.cwd)) fail(field(where, "cwd"), quote(p.cwd) + " is not an absolute path");
    check_env(p, field(where, "env"));
    check_rlimits(p, field(where, "rlimits"));
    check_capabilities(p, field(where, "capabilities"));
    if (p.oomScoreAdj && (*p.oomScoreAdj < -1000 || *p.oomScoreAdj > 1000))
        fail(field(where, "oomScoreAdj"), std::to_string(*p.oomScoreAdj) + " is outside -1000..1000");
    check_scheduler(p, field(where, "scheduler"));
    check_io_priority(p, field(where, "ioPriority"));
    check_cpu_affinity(p, field(where, "execCPUAffinity"));
}

}  // namespace ocirt::spec

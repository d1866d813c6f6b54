// process.*: args, env, cwd, terminal, fds, rlimits, oomScoreAdj, personality,
// scheduler and ioPriority, as the kernel reports them for this process.
#include "checker.hpp"

#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <map>

extern char** environ;

namespace ocv {
namespace {

void check_args(Context& ctx, const Json* process) {
    auto args = strings(process, "args");
    ctx.tap.eq("process.args", join(args, "|"), join(ctx.argv, "|"));
}

void check_env(Context& ctx, const Json* process) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    for (const auto& want : strings(process, "env"))
        ctx.tap.truth("process.env[" + want.substr(0, want.find('=')) + "]", has(env, want), want,
                      "environment without it");
}

void check_cwd(Context& ctx, const Json* process) {
    auto cwd = str(process, "cwd").value_or("/");
    if (cwd.size() > 1 && cwd.back() == '/') cwd.pop_back();
    char buf[4096];
    ctx.tap.eq("process.cwd", cwd, getcwd(buf, sizeof buf) ? buf : "(getcwd failed)");
}

void check_terminal(Context& ctx, const Json* process) {
    bool terminal = boolean(process, "terminal").value_or(false);
    ctx.tap.truth("process.terminal (stdin is a tty)", isatty(0) == (terminal ? 1 : 0),
                  terminal ? "tty" : "not a tty", isatty(0) ? "tty" : "not a tty");
    if (!terminal) return;
    struct stat in_st {}, console_st {};
    bool same = fstat(0, &in_st) == 0 && stat("/dev/console", &console_st) == 0 &&
                S_ISCHR(console_st.st_mode) && console_st.st_rdev == in_st.st_rdev;
    ctx.tap.truth("/dev/console is the container's pty", same, "same device as stdin",
                  "different or missing");
    const Json* size = member(process, "consoleSize");
    if (size == nullptr) return;
    winsize ws{};
    ioctl(0, TIOCGWINSZ, &ws);
    ctx.tap.eq("process.consoleSize.height", integer(size, "height").value_or(-1), ws.ws_row);
    ctx.tap.eq("process.consoleSize.width", integer(size, "width").value_or(-1), ws.ws_col);
}

// runtime-linux.md: only 0, 1, 2 unless the runtime was asked to pass more.
void check_fds(Context& ctx) {
    long extra = integer(&ctx.host, "extraFds").value_or(0);
    std::vector<std::string> want, got;
    for (int fd = 0; fd < 3 + extra; ++fd) want.push_back(std::to_string(fd));
    for (int fd : ctx.fds_at_start) got.push_back(std::to_string(fd));
    ctx.tap.eq("runtime-linux file descriptors", join(want, ","), join(got, ","));
}

const std::map<std::string, int>& rlimit_names() {
    static const std::map<std::string, int> names = {
        {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
        {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
    };
    return names;
}

void check_rlimits(Context& ctx, const Json* process) {
    const Json* list = member(process, "rlimits");
    if (list == nullptr || !list->IsArray()) return;
    for (const auto& r : list->GetArray()) {
        auto type = str(&r, "type").value_or("?");
        auto it = rlimit_names().find(type);
        std::string name = "process.rlimits[" + type + "]";
        if (it == rlimit_names().end()) {
            ctx.tap.fail(name, "a known rlimit", "unknown to the checker");
            continue;
        }
        rlimit lim{};
        getrlimit(static_cast<__rlimit_resource>(it->second), &lim);
        ctx.tap.eq(name + ".soft", std::to_string(uinteger(&r, "soft").value_or(0)), std::to_string(lim.rlim_cur));
        ctx.tap.eq(name + ".hard", std::to_string(uinteger(&r, "hard").value_or(0)), std::to_string(lim.rlim_max));
    }
}

// Unset means "do not change": the harness records the value it started the runtime with.
void check_oom(Context& ctx, const Json* process) {
    auto want = integer(process, "oomScoreAdj");
    auto got = trim(read_file("/proc/self/oom_score_adj").value_or("?"));
    if (want)
        ctx.tap.eq("process.oomScoreAdj", std::to_string(*want), got);
    else if (auto host = integer(&ctx.host, "oomScoreAdj"))
        ctx.tap.eq("process.oomScoreAdj unset leaves it unchanged", std::to_string(*host), got);
}

void check_personality(Context& ctx) {
    const Json* p = member(member(&ctx.config, "linux"), "personality");
    if (p == nullptr) return;
    auto domain = str(p, "domain").value_or("LINUX");
    int current = personality(0xffffffff) & PER_MASK;
    ctx.tap.eq("linux.personality.domain", domain == "LINUX32" ? PER_LINUX32 : PER_LINUX, current);
    if (domain == "LINUX32") {
        utsname u{};
        uname(&u);
        ctx.tap.truth("linux.personality LINUX32 uname machine", std::string(u.machine) != "x86_64",
                      "a 32-bit machine", u.machine);
    }
}

// glibc 2.36 has no sched_attr and <linux/sched/types.h> clashes with <sched.h>.
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t util_min;
    uint32_t util_max;
};

int policy_number(const std::string& name) {
    static const std::map<std::string, int> policies = {
        {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},   {"SCHED_RR", SCHED_RR},
        {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", 4},             {"SCHED_IDLE", SCHED_IDLE},
        {"SCHED_DEADLINE", 6},
    };
    auto it = policies.find(name);
    return it == policies.end() ? -1 : it->second;
}

unsigned long long sched_flag(const std::string& name) {
    static const std::map<std::string, unsigned long long> flags = {
        {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},
        {"SCHED_FLAG_DL_OVERRUN", 0x04},    {"SCHED_FLAG_KEEP_POLICY", 0x08},
        {"SCHED_FLAG_KEEP_PARAMS", 0x10},   {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
        {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
    };
    auto it = flags.find(name);
    return it == flags.end() ? 0 : it->second;
}

void check_scheduler(Context& ctx, const Json* process) {
    const Json* s = member(process, "scheduler");
    if (s == nullptr) return;
    SchedAttr attr{};
    if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) {
        ctx.tap.fail("process.scheduler", "sched_getattr works", errno_name(errno));
        return;
    }
    ctx.tap.eq("process.scheduler.policy", policy_number(str(s, "policy").value_or("")), attr.sched_policy);
    ctx.tap.eq("process.scheduler.nice", integer(s, "nice").value_or(0), attr.sched_nice);
    ctx.tap.eq("process.scheduler.priority", integer(s, "priority").value_or(0), attr.sched_priority);
    // Only the flags the kernel reports back; KEEP_* and UTIL_CLAMP_* are request modifiers.
    unsigned long long want = 0;
    for (const auto& f : strings(s, "flags")) want |= sched_flag(f);
    want &= 0x07;
    ctx.tap.eq("process.scheduler.flags", static_cast<long long>(want),
               static_cast<long long>(attr.sched_flags & 0x07));
    if (attr.sched_policy == 6) {
        ctx.tap.eq("process.scheduler.runtime", integer(s, "runtime").value_or(0), attr.sched_runtime);
        ctx.tap.eq("process.scheduler.deadline", integer(s, "deadline").value_or(0), attr.sched_deadline);
        ctx.tap.eq("process.scheduler.period", integer(s, "period").value_or(0), attr.sched_period);
    }
}

void check_io_priority(Context& ctx, const Json* process) {
    const Json* io = member(process, "ioPriority");
    if (io == nullptr) return;
    static const std::map<std::string, int> classes = {
        {"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}};
    auto it = classes.find(str(io, "class").value_or(""));
    long long want = ((it == classes.end() ? 0 : it->second) << 13) | integer(io, "priority").value_or(0);
    long got = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    ctx.tap.eq("process.ioPriority (class<<13|priority)", want, got);
}

// "0-2,5" -> "0,1,2,5": both sides of the comparison in one canonical form.
std::string expand_cpu_list(const std::string& list) {
    std::string out;
    size_t i = 0;
    while (i < list.size()) {
        size_t end = list.find(',', i);
        if (end == std::string::npos) end = list.size();
        std::string part = list.substr(i, end - i);
        size_t dash = part.find('-');
        long lo = std::stol(part.substr(0, dash));
        long hi = dash == std::string::npos ? lo : std::stol(part.substr(dash + 1));
        for (long c = lo; c <= hi; ++c) out += (out.empty() ? "" : ",") + std::to_string(c);
        i = end + 1;
    }
    return out;
}

// execCPUAffinity.final is the affinity the process is exec'd with; initial only applies to the runtime's
// own steps before it, which cannot be seen from here.
void check_cpu_affinity(Context& ctx, const Json* process) {
    const Json* aff = member(process, "execCPUAffinity");
    auto final_list = str(aff, "final");
    if (aff == nullptr || !final_list) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    std::string got;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE; ++c)
            if (CPU_ISSET(c, &set)) got += (got.empty() ? "" : ",") + std::to_string(c);
    ctx.tap.eq("process.execCPUAffinity.final", expand_cpu_list(*final_list), got);
}

}  // namespace

void check_process(Context& ctx) {
    const Json* process = member(&ctx.config, "process");
    check_args(ctx, process);
    check_env(ctx, process);
    check_cwd(ctx, process);
    check_terminal(ctx, process);
    check_fds(ctx);
    check_rlimits(ctx, process);
    check_oom(ctx, process);
    check_personality(ctx);
    check_scheduler(ctx, process);
    check_io_priority(ctx, process);
    check_cpu_affinity(ctx, process);
}

}  // namespace ocv

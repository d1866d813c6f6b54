// linux.seccomp (mode, and the effect of each rule on a few harmless probe
// syscalls run in a child), process.apparmorProfile, process.selinuxLabel.
#include "checker.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <map>

namespace ocv {
namespace {

// Syscalls the checker never needs for anything else, so blocking them is safe.
struct Probe {
    const char* name;
    long nr;
    std::vector<long> args;
};
const std::vector<Probe>& probes() {
    static const std::vector<Probe> list = {
        {"getppid", SYS_getppid, {}},  {"getpgrp", SYS_getpgrp, {}},       {"sched_yield", SYS_sched_yield, {}},
        {"getsid", SYS_getsid, {0}},   {"getpgid", SYS_getpgid, {0}},     {"getpriority", SYS_getpriority, {0, 0}},
        {"getpriority", SYS_getpriority, {1, 0}}, {"getpriority", SYS_getpriority, {2, 0}},
    };
    return list;
}

// Runs the probe in a child, so kill and trap actions only end the child.
std::string outcome(const Probe& p) {
    pid_t pid = fork();
    if (pid == 0) {
        long a0 = p.args.size() > 0 ? p.args[0] : 0, a1 = p.args.size() > 1 ? p.args[1] : 0;
        errno = 0;
        long rc = syscall(p.nr, a0, a1);
        _exit(rc == -1 ? (errno & 0xff) : 0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) return "fork failed";
    if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGSYS ? "SIGSYS" : "signal " + std::to_string(WTERMSIG(status));
    return errno_name(WEXITSTATUS(status));
}

bool arg_matches(const Json& cond, const std::vector<long>& args) {
    size_t index = uinteger(&cond, "index").value_or(99);
    if (index >= args.size()) return false;
    auto arg = static_cast<unsigned long long>(args[index]);
    unsigned long long value = uinteger(&cond, "value").value_or(0), two = uinteger(&cond, "valueTwo").value_or(0);
    std::string op = str(&cond, "op").value_or("");
    if (op == "SCMP_CMP_NE") return arg != value;
    if (op == "SCMP_CMP_LT") return arg < value;
    if (op == "SCMP_CMP_LE") return arg <= value;
    if (op == "SCMP_CMP_EQ") return arg == value;
    if (op == "SCMP_CMP_GE") return arg >= value;
    if (op == "SCMP_CMP_GT") return arg > value;
    if (op == "SCMP_CMP_MASKED_EQ") return (arg & value) == two;
    return false;
}

std::string expected(const std::string& action, std::optional<unsigned long long> errno_ret) {
    if (action == "SCMP_ACT_ALLOW" || action == "SCMP_ACT_LOG") return "success";
    if (action == "SCMP_ACT_ERRNO") return errno_name(static_cast<int>(errno_ret.value_or(EPERM)));
    if (action == "SCMP_ACT_TRACE") return "ENOSYS";  // no tracer attached
    if (action == "SCMP_ACT_NOTIFY") return "";
    return "SIGSYS";  // KILL, KILL_THREAD, KILL_PROCESS, TRAP
}

// The rule that decides a probe: the last entry naming it whose args all match.
std::string decide(const Json* seccomp, const Probe& p) {
    std::string want = expected(str(seccomp, "defaultAction").value_or(""), uinteger(seccomp, "defaultErrnoRet"));
    const Json* rules = member(seccomp, "syscalls");
    if (rules == nullptr || !rules->IsArray()) return want;
    for (const auto& rule : rules->GetArray()) {
        if (!has(strings(&rule, "names"), p.name)) continue;
        bool all = true;
        if (const Json* args = member(&rule, "args"); args != nullptr && args->IsArray())
            for (const auto& cond : args->GetArray()) all = all && arg_matches(cond, p.args);
        if (all) want = expected(str(&rule, "action").value_or(""), uinteger(&rule, "errnoRet"));
    }
    return want;
}

void check_seccomp(Context& ctx) {
    const Json* seccomp = member(member(&ctx.config, "linux"), "seccomp");
    std::string mode = status_field("Seccomp").value_or("?");
    if (seccomp == nullptr) {
        ctx.tap.eq("linux.seccomp unset: no filter", std::to_string(integer(&ctx.host, "seccompMode").value_or(0)), mode);
        return;
    }
    ctx.tap.eq("linux.seccomp filter installed (Seccomp: 2)", "2", mode);
    std::string def = str(seccomp, "defaultAction").value_or("");
    // With a restrictive default the checker's own syscalls may be refused; fork is needed to probe.
    if (def != "SCMP_ACT_ALLOW" && def != "SCMP_ACT_LOG") return;
    for (const auto& p : probes()) {
        std::string want = decide(seccomp, p);
        if (want.empty()) continue;
        std::string args;
        for (long a : p.args) args += (args.empty() ? "" : ",") + std::to_string(a);
        ctx.tap.eq(std::string("linux.seccomp ") + p.name + "(" + args + ")", want, outcome(p));
    }
}

void check_lsm(Context& ctx) {
    const Json* process = member(&ctx.config, "process");
    if (auto profile = str(process, "apparmorProfile")) {
        auto got = trim(read_file("/proc/self/attr/apparmor/current").value_or(
            read_file("/proc/self/attr/current").value_or("(unreadable)")));
        ctx.tap.truth("process.apparmorProfile", got.rfind(*profile, 0) == 0, *profile, got);
    }
    if (auto label = str(process, "selinuxLabel")) {
        auto got = read_file("/proc/self/attr/current").value_or("(unreadable)");
        while (!got.empty() && got.back() == '\0') got.pop_back();
        ctx.tap.eq("process.selinuxLabel", *label, trim(got));
    }
}

}  // namespace

void check_security(Context& ctx) {
    check_seccomp(ctx);
    check_lsm(ctx);
}

}  // namespace ocv

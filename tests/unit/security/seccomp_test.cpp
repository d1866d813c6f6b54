#include "security/seccomp.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>

#include "base/error.hpp"
#include "security/child.hpp"

using namespace ocirt;
using ocirt::test::exited_with;
using ocirt::test::run_in_child;

namespace {

spec::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                          std::optional<uint32_t> errno_ret = {}, std::vector<spec::SeccompArg> args = {}) {
    spec::SeccompSyscall r;
    r.names = std::move(names);
    r.action = std::move(action);
    r.errnoRet = errno_ret;
    r.args = std::move(args);
    return r;
}

spec::SeccompArg arg(uint32_t index, std::string op, uint64_t value, std::optional<uint64_t> two = {}) {
    spec::SeccompArg a;
    a.index = index;
    a.op = std::move(op);
    a.value = value;
    a.valueTwo = two;
    return a;
}

spec::Seccomp allow_all_but(std::vector<spec::SeccompSyscall> rules) {
    spec::Seccomp s;
    s.defaultAction = "SCMP_ACT_ALLOW";
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    s.syscalls = std::move(rules);
    return s;
}

// Loads the program with no_new_privs set (so it also works unprivileged) and returns errno of a mkdir.
int mkdir_errno_under(const security::SeccompProgram& p) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
    security::load_seccomp(p);
    if (mkdir("/nonexistent-ocirt-dir/x", 0700) == 0) return 0;
    return errno;
}

}  // namespace

TEST_CASE("compile_seccomp produces a BPF program", "[security][seccomp]") {
    auto p = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")}));
    CHECK(p.filter.size() > 4);
    CHECK_FALSE(p.notify);
    CHECK(p.flags == 0);
}

TEST_CASE("seccomp ERRNO defaults to EPERM and honours errnoRet", "[security][seccomp]") {
    auto eperm = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")}));
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(eperm); }), EPERM));

    auto e42 = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", 42)}));
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(e42); }), 42));
}

TEST_CASE("seccomp defaultErrnoRet applies to the default action", "[security][seccomp]") {
    spec::Seccomp s;
    s.defaultAction = "SCMP_ACT_ALLOW";
    s.syscalls = {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", 43)};
    auto p = security::compile_seccomp(s);
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(p); }), 43));

    // Deny-by-default with an errno, the shape of Docker's profile; exit_group must stay allowed.
    spec::Seccomp deny;
    deny.defaultAction = "SCMP_ACT_ERRNO";
    deny.defaultErrnoRet = 38;
    deny.syscalls = {rule({"exit", "exit_group", "prctl", "seccomp", "getpid"}, "SCMP_ACT_ALLOW")};
    auto d = security::compile_seccomp(deny);
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(d); }), 38));
}

TEST_CASE("seccomp KILL actions kill the process with SIGSYS", "[security][seccomp]") {
    for (const char* action : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"}) {
        auto p = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, action)}));
        int status = run_in_child([&] { return mkdir_errno_under(p) == 0 ? 0 : 1; });
        INFO(action);
        REQUIRE(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGSYS);
    }
}

TEST_CASE("seccomp TRAP raises SIGSYS, LOG and TRACE without a tracer behave as documented",
          "[security][seccomp]") {
    auto trap = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_TRAP")}));
    int status = run_in_child([&] { return mkdir_errno_under(trap); });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSYS);

    auto log = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_LOG")}));
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(log); }), ENOENT));

    // With no tracer attached the kernel fails a TRACE'd syscall with ENOSYS.
    auto trace = security::compile_seccomp(allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_TRACE", 5)}));
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(trace); }), ENOSYS));
}

TEST_CASE("seccomp argument conditions on different arguments are ANDed", "[security][seccomp]") {
    // dup3(0, fd, O_CLOEXEC) is denied; changing either argument lets it through.
    auto p = security::compile_seccomp(allow_all_but({rule(
        {"dup3"}, "SCMP_ACT_ERRNO", 77,
        {arg(0, "SCMP_CMP_EQ", 0), arg(2, "SCMP_CMP_MASKED_EQ", O_CLOEXEC, O_CLOEXEC)})}));
    int status = run_in_child([&] {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
        security::load_seccomp(p);
        if (dup3(0, 100, O_CLOEXEC) >= 0 || errno != 77) return 1;
        if (dup3(0, 101, 0) < 0) return 2;
        if (dup3(1, 102, O_CLOEXEC) < 0) return 3;
        return 0;
    });
    CHECK(exited_with(status, 0));
}

TEST_CASE("seccomp conditions repeating an argument index become separate rules", "[security][seccomp]") {
    auto p = security::compile_seccomp(allow_all_but(
        {rule({"getpgid"}, "SCMP_ACT_ERRNO", 78, {arg(0, "SCMP_CMP_EQ", 1), arg(0, "SCMP_CMP_EQ", 2)})}));
    int status = run_in_child([&] {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
        security::load_seccomp(p);
        if (syscall(SYS_getpgid, 1) >= 0 || errno != 78) return 1;
        if (syscall(SYS_getpgid, 2) >= 0 || errno != 78) return 2;
        if (syscall(SYS_getpgid, 0) < 0) return 3;
        return 0;
    });
    CHECK(exited_with(status, 0));
}

TEST_CASE("seccomp comparison operators", "[security][seccomp]") {
    // getpgid(pid) is denied for pid values selected by each operator against 5.
    struct Case {
        const char* op;
        long denied, allowed;
    };
    for (auto c : {Case{"SCMP_CMP_NE", 4, 5}, Case{"SCMP_CMP_LT", 4, 5}, Case{"SCMP_CMP_LE", 5, 6},
                   Case{"SCMP_CMP_GE", 5, 4}, Case{"SCMP_CMP_GT", 6, 0}}) {
        auto p = security::compile_seccomp(
            allow_all_but({rule({"getpgid"}, "SCMP_ACT_ERRNO", 79, {arg(0, c.op, 5)})}));
        int status = run_in_child([&] {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
            security::load_seccomp(p);
            if (syscall(SYS_getpgid, c.denied) >= 0 || errno != 79) return 1;
            errno = 0;
            syscall(SYS_getpgid, c.allowed);
            return errno == 79 ? 2 : 0;
        });
        INFO(c.op);
        CHECK(exited_with(status, 0));
    }
}

TEST_CASE("compile_seccomp skips unknown syscalls and rules equal to the default", "[security][seccomp]") {
    auto s = allow_all_but({rule({"no_such_syscall_ocirt", "mkdir"}, "SCMP_ACT_ERRNO"),
                            rule({"getpid"}, "SCMP_ACT_ALLOW")});
    CHECK_NOTHROW(security::compile_seccomp(s));

    spec::Seccomp deny;
    deny.defaultAction = "SCMP_ACT_ERRNO";
    deny.syscalls = {rule({"mkdir"}, "SCMP_ACT_ERRNO"), rule({"getpid"}, "SCMP_ACT_ALLOW")};
    CHECK_NOTHROW(security::compile_seccomp(deny));
}

TEST_CASE("compile_seccomp errors name the field", "[security][seccomp]") {
    auto bad_action = allow_all_but({rule({"mkdir"}, "SCMP_ACT_ERRNO"), rule({"getpid"}, "SCMP_ACT_NOPE")});
    CHECK_THROWS_WITH(security::compile_seccomp(bad_action),
                      Catch::Contains("linux.seccomp.syscalls[1].action"));

    auto bad_op = allow_all_but({rule({"getpgid"}, "SCMP_ACT_ERRNO", {}, {arg(0, "SCMP_CMP_ABOUT", 1)})});
    CHECK_THROWS_WITH(security::compile_seccomp(bad_op), Catch::Contains("linux.seccomp.syscalls[0].args[0].op"));

    auto bad_index = allow_all_but({rule({"getpgid"}, "SCMP_ACT_ERRNO", {}, {arg(6, "SCMP_CMP_EQ", 1)})});
    CHECK_THROWS_WITH(security::compile_seccomp(bad_index), Catch::Contains("args[0].index"));

    auto bad_arch = allow_all_but({});
    bad_arch.architectures = {"x86_64"};
    CHECK_THROWS_WITH(security::compile_seccomp(bad_arch), Catch::Contains("linux.seccomp.architectures[0]"));

    auto bad_flag = allow_all_but({});
    bad_flag.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FAST"};
    CHECK_THROWS_WITH(security::compile_seccomp(bad_flag), Catch::Contains("linux.seccomp.flags[1]"));

    auto bad_default = allow_all_but({});
    bad_default.defaultAction = "ALLOW";
    CHECK_THROWS_WITH(security::compile_seccomp(bad_default), Catch::Contains("linux.seccomp.defaultAction"));
}

TEST_CASE("seccomp flags reach the kernel", "[security][seccomp]") {
    auto s = allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    auto p = security::compile_seccomp(s);
    CHECK(p.flags == (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(p); }), EPERM));
}

TEST_CASE("seccomp WAIT_KILLABLE_RECV is dropped without a NOTIFY rule", "[security][seccomp]") {
    auto s = allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_LOG"};
    auto p = security::compile_seccomp(s);
    CHECK(p.flags == SECCOMP_FILTER_FLAG_LOG);
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(p); }), EPERM));
}

TEST_CASE("seccomp architectures: foreign ones are added, unknown-to-libseccomp ones skipped",
          "[security][seccomp]") {
    auto s = allow_all_but({rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64"};
    auto p = security::compile_seccomp(s);
    CHECK(exited_with(run_in_child([&] { return mkdir_errno_under(p); }), EPERM));

    s.architectures.push_back("SCMP_ARCH_S390X");
    CHECK_THROWS_WITH(security::compile_seccomp(s), Catch::Contains("linux.seccomp.architectures[4]") &&
                                                        Catch::Contains("byte order"));
}

TEST_CASE("seccomp: syscalls newer than the profile get ENOSYS, not the default errno", "[security][seccomp]") {
    spec::Seccomp s;
    s.defaultAction = "SCMP_ACT_ERRNO";
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    // futex_waitv (449 on x86_64) is the newest syscall the profile names.
    s.syscalls = {rule({"exit", "exit_group", "prctl", "seccomp", "getpid", "futex_waitv"}, "SCMP_ACT_ALLOW")};
    auto p = security::compile_seccomp(s);
    int status = run_in_child([&] {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
        security::load_seccomp(p);
        if (syscall(SYS_getpid) <= 0) return 1;
        if (syscall(SYS_mkdir, "/nonexistent-ocirt/x", 0700) >= 0 || errno != EPERM) return 2;  // older: default
        if (syscall(460) >= 0 || errno != ENOSYS) return 3;                                     // newer: ENOSYS
        return 0;
    });
    CHECK(exited_with(status, 0));
}

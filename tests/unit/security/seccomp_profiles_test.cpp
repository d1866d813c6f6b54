// Docker's and Podman's default profiles, in the shape the engines hand to the runtime (fixtures in data/,
// written for these tests): an allow-list over a deny-by-default errno, per-argument rules for personality,
// clone and socket, three x86 architectures, names this libseccomp does not know, and (Podman) a rule equal
// to the default action. They must compile and load, and the loaded filter must behave like the profile.
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "security/child.hpp"
#include "security/seccomp.hpp"
#include "spec/parse.hpp"

using namespace ocirt;
using ocirt::test::run_in_child;

namespace {

constexpr int kAfVsock = 40;

security::SeccompProgram compile_fixture(const std::string& name) {
    std::ifstream in(std::string(OCIRT_SOURCE_ROOT) + "/tests/unit/security/data/" + name);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    spec::Config config = spec::parse_config(text.str());
    REQUIRE(config.linux_);
    REQUIRE(config.linux_->seccomp);
    return security::compile_seccomp(*config.linux_->seccomp);
}

// -1 with errno as the result of a syscall, or 0 on success.
int err_of(long rc) { return rc < 0 ? errno : 0; }

// Runs after the filter is loaded: everything an ordinary container process does must keep working.
int ordinary_work_succeeds() {
    if (getpid() <= 0) return 10;
    std::ifstream status("/proc/self/status");
    std::string line;
    if (!std::getline(status, line)) return 11;
    if (personality(0xffffffff) < 0) return 12;
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return 13;
    close(sock);
    pid_t pid = fork();  // glibc's fork is clone(SIGCHLD | ...), allowed by the MASKED_EQ rule
    if (pid < 0) return 14;
    if (pid == 0) _exit(7);
    int ws = 0;
    if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 7) return 15;
    return 0;
}

struct Denials {
    int mount, clone3, personality, vsock, clone_newuser, unlisted;
};

int denied_as_expected(const Denials& want) {
    if (err_of(mount("none", "/tmp", "tmpfs", 0, nullptr)) != want.mount) return 20;
    if (err_of(syscall(SYS_clone3, nullptr, 0)) != want.clone3) return 21;
    if (err_of(personality(ADDR_NO_RANDOMIZE)) != want.personality) return 22;
    if (err_of(socket(kAfVsock, SOCK_STREAM | SOCK_CLOEXEC, 0)) != want.vsock) return 23;
    long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (rc == 0) _exit(0);  // the filter failed to stop it: the new child must not run the test
    if (err_of(rc) != want.clone_newuser) return 24;
    if (err_of(syscall(SYS_vhangup)) != want.unlisted) return 25;
    return 0;
}

int run_under(const security::SeccompProgram& p, const Denials& want) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 120;
    security::load_seccomp(p);
    if (int rc = ordinary_work_succeeds()) return rc;
    return denied_as_expected(want);
}

}  // namespace

TEST_CASE("Docker's default seccomp profile compiles, loads and behaves", "[security][seccomp]") {
    auto p = compile_fixture("docker-default.json");
    CHECK(p.filter.size() > 300);
    // Docker: EPERM by default, ENOSYS for clone3 so that glibc falls back to clone.
    Denials want{EPERM, ENOSYS, EPERM, EPERM, EPERM, EPERM};
    int status = run_in_child([&] { return run_under(p, want); });
    INFO("child exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status)));
    CHECK(ocirt::test::exited_with(status, 0));
}

TEST_CASE("Podman's default seccomp profile compiles, loads and behaves", "[security][seccomp]") {
    auto p = compile_fixture("podman-default.json");
    CHECK(p.filter.size() > 300);
    // Podman: ENOSYS by default, EPERM for the named dangerous calls, EINVAL for vsock sockets.
    Denials want{EPERM, ENOSYS, ENOSYS, EINVAL, ENOSYS, ENOSYS};
    int status = run_in_child([&] { return run_under(p, want); });
    INFO("child exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status)));
    CHECK(ocirt::test::exited_with(status, 0));
}

#include "runtime/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "base/log.hpp"

namespace ocirt::runtime {
namespace {

std::vector<char*> c_array(const std::vector<std::string>& v) {
    std::vector<char*> out;
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Waits for pid up to timeout_s seconds (forever when < 0); kills it on timeout. Returns the wait status.
int wait_with_timeout(pid_t pid, int timeout_s, bool& timed_out) {
    timed_out = false;
    OwnedFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (pidfd.valid() && timeout_s > 0) {
        pollfd p{pidfd.get(), POLLIN, 0};
        int rc;
        while ((rc = ::poll(&p, 1, timeout_s * 1000)) < 0 && errno == EINTR) {}
        if (rc == 0) {
            timed_out = true;
            ::kill(pid, SIGKILL);
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

void run_one(const spec::Hook& h, const std::string& state_json, const char* phase) {
    int p[2];
    check(::pipe2(p, O_CLOEXEC), "pipe");
    OwnedFd rd(p[0]), wr(p[1]);
    std::vector<std::string> args = h.args.empty() ? std::vector<std::string>{h.path} : h.args;
    std::vector<char*> argv = c_array(args);
    std::vector<char*> envp = c_array(h.env);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(errno, "fork", "hook");
    if (pid == 0) {
        // Started with fd 0 closed, we got the pipe as fd 0 itself: dup2 onto itself would leave it close-on-exec.
        if (rd.get() == 0) ::fcntl(0, F_SETFD, 0); else ::dup2(rd.get(), 0);
        ::execve(h.path.c_str(), argv.data(), envp.data());
        _exit(127);
    }
    rd.reset();
    // A hook that never reads stdin must not block us: ignore EPIPE and short writes.
    ::signal(SIGPIPE, SIG_IGN);
    [[maybe_unused]] auto n = ::write(wr.get(), state_json.data(), state_json.size());
    wr.reset();
    bool timed_out;
    int status = wait_with_timeout(pid, h.timeout.value_or(-1), timed_out);
    std::string what = std::string(phase) + " hook " + h.path;
    if (timed_out) throw Error(what + ": timed out after " + std::to_string(*h.timeout) + "s");
    if (WIFSIGNALED(status)) throw Error(what + ": killed by signal " + std::to_string(WTERMSIG(status)));
    if (WEXITSTATUS(status) != 0) throw Error(what + ": exit status " + std::to_string(WEXITSTATUS(status)));
}

}  // namespace

void run_hooks(const std::vector<spec::Hook>& hooks, const std::string& state_json, const char* phase) {
    for (const auto& h : hooks) run_one(h, state_json, phase);
}

void run_hooks_warn(const std::vector<spec::Hook>& hooks, const std::string& state_json, const char* phase) {
    for (const auto& h : hooks) {
        try {
            run_one(h, state_json, phase);
        } catch (const Error& e) {
            log::warn(e.message());
        }
    }
}

}  // namespace ocirt::runtime

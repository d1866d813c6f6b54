#include "checkpoint/criu_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "base/error.hpp"
#include "checkpoint/criu_args.hpp"
#include "runtime/prepared.hpp"

namespace ocirt::checkpoint {
namespace {

// Well above anything the passed fds are placed at (3, 4, ...).
constexpr int kHighFd = 100;

// The child: join the cgroup, place the passed fds, exec criu. ocirt is single-threaded, so the child may
// allocate and throw freely; whatever goes wrong is written to report_fd for the parent to raise.
[[noreturn]] void exec_criu(const CriuRun& r, int report_fd) {
    int report = ::fcntl(report_fd, F_DUPFD_CLOEXEC, kHighFd);
    try {
        std::vector<std::string> args = r.args;
        for (const auto& [name, value] : r.env) check(::setenv(name.c_str(), value.c_str(), 1), "setenv", name);
        if (r.cgroup) {
            r.cgroup->add_process(::getpid());
            std::vector<std::string> roots = cgroup_root_args(runtime::read_file("/proc/self/cgroup"));
            args.insert(args.end(), roots.begin(), roots.end());
        }
        // Lifted out of the way first, so that placing one fd cannot overwrite another still to be placed.
        std::vector<int> lifted;
        for (BorrowedFd fd : r.pass) lifted.push_back(static_cast<int>(check(::fcntl(fd.get(), F_DUPFD_CLOEXEC, kHighFd), "fcntl(F_DUPFD)", "fd for criu")));
        for (size_t i = 0; i < lifted.size(); ++i) check(::dup2(lifted[i], 3 + static_cast<int>(i)), "dup2", "fd for criu");
        std::vector<char*> argv{const_cast<char*>(r.binary.c_str())};
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execvp(r.binary.c_str(), argv.data());
        if (errno == ENOENT) throw Error(r.binary + " not found (install criu, or name it with the global --criu PATH)");
        throw Error(errno, "exec", r.binary);
    } catch (const std::exception& e) {
        [[maybe_unused]] ssize_t n = ::write(report, e.what(), strlen(e.what()));
    }
    _exit(127);
}

std::string read_all(BorrowedFd fd) {
    std::string out;
    char buf[1024];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

std::string reason_from_log(const std::string& path) {
    try {
        std::string reason = failure_reason(runtime::read_file(path));
        return reason.empty() ? "no error in its log" : reason;
    } catch (const Error& e) {
        return e.message();
    }
}

}  // namespace

void run_criu(const CriuRun& r) {
    int p[2];
    check(::pipe2(p, O_CLOEXEC), "pipe2", "criu");
    OwnedFd rd(p[0]), wr(p[1]);
    pid_t pid = static_cast<pid_t>(check(::fork(), "fork", "criu"));
    if (pid == 0) exec_criu(r, wr.get());
    wr.reset();
    // EOF once exec succeeded (the pipe is close-on-exec); the child's error otherwise.
    std::string spawn_error = read_all(rd.borrow());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!spawn_error.empty()) throw Error(spawn_error);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::string how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exit status " + std::to_string(WEXITSTATUS(status));
    throw Error("criu " + r.args.at(0) + " failed (" + how + "): " + reason_from_log(r.log) + " (log: " + r.log + ")");
}

}  // namespace ocirt::checkpoint

#include "runtime/run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "runtime/hooks.hpp"
#include "runtime/lifecycle.hpp"
#include "runtime/start_socket.hpp"

namespace ocirt::runtime {
namespace {

// Puts our stdin in raw mode for the life of the relay, restoring it afterwards.
class RawTerminal {
public:
    RawTerminal() {
        if (::isatty(0) && ::tcgetattr(0, &saved_) == 0) {
            termios raw = saved_;
            ::cfmakeraw(&raw);
            active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
        }
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(0, TCSANOW, &saved_);
    }

private:
    termios saved_{};
    bool active_ = false;
};

bool copy_some(int from, int to) {
    char buf[8192];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        off += w;
    }
    return true;
}

int exit_code(int status) {
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

}  // namespace

int supervise(pid_t pid, BorrowedFd pidfd, BorrowedFd console) {
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGCHLD);
    sigset_t old;
    sigprocmask(SIG_BLOCK, &all, &old);
    OwnedFd sfd(::signalfd(-1, &all, SFD_CLOEXEC));
    std::optional<RawTerminal> raw;
    if (console.valid()) {
        raw.emplace();
        winsize ws{};
        if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(console.get(), TIOCSWINSZ, &ws);
    }
    bool stdin_open = console.valid();
    for (;;) {
        pollfd p[4] = {{pidfd.get(), POLLIN, 0}, {sfd.get(), POLLIN, 0}, {console.get(), POLLIN, 0},
                       {stdin_open ? 0 : -1, POLLIN, 0}};
        if (::poll(p, 4, -1) < 0) {
            if (errno == EINTR) continue;
            throw Error(errno, "poll");
        }
        if (p[1].revents & POLLIN) {
            signalfd_siginfo si{};
            if (::read(sfd.get(), &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGWINCH && console.valid()) {
                    winsize ws{};
                    if (::ioctl(0, TIOCGWINSZ, &ws) == 0) ::ioctl(console.get(), TIOCSWINSZ, &ws);
                } else {
                    ::syscall(SYS_pidfd_send_signal, pidfd.get(), si.ssi_signo, nullptr, 0);
                }
            }
        }
        if (p[2].revents & (POLLIN | POLLHUP)) copy_some(console.get(), 1);
        if (p[3].revents & (POLLIN | POLLHUP)) stdin_open = copy_some(0, console.get());
        if (p[0].revents & POLLIN) break;
    }
    // Drain what the process wrote just before it exited.
    if (console.valid()) {
        ::fcntl(console.get(), F_SETFL, O_NONBLOCK);
        while (copy_some(console.get(), 1)) {}
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return exit_code(status);
}

int run(const CreateOptions& o, bool detach) {
    Created c = create_container(o);
    try {
        request_start(c.dir);
        c.dir.remove_start_socket();
        const spec::Config& cfg = c.prepared.config;
        if (cfg.hooks) run_hooks(cfg.hooks->poststart, state::oci_state_json(c.st, state::Status::running), "poststart");
    } catch (const Error&) {
        ::syscall(SYS_pidfd_send_signal, c.pidfd.get(), SIGKILL, nullptr, 0);
        int status;
        while (::waitpid(c.st.pid, &status, 0) < 0 && errno == EINTR) {}
        destroy(c.dir, c.st);
        throw;
    }
    if (detach) return 0;
    int code = supervise(c.st.pid, c.pidfd.borrow(), c.console.borrow());
    destroy(c.dir, c.st);
    return code;
}

}  // namespace ocirt::runtime

#include "runtime/lifecycle.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "base/log.hpp"
#include "cgroups/manager.hpp"
#include "runtime/hooks.hpp"
#include "runtime/start_socket.hpp"
#include "spec/parse.hpp"

namespace ocirt::runtime {
namespace {

using state::Status;

struct Sig {
    const char* name;
    int num;
};
constexpr Sig kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},     {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},     {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},     {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

// A pidfd for the recorded process, or invalid when it is gone or the pid now belongs to someone else.
OwnedFd open_pidfd(const state::State& st) {
    OwnedFd fd(static_cast<int>(::syscall(SYS_pidfd_open, st.pid, 0)));
    // Checked after opening: once we hold the pidfd, the pid cannot be reused under us.
    if (fd.valid() && !state::process_alive(st)) fd.reset();
    return fd;
}

void wait_exit(BorrowedFd pidfd, int timeout_ms) {
    pollfd p{pidfd.get(), POLLIN, 0};
    while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {}
}

std::string poststop_state(const state::State& st) { return state::oci_state_json(st, Status::stopped); }

}  // namespace

Status current_status(const state::StateDir& dir, const state::State& st) {
    if (!state::process_alive(st)) return Status::stopped;
    if (dir.start_socket_exists()) return Status::created;
    if (!st.cgroup.empty()) {
        try {
            if (cgroups::open_manager(st.cgroup, st.systemd_cgroup)->is_frozen()) return Status::paused;
        } catch (const Error&) {
            // A cgroup we cannot read does not make the container stop running.
        }
    }
    return Status::running;
}

std::string state_of(const std::string& root, const std::string& id) {
    auto dir = state::StateDir::open(root, id);
    state::State st = dir.load();
    return state::oci_state_json(st, current_status(dir, st));
}

void start(const std::string& root, const std::string& id) {
    auto dir = state::StateDir::open(root, id);
    dir.lock();
    state::State st = dir.load();
    Status s = current_status(dir, st);
    if (s != Status::created)
        throw Error("cannot start container \"" + id + "\" in status " + state::to_string(s) +
                    " (only a created container can be started)");
    request_start(dir);
    dir.remove_start_socket();
    spec::Config cfg = spec::parse_config(dir.load_config());
    if (!cfg.hooks || cfg.hooks->poststart.empty()) return;
    try {
        run_hooks(cfg.hooks->poststart, state::oci_state_json(st, Status::running), "poststart");
    } catch (const Error&) {
        // runtime.md: a failed poststart hook stops the container; delete then runs poststop.
        OwnedFd pidfd = open_pidfd(st);
        if (pidfd.valid()) {
            ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
            wait_exit(pidfd.borrow(), 10000);
        }
        throw;
    }
}

int parse_signal(const std::string& s) {
    if (s.empty()) return SIGTERM;
    if (s.find_first_not_of("0123456789") == std::string::npos) {
        int n = atoi(s.c_str());
        if (n > 0 && n < NSIG) return n;
        throw Error("invalid signal \"" + s + "\"");
    }
    std::string n = s.rfind("SIG", 0) == 0 ? s.substr(3) : s;
    for (auto& c : n) c = static_cast<char>(toupper(c));
    for (const auto& e : kSignals)
        if (n == e.name) return e.num;
    if (n.rfind("RTMIN", 0) == 0 || n.rfind("RTMAX", 0) == 0) {
        int off = n.size() > 6 ? atoi(n.c_str() + 5) : 0;
        return n[3] == 'I' ? SIGRTMIN + off : SIGRTMAX + off;
    }
    throw Error("invalid signal \"" + s + "\"");
}

void kill(const std::string& root, const std::string& id, int sig, bool all) {
    auto dir = state::StateDir::open(root, id);
    dir.lock();
    state::State st = dir.load();
    Status s = current_status(dir, st);
    if (s == Status::stopped && !all) throw Error("container \"" + id + "\" is not running");
    std::unique_ptr<cgroups::Manager> cg;
    if (!st.cgroup.empty() && (all || s == Status::paused)) cg = cgroups::open_manager(st.cgroup, st.systemd_cgroup);
    if (all) {
        cg->kill_all(sig);
    } else {
        OwnedFd pidfd = open_pidfd(st);
        if (!pidfd.valid()) throw Error("container \"" + id + "\" is not running");
        if (::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0) < 0)
            throw Error(errno, "kill", "container \"" + id + "\"");
    }
    // A frozen process cannot act on a signal, and a SIGKILL'd one cannot die until thawed.
    if (s == Status::paused && (sig == SIGKILL || sig == SIGTERM)) cg->freeze(false);
}

void destroy(state::StateDir& dir, const state::State& st) {
    if (!st.cgroup.empty()) {
        try {
            cgroups::open_manager(st.cgroup, st.systemd_cgroup)->destroy();
        } catch (const Error& e) {
            log::warn("delete: " + e.message());
        }
    }
    try {
        spec::Config cfg = spec::parse_config(dir.load_config());
        if (cfg.hooks) run_hooks_warn(cfg.hooks->poststop, poststop_state(st), "poststop");
    } catch (const Error& e) {
        log::warn("delete: " + e.message());
    }
    dir.remove();
}

void remove(const std::string& root, const std::string& id, bool force) {
    // As with runc, a forced delete of a container that is already gone succeeds: Podman deletes after a
    // checkpoint, which removed the container.
    state::validate_id(id);
    struct stat gone {};
    if (force && ::lstat((root + "/" + id).c_str(), &gone) < 0 && errno == ENOENT) return;
    auto dir = state::StateDir::open(root, id);
    dir.lock();
    state::State st;
    try {
        st = dir.load();
    } catch (const Error& e) {
        // A state directory without a readable state.json is a leftover of a crash: remove it.
        if (!force) throw;
        dir.remove();
        return;
    }
    Status s = current_status(dir, st);
    // runtime.md: deleting a container that is not stopped is an error and changes nothing.
    if (s != Status::stopped && !force)
        throw Error("cannot delete container \"" + id + "\" that is " + state::to_string(s) + " (use --force)");
    if (s != Status::stopped) {
        OwnedFd pidfd = open_pidfd(st);
        if (pidfd.valid()) {
            ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
            if (s == Status::paused) cgroups::open_manager(st.cgroup, st.systemd_cgroup)->freeze(false);
            wait_exit(pidfd.borrow(), 10000);
        }
    }
    destroy(dir, st);
}

std::vector<ListEntry> list(const std::string& root) {
    std::vector<ListEntry> out;
    for (const auto& id : state::StateDir::list(root)) {
        try {
            auto dir = state::StateDir::open(root, id);
            state::State st = dir.load();
            out.push_back({st, current_status(dir, st)});
        } catch (const Error& e) {
            log::debug("list: " + e.message());
        }
    }
    return out;
}

}  // namespace ocirt::runtime

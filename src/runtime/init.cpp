#include "runtime/init.hpp"

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "base/error.hpp"
#include "process/attributes.hpp"
#include "process/cwd.hpp"
#include "process/exec.hpp"
#include "process/terminal.hpp"
#include "process/user.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/hooks.hpp"
#include "runtime/start_socket.hpp"
#include "security/capabilities.hpp"
#include "security/lsm.hpp"
#include "security/seccomp.hpp"
#include "sys/procfs.hpp"

namespace ocirt::runtime {
namespace {

// In the container's user namespace (new, with its maps written, or joined), take its root: our host ids
// are not mapped there, and files we create (/dev/pts, mount points) need an owner that is.
void become_userns_root(const char* which) {
    check(::setresgid(0, 0, 0), "setresgid(0)", which);
    check(::setresuid(0, 0, 0), "setresuid(0)", which);
}

void set_names(const spec::Config& c) {
    if (c.hostname && ::sethostname(c.hostname->data(), c.hostname->size()) < 0)
        throw Error(errno, "sethostname").context("hostname");
    if (c.domainname && ::setdomainname(c.domainname->data(), c.domainname->size()) < 0)
        throw Error(errno, "setdomainname").context("domainname");
}

// Runs before the rootfs is entered. /proc/sys files act on the namespaces of the writer, which are already
// the container's; the runtime's procfs handle keeps a mount over /proc/sys from redirecting the write.
void write_sysctls(const std::map<std::string, std::string>& sysctl) {
    for (const auto& [key, value] : sysctl) {
        // "net/ipv4/conf/eth0.100/forwarding" keeps its dots: the slash form names interfaces with dots.
        std::string rel = "sys/" + key;
        if (key.find('/') == std::string::npos) std::replace(rel.begin(), rel.end(), '.', '/');
        try {
            OwnedFd fd = sys::procfs::open_root(rel, O_WRONLY);
            sys::procfs::write_all(fd.borrow(), value, "/proc/" + rel);
        } catch (Error& e) {
            throw e.context("linux.sysctl[" + key + "]");
        }
    }
}

void join_session_keyring(const InitArgs& a) {
    if (!a.new_keyring) return;
    // A private session keyring keeps the container from reading the host's keys. Kernels without keyrings
    // (ENOSYS) or with the quota exhausted are not fatal, as with runc.
    long rc = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, a.id.c_str());
    if (rc < 0 && errno != ENOSYS && errno != EDQUOT && errno != EACCES)
        throw Error(errno, "join session keyring");
}

// The connection from `start`, once accepted: errors after that point go to it, since `start` waits for them.
int g_start_conn = -1;

// hooks_done carries the state for the parent's hooks; hooks run in the container see the pid as the
// container sees it, and startContainer hooks see the container as created.
std::string container_view(std::string s, bool started) {
    std::string pid = "\"pid\":" + std::to_string(::getpid());
    size_t at = s.find("\"pid\":");
    if (at != std::string::npos) s.replace(at, s.find_first_of(",}", at) - at, pid);
    if (started) {
        at = s.find("\"status\":\"creating\"");
        if (at != std::string::npos) s.replace(at, 19, "\"status\":\"created\"");
    }
    return s;
}

// Until execve replaces it, this process is the ocirt binary: non-dumpable, processes of the container (a
// joined pid namespace may already have some) cannot ptrace it or open its /proc/<pid>/exe without
// CAP_SYS_PTRACE; the binary itself is protected by security/exe_protect. Not before an unprivileged parent
// has written our id maps: the files of a non-dumpable process belong to root. execve resets the flag for the
// container's own process.
void become_undumpable() { check(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)"); }

// Joins and unshares the namespaces (cgroup and time come later), then what is set inside them.
void enter_namespaces(const InitArgs& a, sys::Syscalls& sys) {
    const Prepared& p = *a.prepared;
    namespaces::enter(sys, p.ns, *a.join_fds);
    if (p.ns.join_user) become_userns_root("joined user namespace");
    set_names(p.config);
    write_sysctls(p.config.linux_->sysctl);
    join_session_keyring(a);
}

[[noreturn]] void run_init(const InitArgs& a) {
    const Prepared& p = *a.prepared;
    const spec::Process& proc = *p.config.process;
    sys::Syscalls& sys = sys::real();

    // Before anything is charged to the runtime's cgroup, and before the cgroup namespace is made.
    cgroups::enter_self(*a.cgroup_entry);
    // Only where our entry could not place us is the parent moving us meanwhile, which waits for an RCU grace
    // period: what needs neither that nor id maps is done before `go`. With a new user namespace nothing can
    // start before the parent has written its maps.
    rootfs::Progress built;
    const bool early = !p.ns.new_user;
    if (early) {
        become_undumpable();
        enter_namespaces(a, sys);
        built = rootfs::prepare_start(sys, p.rootfs);
    }
    a.channel->expect(ipc::Msg::go);  // we are in our cgroup and our id maps are written
    if (!early) {
        become_undumpable();
        become_userns_root("new user namespace");
        enter_namespaces(a, sys);
    }
    namespaces::unshare_late(sys, p.ns);  // the cgroup namespace's root is the cgroup we are in now
    if (!early) built = rootfs::prepare_start(sys, p.rootfs);
    rootfs::prepare_finish(sys, p.rootfs, built);

    // prestart/createRuntime hooks run in the parent, in the runtime's namespaces, now that ours exist.
    a.channel->send(ipc::Msg::hooks_request);
    std::string state_json = a.channel->expect(ipc::Msg::hooks_done).payload;
    if (p.config.hooks) run_hooks(p.config.hooks->createContainer, container_view(state_json, false), "createContainer");

    rootfs::enter(sys, p.rootfs, a.no_pivot);

    process::Pty pty;
    if (proc.terminal) {
        pty = process::open_pty(BorrowedFd(a.console_socket), proc.consoleSize);
        rootfs::mount_console(sys, pty.slave.get());
        if (pty.master.valid()) a.channel->send(ipc::Msg::console, {}, pty.master.borrow());
        pty.master.reset();
    }
    if (a.console_socket >= 0) ::close(a.console_socket);
    process::apply_attributes(p.attrs);
    process::apply_rlimits(p.rlimits);
    process::enter_cwd(proc.cwd, true);
    std::vector<std::string> env = final_env(proc, a.preserve_fds);
    std::string exe = process::find_executable(proc.args.at(0), env);

    // A notify listener must reach the agent while the container is still "created", so that profile is
    // loaded now; the agent answers the syscalls we make from here on.
    bool notify = p.seccomp && p.seccomp->notify;
    if (notify) {
        // Loading without CAP_SYS_ADMIN needs no_new_privs first; setting it early changes nothing else.
        process::apply_no_new_privs(p.attrs);
        OwnedFd listener = security::load_seccomp(*p.seccomp);
        a.channel->send(ipc::Msg::seccomp_fd, {}, listener.borrow());
    }
    a.channel->send(ipc::Msg::ready);
    // Not an OwnedFd: it must outlive the unwinding of this frame so init_main can report errors on it.
    g_start_conn = wait_for_start(BorrowedFd(a.start_listener)).release();
    ::close(a.start_listener);
    if (p.config.hooks) run_hooks(p.config.hooks->startContainer, container_view(state_json, true), "startContainer");

    process::enter_new_session(pty.slave.borrow());
    // The labels take effect at execve; written before seccomp, which may forbid the writes.
    if (proc.apparmorProfile) security::apply_apparmor(*proc.apparmorProfile);
    if (proc.selinuxLabel) security::apply_selinux_exec_label(*proc.selinuxLabel);
    // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we still have it.
    bool early_seccomp = p.seccomp && !notify && !p.attrs.no_new_privs;
    if (early_seccomp) security::load_seccomp(*p.seccomp);
    process::switch_user(proc.user);
    if (p.caps) security::apply_capabilities(*p.caps);
    process::apply_no_new_privs(p.attrs);
    // With no_new_privs the filter goes last, so it constrains as little of our own setup as possible.
    if (p.seccomp && !notify && !early_seccomp) security::load_seccomp(*p.seccomp);
    sys::procfs::close_handle();
    process::exec(exe, proc.args, env, 3 + a.preserve_fds);
}

}  // namespace

std::vector<std::string> final_env(const spec::Process& p, int listen_fds) {
    std::vector<std::string> env = p.env;
    bool has_home = false;
    for (const auto& e : env) has_home = has_home || e.rfind("HOME=", 0) == 0;
    if (!has_home) env.push_back("HOME=" + process::home_of(p.user.uid));
    if (listen_fds > 0 && getenv("LISTEN_FDS")) {
        env.push_back("LISTEN_FDS=" + std::to_string(listen_fds));
        env.push_back("LISTEN_PID=" + std::to_string(::getpid()));
    }
    return env;
}

void init_main(const InitArgs& a) {
    try {
        run_init(a);
    } catch (const std::exception& e) {
        if (g_start_conn >= 0) {
            [[maybe_unused]] auto n = ::send(g_start_conn, e.what(), strlen(e.what()), MSG_NOSIGNAL);
        } else {
            try {
                a.channel->send(ipc::Msg::error, e.what());
            } catch (...) {
            }
        }
    }
    _exit(1);
}

}  // namespace ocirt::runtime

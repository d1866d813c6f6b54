#include "runtime/exec.hpp"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "cgroups/manager.hpp"
#include "ipc/channel.hpp"
#include "namespaces/namespaces.hpp"
#include "process/attributes.hpp"
#include "process/cwd.hpp"
#include "process/exec.hpp"
#include "process/terminal.hpp"
#include "process/user.hpp"
#include "runtime/create.hpp"
#include "runtime/init.hpp"
#include "runtime/lifecycle.hpp"
#include "runtime/run.hpp"
#include "security/capabilities.hpp"
#include "security/lsm.hpp"
#include "security/seccomp.hpp"
#include "spec/parse.hpp"
#include "spec/validate.hpp"
#include "sys/clone.hpp"
#include "sys/procfs.hpp"

namespace ocirt::runtime {
namespace {

void set_env(std::vector<std::string>& env, const std::string& kv) {
    std::string key = kv.substr(0, kv.find('='));
    for (auto& e : env)
        if (e.compare(0, key.size() + 1, key + "=") == 0) {
            e = kv;
            return;
        }
    env.push_back(kv);
}

uint32_t parse_id(const std::string& s, const char* what) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        throw Error(std::string(what) + ": expected a numeric id, got \"" + s + "\"");
    return static_cast<uint32_t>(std::stoul(s));
}

// runc's rules: --process replaces the process; otherwise the config's process with the flags applied.
spec::Process build_process(const ExecOptions& o, const spec::Config& cfg) {
    if (!o.process_file.empty()) return spec::parse_process(read_file(o.process_file));
    spec::Process p = *cfg.process;
    if (o.args.empty()) throw Error("exec: no command given (pass one after the container id, or --process)");
    p.args = o.args;
    for (const auto& e : o.env) set_env(p.env, e);
    if (!o.cwd.empty()) p.cwd = o.cwd;
    p.terminal = o.tty;
    if (!o.user.empty()) {
        size_t colon = o.user.find(':');
        p.user.uid = parse_id(o.user.substr(0, colon), "--user");
        if (colon != std::string::npos) p.user.gid = parse_id(o.user.substr(colon + 1), "--user");
    }
    for (const auto& g : o.additional_gids) p.user.additionalGids.push_back(parse_id(g, "--additional-gids"));
    if (o.no_new_privs) p.noNewPrivileges = true;
    if (!o.apparmor.empty()) p.apparmorProfile = o.apparmor;
    if (!o.process_label.empty()) p.selinuxLabel = o.process_label;
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities.emplace();
        for (const auto& c : o.caps)
            for (auto* set : {&p.capabilities->bounding, &p.capabilities->effective, &p.capabilities->permitted,
                              &p.capabilities->inheritable})
                set->push_back(c);
    }
    return p;
}

struct ExecChild {
    const Prepared* prepared;
    const spec::Process* proc;
    const ipc::Channel* channel;
    cgroups::Entry* cgroup_entry;
    int init_pidfd;
    unsigned long ns_flags;
    int console_socket;
    int preserve_fds;
};

[[noreturn]] void exec_child(const ExecChild& a) {
    try {
        const Prepared& p = *a.prepared;
        const spec::Process& proc = *a.proc;
        // Non-dumpable before entering the container: its processes must not reach our binary through
        // /proc/<pid>/exe (CVE-2019-5736); execve resets the flag.
        check(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)");
        cgroups::enter_self(*a.cgroup_entry);
        a.channel->expect(ipc::Msg::go);  // we are in the container's cgroup now
        // One setns on the pidfd joins all namespaces at once, the user namespace first as the kernel orders it.
        if (a.ns_flags && ::setns(a.init_pidfd, static_cast<int>(a.ns_flags)) < 0)
            throw Error(errno, "setns", "container namespaces");
        ::close(a.init_pidfd);
        process::Pty pty;
        if (proc.terminal) {
            pty = process::open_pty(BorrowedFd(a.console_socket), proc.consoleSize);
            if (pty.master.valid()) a.channel->send(ipc::Msg::console, {}, pty.master.borrow());
            pty.master.reset();
        }
        if (a.console_socket >= 0) ::close(a.console_socket);
        process::apply_attributes(p.attrs);
        process::apply_rlimits(p.rlimits);
        process::enter_cwd(proc.cwd, false);
        std::vector<std::string> env = final_env(proc, a.preserve_fds);
        std::string exe = process::find_executable(proc.args.at(0), env);
        process::enter_new_session(pty.slave.borrow());
        if (proc.apparmorProfile) security::apply_apparmor(*proc.apparmorProfile);
        if (proc.selinuxLabel) security::apply_selinux_exec_label(*proc.selinuxLabel);
        bool early_seccomp = p.seccomp && !p.attrs.no_new_privs;
        if (early_seccomp) security::load_seccomp(*p.seccomp);
        process::switch_user(proc.user);
        if (p.caps) security::apply_capabilities(*p.caps);
        process::apply_no_new_privs(p.attrs);
        if (p.seccomp && !early_seccomp) security::load_seccomp(*p.seccomp);
        a.channel->send(ipc::Msg::ready);
        sys::procfs::close_handle();
    process::exec(exe, proc.args, env, 3 + a.preserve_fds);
    } catch (const std::exception& e) {
        try {
            a.channel->send(ipc::Msg::error, e.what());
        } catch (...) {
        }
    }
    _exit(127);
}

unsigned long namespace_flags(const spec::Linux& l) {
    unsigned long f = 0;
    for (const auto& ns : l.namespaces) f |= namespaces::clone_flag(ns.type);
    return f;
}

}  // namespace

int exec(const ExecOptions& o) {
    auto dir = state::StateDir::open(o.root, o.id);
    state::State st = dir.load();
    state::Status s = current_status(dir, st);
    if (s != state::Status::running && s != state::Status::created)
        throw Error("cannot exec in container \"" + o.id + "\": it is " + state::to_string(s));

    Prepared p;
    p.config = spec::parse_config(dir.load_config());
    if (!p.config.linux_) p.config.linux_.emplace();
    spec::Process proc = build_process(o, p.config);
    spec::validate_process(proc, "process");
    plan_process(proc, &*p.config.linux_, p);
    if (p.config.linux_->seccomp) p.seccomp = security::compile_seccomp(*p.config.linux_->seccomp);

    OwnedFd init_pidfd(static_cast<int>(::syscall(SYS_pidfd_open, st.pid, 0)));
    if (!init_pidfd.valid() || !state::process_alive(st)) throw Error("container \"" + o.id + "\" is not running");
    unsigned long flags = namespace_flags(*p.config.linux_);
    // pid and time namespaces apply to children: the parent joins them so the clone lands inside.
    unsigned long for_children = flags & (CLONE_NEWPID | CLONE_NEWTIME);
    if (for_children && ::setns(init_pidfd.get(), static_cast<int>(for_children)) < 0) {
        // Rootless: only the container's user namespace gives us the right to join the others. The parent
        // goes in first; it keeps what it needs from the host (state, pidfd, console socket) open already.
        if (errno != EPERM || !(flags & CLONE_NEWUSER)) throw Error(errno, "setns", "pid/time namespace of the container");
        for_children |= CLONE_NEWUSER;
        if (::setns(init_pidfd.get(), static_cast<int>(for_children)) < 0)
            throw Error(errno, "setns", "user and pid/time namespaces of the container");
    }
    OwnedFd console_socket;
    if (proc.terminal && !o.console_socket.empty()) console_socket = process::connect_console_socket(o.console_socket);
    auto [parent_end, child_end] = ipc::Channel::make_pair();
    sys::procfs::handle();  // opened before setns into the container, so the child inherits the host's
    process::apply_initial_affinity(p.attrs);

    std::unique_ptr<cgroups::Manager> cgroup;
    cgroups::Entry entry;
    if (!st.cgroup.empty()) {
        cgroup = cgroups::open_manager(st.cgroup, st.systemd_cgroup);
        entry = cgroup->entry();
    }
    sys::CloneResult r = clone_placed(0, entry);
    if (r.pid == 0) {
        parent_end.close();
        exec_child({&p, &proc, &child_end, &entry, init_pidfd.get(), flags & ~for_children, console_socket.get(),
                    o.preserve_fds});
    }
    child_end.close();
    if (cgroup) cgroup->add_process(r.pid, entry);
    parent_end.send(ipc::Msg::go);
    OwnedFd console;
    for (;;) {
        ipc::Message m;
        if (!parent_end.recv(m)) throw Error("exec: the process exited during setup");
        if (m.type == ipc::Msg::error) throw Error(m.payload);
        if (m.type == ipc::Msg::console) console = std::move(m.fd);
        if (m.type == ipc::Msg::ready) break;
    }
    // EOF on the CLOEXEC socket means execve succeeded; an error message means it did not.
    ipc::Message m;
    if (parent_end.recv(m) && m.type == ipc::Msg::error) throw Error(m.payload);
    if (!o.pid_file.empty()) write_pid_file(o.pid_file, r.pid);
    if (o.detach) return 0;
    return supervise(r.pid, r.pidfd.borrow(), console.borrow());
}

}  // namespace ocirt::runtime

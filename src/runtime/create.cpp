#include "runtime/create.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

#include "base/error.hpp"
#include "base/log.hpp"
#include "ipc/channel.hpp"
#include "process/attributes.hpp"
#include "process/terminal.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/hooks.hpp"
#include "runtime/init.hpp"
#include "runtime/start_socket.hpp"
#include "security/seccomp.hpp"
#include "sys/clone.hpp"
#include "sys/identity.hpp"
#include "sys/procfs.hpp"

namespace ocirt::runtime {
namespace {

// Undoes a half-made container unless commit() was called: kill and reap the child, run the poststop hooks
// once the hooks have begun, remove the cgroup and the state directory.
class Undo {
public:
    explicit Undo(Created& c) : c_(c) {}
    ~Undo() {
        if (committed_) return;
        kill_and_reap(c_.pidfd, c_.st.pid);
        const auto& hooks = c_.prepared.config.hooks;
        if (c_.hooks_started && hooks)
            run_hooks_warn(hooks->poststop, state::oci_state_json(c_.st, state::Status::stopped), "poststop");
        remove_quietly(c_.cgroup.get(), c_.dir);
    }
    void commit() { committed_ = true; }

private:
    Created& c_;
    bool committed_ = false;
};

// Kubernetes pods with user namespaces: a container joins the pod's user namespace by path and gets a pid
// namespace of its own, which must belong to that user namespace (its root could not mount /proc otherwise).
// Only a process inside the user namespace can create it, and joining would cost the runtime its host
// privileges: a short-lived intermediate joins, clones the container process as our child (CLONE_PARENT),
// reports its pid and exits. The container process then skips the user namespace join.
sys::CloneResult clone_in_user(Created& c, std::vector<OwnedFd>& join_fds) {
    int fds[2];
    check(::pipe2(fds, O_CLOEXEC), "pipe2", "user namespace intermediate");
    OwnedFd rd(fds[0]), wr(fds[1]);
    sys::CloneResult mid = sys::clone_process(0);
    if (mid.pid == 0) {
        int32_t result = 0;
        if (::setns(join_fds.at(0).get(), CLONE_NEWUSER) < 0) {
            result = -errno;
        } else {
            try {
                sys::CloneResult r = sys::clone_process(c.prepared.ns.clone_flags | CLONE_PARENT);
                if (r.pid == 0) {
                    c.prepared.ns.child_joins.erase(c.prepared.ns.child_joins.begin());
                    join_fds.erase(join_fds.begin());
                    return r;
                }
                result = r.pid;
            } catch (const Error& e) {
                result = -(e.err() ? e.err() : EINVAL);
            }
        }
        (void)!::write(wr.get(), &result, sizeof result);
        ::_exit(0);
    }
    wr.reset();
    int32_t result = 0;
    ssize_t n;
    while ((n = ::read(rd.get(), &result, sizeof result)) < 0 && errno == EINTR) {
    }
    while (::waitpid(mid.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    if (n != sizeof result || result <= 0)
        throw Error(n == sizeof result ? -result : EIO, "clone3 inside the joined user namespace")
            .context("linux.namespaces[user].path");
    sys::CloneResult r;
    r.pid = result;
    // Our child now (CLONE_PARENT): nobody else can reap it, so its pid cannot be reused under us.
    r.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, result, 0)));
    if (!r.pidfd.valid()) throw Error(errno, "pidfd_open", "container process");
    return r;
}

void exchange_with_child(Created& c, const ipc::Channel& ch, cgroups::Entry entry) {
    const spec::Config& cfg = c.prepared.config;
    c.cgroup->add_process(c.st.pid, entry);
    namespaces::write_id_maps(c.st.pid, c.prepared.ns);
    try {
        ch.send(ipc::Msg::go);
    } catch (const Error&) {
        // The child starts before `go` and may have failed already: its error is waiting in the socket.
        ch.expect(ipc::Msg::hooks_request);
        throw;
    }

    ch.expect(ipc::Msg::hooks_request);
    std::string state_json = state::oci_state_json(c.st, state::Status::creating);
    c.hooks_started = true;
    if (cfg.hooks) {
        run_hooks(cfg.hooks->prestart, state_json, "prestart");
        run_hooks(cfg.hooks->createRuntime, state_json, "createRuntime");
    }
    ch.send(ipc::Msg::hooks_done, state_json);

    for (;;) {
        ipc::Message m;
        if (!ch.recv(m)) throw Error("container process exited during setup");
        if (m.type == ipc::Msg::error) throw Error(m.payload);
        if (m.type == ipc::Msg::ready) break;
        if (m.type == ipc::Msg::console) c.console = std::move(m.fd);
        if (m.type == ipc::Msg::seccomp_fd) {
            const auto& sc = *cfg.linux_->seccomp;
            if (sc.listenerPath)
                security::send_seccomp_listener(*sc.listenerPath, m.fd.borrow(),
                                                state::oci_state_json(c.st, state::Status::creating),
                                                sc.listenerMetadata.value_or(""));
        }
    }
}

}  // namespace

void kill_and_reap(const OwnedFd& pidfd, pid_t pid) {
    if (!pidfd.valid()) return;
    ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

void remove_quietly(cgroups::Manager* cgroup, state::StateDir& dir) {
    try {
        if (cgroup) cgroup->destroy();
    } catch (const Error& e) {
        log::warn("cleanup: " + e.message());
    }
    try {
        dir.remove();
    } catch (const Error& e) {
        log::warn("cleanup: " + e.message());
    }
}

sys::CloneResult clone_placed(unsigned long flags, cgroups::Entry& e) {
    if (e.clone_into.valid()) {
        try {
            sys::CloneResult r = sys::clone_process(flags, e.clone_into.get());
            e.cloned = true;
            return r;
        } catch (const Error& err) {
            // A kernel before 5.7, or a directory that cannot take processes: add_process moves it instead.
            log::debug(std::string("CLONE_INTO_CGROUP refused, moving the process instead: ") + err.what());
        }
    }
    return sys::clone_process(flags);
}

void write_pid_file(const std::string& path, pid_t pid) {
    std::string tmp = path + ".tmp";
    OwnedFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) throw Error(errno, "open", tmp).context("--pid-file");
    std::string s = std::to_string(pid);
    if (::write(fd.get(), s.data(), s.size()) != static_cast<ssize_t>(s.size())) throw Error(errno, "write", tmp);
    check(::rename(tmp.c_str(), path.c_str()), "rename", path);
}

Created create_container(const CreateOptions& o) {
    Prepared prepared = prepare_bundle(o.bundle);
    Created c{state::StateDir::create(o.root, o.id), {}, std::move(prepared), nullptr, {}, {}, false};
    Undo undo(c);
    const spec::Config& cfg = c.prepared.config;
    c.st.id = o.id;
    c.st.bundle = c.prepared.bundle;
    c.st.rootfs = c.prepared.rootfs.root;
    c.st.created = log::timestamp();
    c.st.owner = ::geteuid();
    c.st.annotations = cfg.annotations;
    c.st.systemd_cgroup = o.systemd_cgroup;

    cgroups::Options copts{cfg.linux_->cgroupsPath.value_or(""), o.id, o.systemd_cgroup, sys::rootless()};
    c.cgroup = cgroups::make_manager(copts);
    c.cgroup->create();
    // linux.resources as given: an allow rule for a linux.devices node must come from the config, so a deny
    // in linux.resources.devices keeps its meaning (the conformance suite's devices/* cases check this).
    if (cfg.linux_->resources) c.cgroup->apply(*cfg.linux_->resources);
    c.st.cgroup = c.cgroup->saved_path();

    OwnedFd start_listener = listen_start_socket(c.dir);
    OwnedFd console_socket;
    if (cfg.process->terminal && !o.console_socket.empty())
        console_socket = process::connect_console_socket(o.console_socket);
    std::vector<OwnedFd> join_fds = namespaces::open_joins(c.prepared.ns.child_joins);
    // Idmapped mounts need a user namespace per mapping, made here and kept open until the child mounted.
    std::vector<OwnedFd> idmap_fds = rootfs::open_idmap_namespaces(c.prepared.rootfs);
    namespaces::join_for_children(c.prepared.ns.parent_joins);
    auto [parent_end, child_end] = ipc::Channel::make_pair();
    sys::procfs::handle();  // opened here so the child inherits the host's procfs instance
    process::apply_initial_affinity(c.prepared.attrs);

    // The child enters its v1 cgroups itself; CLONE_INTO_CGROUP is not tried from a joined user namespace,
    // where the permission to write the host's cgroup is gone.
    cgroups::Entry entry = c.cgroup->entry();
    sys::CloneResult r = c.prepared.ns.clone_in_user ? clone_in_user(c, join_fds)
                                                     : clone_placed(c.prepared.ns.clone_flags, entry);
    if (r.pid == 0) {
        parent_end.close();
        InitArgs a{&c.prepared, &child_end, &join_fds, &entry, start_listener.get(), console_socket.get(),
                   o.no_pivot, !o.no_new_keyring, o.id, o.preserve_fds};
        init_main(a);
    }
    c.st.pid = r.pid;
    c.pidfd = std::move(r.pidfd);
    child_end.close();
    // Only the child may listen: with our copy closed, `start` on a dead container fails at once.
    start_listener.reset();
    c.st.pid_start = state::process_start_time(r.pid);

    exchange_with_child(c, parent_end, std::move(entry));
    c.dir.save_config(c.prepared.config_json);
    c.dir.save(c.st);
    if (!o.pid_file.empty()) write_pid_file(o.pid_file, c.st.pid);
    undo.commit();
    return c;
}

}  // namespace ocirt::runtime

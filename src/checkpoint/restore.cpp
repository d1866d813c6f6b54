#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cgroups/manager.hpp"
#include "checkpoint/action_script.hpp"
#include "checkpoint/checkpoint.hpp"
#include "checkpoint/criu_process.hpp"
#include "checkpoint/files.hpp"
#include "checkpoint/terminal.hpp"
#include "namespaces/namespaces.hpp"
#include "process/terminal.hpp"
#include "runtime/create.hpp"
#include "runtime/hooks.hpp"
#include "runtime/lifecycle.hpp"
#include "runtime/prepared.hpp"
#include "runtime/run.hpp"
#include "rootfs/rootfs.hpp"
#include "spec/parse.hpp"
#include "spec/resources_update.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::checkpoint {
namespace {

struct Restored {
    state::StateDir dir;
    state::State st;
    std::unique_ptr<cgroups::Manager> cgroup;
    OwnedFd pidfd;
};

// Undoes a half-restored container unless commit() was called: the restored init killed and reaped, the
// cgroup destroyed (which kills whatever else criu restored), the state directory removed.
class Undo {
public:
    explicit Undo(Restored& r) : r_(r) {}
    ~Undo() {
        if (committed_) return;
        runtime::kill_and_reap(r_.pidfd, r_.st.pid);
        runtime::remove_quietly(r_.cgroup.get(), r_.dir);
    }
    void commit() { committed_ = true; }

private:
    Restored& r_;
    bool committed_ = false;
};

// The rootfs bound onto a directory of the state dir while criu runs: criu wants a root that is a mount point
// of its own and whose parent is not overmounted, which a bundle's rootfs directory need not be.
class RootBind {
public:
    RootBind(const std::string& rootfs, std::string at) : at_(std::move(at)) {
        if (::mkdir(at_.c_str(), 0755) < 0) throw Error(errno, "mkdir", at_);
        if (sys::real().mount(rootfs.c_str(), at_.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) {
            Error e(errno, "bind mount", rootfs + " on " + at_);
            ::rmdir(at_.c_str());
            throw e;
        }
    }
    ~RootBind() {
        if (sys::real().umount2(at_.c_str(), MNT_DETACH) < 0) log::warn("restore: umount " + at_ + ": " + strerror(errno));
        ::rmdir(at_.c_str());
    }
    RootBind(const RootBind&) = delete;
    RootBind& operator=(const RootBind&) = delete;
    const std::string& path() const { return at_; }

private:
    std::string at_;
};

// Namespaces the config joins by path. Network and pid namespaces were recorded as external at dump: criu
// gets them as fds 3, 4, ... under the same key. The others criu joins itself. criu has no way to join a
// cgroup namespace.
struct Joins {
    std::vector<OwnedFd> fds;
    std::vector<std::string> inherit_fds;
    std::vector<std::string> join_ns;
};

Joins plan_joins(const spec::Linux& l) {
    Joins j;
    for (const auto& ns : l.namespaces) {
        if (!ns.path) continue;
        if (ns.type == spec::NamespaceType::cgroup)
            throw Error("restore: linux.namespaces: criu cannot join a cgroup namespace by path (" + *ns.path + ")");
        if (ns.type != spec::NamespaceType::network && ns.type != spec::NamespaceType::pid) {
            j.join_ns.push_back(std::string(namespaces::proc_name(ns.type)) + ":" + *ns.path);
            continue;
        }
        OwnedFd fd(::open(ns.path->c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd.valid()) throw Error(errno, "open", *ns.path).context("restore: joined namespace");
        j.inherit_fds.push_back("fd[" + std::to_string(3 + j.fds.size()) + "]:" + external_ns_key(ns.type));
        j.fds.push_back(std::move(fd));
    }
    return j;
}

pid_t read_pid(const std::string& path) {
    std::string s = runtime::read_file(path);
    char* end = nullptr;
    long pid = strtol(s.c_str(), &end, 10);
    if (pid <= 0 || end == s.c_str()) throw Error("restore: criu wrote no pid to " + path);
    return static_cast<pid_t>(pid);
}

bool has_restore_hooks(const spec::Config& c) {
    return c.hooks && (!c.hooks->prestart.empty() || !c.hooks->createRuntime.empty());
}

// criu runs ocirt as its action script, which reads the config and the state from the state directory.
std::string hook_script(const Restored& r, const runtime::Prepared& p) {
    r.dir.save_config(p.config_json);
    write_file(r.dir.path() + "/" + kHookState, state::oci_state_json(r.st, state::Status::creating));
    // This very binary, whatever replaced or removed its file since: ocirt outlives the criu that runs it.
    return "/proc/" + std::to_string(::getpid()) + "/exe";
}

// A hook that failed says why; criu would only say that its script did.
void raise_hook_error(const Restored& r) {
    std::string path = r.dir.path() + "/" + kHookError;
    if (::access(path.c_str(), F_OK) == 0) throw Error(runtime::read_file(path));
}

// The init's stdio as the checkpoint recorded it: descriptors.json, and the criu keys of those that were
// external (files outside the container, the terminal). Images from before ocirt recorded the keys have none.
struct Stdio {
    std::vector<std::string> descriptors, external;
};

Stdio read_stdio(const std::string& image_path) {
    Stdio s;
    s.descriptors = parse_descriptors(runtime::read_file(image_path + "/" + kDescriptors));
    std::string ext_path = image_path + "/" + kExternalStdio;
    if (::access(ext_path.c_str(), F_OK) == 0) s.external = parse_descriptors(runtime::read_file(ext_path));
    return s;
}

// Runs criu restore; returns the new pty's master when the container has a terminal.
OwnedFd run_restore(Restored& r, const runtime::Prepared& p, const RestoreOptions& o, const Stdio& stdio,
                    const std::string& pid_file) {
    const spec::Config& cfg = p.config;
    Joins joins = plan_joins(*cfg.linux_);
    if (!o.work_path.empty()) make_dir(o.work_path);
    // As create does: a rootfs made afresh for the restore (Podman's --import) lacks the mount points.
    rootfs::create_mount_points(sys::real(), p.rootfs);
    RootBind root(real_path(p.rootfs.root), r.dir.path() + "/criu-root");
    std::optional<ImageDirSearch> search;
    if (std::optional<uint32_t> gid = id_outside(cfg, true, 0)) search.emplace(o.image_path, *gid);
    std::vector<BorrowedFd> pass;
    for (const auto& fd : joins.fds) pass.push_back(fd.borrow());
    std::unique_ptr<RestoreTerminal> term;
    if (cfg.process->terminal) {
        term = std::make_unique<RestoreTerminal>(r.dir.path() + "/criu-devpts", cfg);
        pass.push_back(term->slave());
    }
    int terminal_fd = term ? 3 + static_cast<int>(joins.fds.size()) : -1;
    RestoreTarget t{root.path(), pid_file, restore_ext_mounts(cfg, rootfs::devices_are_binds(cfg)),
                    stdio_inherit_fds(stdio.descriptors, stdio.external, terminal_fd), joins.join_ns};
    t.inherit_fds.insert(t.inherit_fds.end(), joins.inherit_fds.begin(), joins.inherit_fds.end());
    if (term) {
        std::vector<ExtMount> m = term->ext_mounts();
        t.ext_mounts.insert(t.ext_mounts.end(), m.begin(), m.end());
    }
    std::string log = (o.work_path.empty() ? o.image_path : o.work_path) + "/restore.log";
    CriuRun run{o.criu, {}, log, pass, r.cgroup.get(), {}};
    if (has_restore_hooks(cfg)) {
        t.action_script = hook_script(r, p);
        run.env.emplace_back(kStateDirEnv, r.dir.path());
    }
    run.args = restore_args(o, t);
    try {
        run_criu(run);
    } catch (const Error&) {
        raise_hook_error(r);
        throw;
    }
    return term ? term->take_master() : OwnedFd();
}

// A terminal is restored only into a config that has one, from images that recorded it; and like runc, a
// detached restore needs somewhere to send its master.
void check_terminal(const spec::Config& cfg, const RestoreOptions& o, const Stdio& stdio) {
    bool recorded = !terminal_key(stdio.external).empty();
    if (cfg.process->terminal && !recorded)
        throw Error("restore: process.terminal is true but the checkpoint recorded no terminal on the process's stdio");
    if (!cfg.process->terminal && recorded)
        throw Error("restore: the checkpointed process had a terminal but process.terminal is false");
    if (cfg.process->terminal && o.detach && o.console_socket.empty())
        throw Error("restore: process.terminal with --detach needs --console-socket to send the new terminal to");
}

// The resources recorded at the checkpoint win over the bundle's: they are what the processes ran with,
// updates included. Images from before ocirt recorded them have none.
void take_checkpoint_resources(runtime::Prepared& p, const std::string& image_path) {
    std::string path = image_path + "/" + kResources;
    if (::access(path.c_str(), F_OK) != 0) return;
    spec::Resources saved;
    try {
        saved = spec::parse_resources(runtime::read_file(path));
    } catch (Error& e) {
        throw e.context("restore: " + path);
    }
    spec::Resources merged = p.config.linux_->resources.value_or(spec::Resources{});
    spec::merge_resources(merged, saved);
    p.config.linux_->resources = merged;
    p.config_json = spec::replace_resources(p.config_json, merged);
}

}  // namespace

int restore(const std::string& root, const std::string& id, const RestoreOptions& o, bool systemd_cgroup) {
    check_options(o);
    runtime::Prepared p = runtime::prepare_bundle(o.bundle);
    take_checkpoint_resources(p, o.image_path);
    const spec::Config& cfg = p.config;
    Stdio stdio = read_stdio(o.image_path);
    check_terminal(cfg, o, stdio);
    // Connected first, as create does: a socket nobody listens on fails the restore before anything is made.
    OwnedFd console_socket;
    if (cfg.process->terminal && !o.console_socket.empty())
        console_socket = process::connect_console_socket(o.console_socket);
    Restored r{state::StateDir::create(root, id), {}, nullptr, {}};
    Undo undo(r);
    r.st.id = id;
    r.st.bundle = p.bundle;
    r.st.rootfs = p.rootfs.root;
    r.st.created = log::timestamp();
    r.st.owner = ::geteuid();
    r.st.annotations = cfg.annotations;
    r.st.systemd_cgroup = systemd_cgroup;

    // The cgroup is made and configured as by create; criu joins it before restoring into it.
    cgroups::Options copts{cfg.linux_->cgroupsPath.value_or(""), id, systemd_cgroup, ::geteuid() != 0};
    r.cgroup = cgroups::make_manager(copts);
    r.cgroup->create();
    if (cfg.linux_->resources) r.cgroup->apply(*cfg.linux_->resources);
    r.st.cgroup = r.cgroup->saved_path();

    std::string pid_file = r.dir.path() + "/criu.pid";
    OwnedFd master = run_restore(r, p, o, stdio, pid_file);
    r.st.pid = read_pid(pid_file);
    ::unlink(pid_file.c_str());
    r.pidfd = OwnedFd(static_cast<int>(::syscall(SYS_pidfd_open, r.st.pid, 0)));
    if (!r.pidfd.valid()) throw Error(errno, "pidfd_open", "restored init " + std::to_string(r.st.pid));
    r.st.pid_start = state::process_start_time(r.st.pid);
    r.dir.save_config(p.config_json);
    r.dir.save(r.st);
    if (!o.pid_file.empty()) runtime::write_pid_file(o.pid_file, r.st.pid);
    // The same message as create sends; without a socket, the master stays here for supervise() to relay.
    if (console_socket.valid()) {
        process::send_fd(console_socket.borrow(), master.borrow(), "/dev/ptmx");
        master.reset();
    }
    undo.commit();
    // As after `start` (runtime.md step 9): a failing poststart hook is an error and stops the container;
    // `delete` then runs the poststop hooks.
    if (cfg.hooks && !cfg.hooks->poststart.empty()) {
        try {
            runtime::run_hooks(cfg.hooks->poststart, state::oci_state_json(r.st, state::Status::running), "poststart");
        } catch (const Error&) {
            ::syscall(SYS_pidfd_send_signal, r.pidfd.get(), SIGKILL, nullptr, 0);
            throw;
        }
    }
    if (o.detach) return 0;
    // criu made the init our child (--restore-sibling): we wait for it as `run` does.
    int code = runtime::supervise(r.st.pid, r.pidfd.borrow(), master.borrow());
    runtime::destroy(r.dir, r.st);
    return code;
}

}  // namespace ocirt::checkpoint

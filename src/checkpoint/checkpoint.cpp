#include "checkpoint/checkpoint.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "base/error.hpp"
#include "cgroups/manager.hpp"
#include "checkpoint/criu_process.hpp"
#include "checkpoint/files.hpp"
#include "namespaces/namespaces.hpp"
#include "rootfs/rootfs.hpp"
#include "runtime/lifecycle.hpp"
#include "runtime/prepared.hpp"
#include "spec/parse.hpp"
#include "spec/resources_update.hpp"

namespace ocirt::checkpoint {
namespace {

// The maskedPaths that are files in the running container, seen through its root: binds of /dev/null there.
std::vector<std::string> masked_files(pid_t pid, const spec::Config& c) {
    std::vector<std::string> out;
    if (!c.linux_) return out;
    std::string root = "/proc/" + std::to_string(pid) + "/root";
    for (const auto& p : c.linux_->maskedPaths) {
        struct stat st {};
        if (::stat((root + p).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) out.push_back(p);
    }
    return out;
}

// Network and pid namespaces joined by path belong to someone else: criu records them as external, by inode,
// and restore hands it the namespace under the same key.
std::vector<std::string> external_namespaces(const spec::Config& c) {
    std::vector<std::string> out;
    if (!c.linux_) return out;
    for (const auto& ns : c.linux_->namespaces) {
        if (!ns.path || (ns.type != spec::NamespaceType::network && ns.type != spec::NamespaceType::pid)) continue;
        struct stat st {};
        if (::stat(ns.path->c_str(), &st) < 0) throw Error(errno, "stat", *ns.path).context("checkpoint: joined namespace");
        out.push_back(std::string(namespaces::proc_name(ns.type)) + "[" + std::to_string(st.st_ino) + "]:" + external_ns_key(ns.type));
    }
    return out;
}

// On cgroup v2 criu freezes the container's cgroup instead of stopping each task with ptrace, so a process
// that forks during the dump cannot escape it. (v1's freezer would need its own path; ptrace is used there.)
std::string freeze_cgroup(const state::State& st) {
    struct statfs fs {};
    if (st.cgroup.empty() || ::statfs("/sys/fs/cgroup", &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC) return "";
    return cgroups::open_manager(st.cgroup, st.systemd_cgroup)->host_path();
}

std::vector<std::string> stdio_links(pid_t pid) {
    std::vector<std::string> out;
    for (int fd = 0; fd < 3; ++fd) {
        std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char buf[PATH_MAX];
        ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
        out.emplace_back(n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string());
    }
    return out;
}

// Unix98 pty slaves: majors 136 to 143 (linux/major.h).
bool is_pty_slave(const struct stat& st) {
    return S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) < 144;
}

// The stdio fds the container was given from outside its mount namespace, such as the host's /dev/null that
// conmon or a shell hands it: criu cannot reopen them inside the container, so they are dumped as external
// files, by key, and restore passes its own fds in their place (as it does for pipes). With a terminal, the
// pty slave is external too (criu_args.hpp), and restore hands criu the slave of a new pty.
std::vector<std::string> external_stdio(pid_t pid, bool terminal) {
    std::string proc = "/proc/" + std::to_string(pid);
    std::string mountinfo = runtime::read_file(proc + "/mountinfo");
    std::vector<std::string> keys;
    for (const std::string& link : stdio_links(pid)) {
        std::string fd = std::to_string(keys.size());
        struct stat st {};
        int mnt_id = -1;
        // Pipes, sockets and anonymous inodes live on no mount criu looks up.
        if (link.rfind("/", 0) == 0 && ::stat((proc + "/fd/" + fd).c_str(), &st) == 0)
            mnt_id = fdinfo_mnt_id(runtime::read_file(proc + "/fdinfo/" + fd));
        if (terminal && mnt_id >= 0 && is_pty_slave(st))
            keys.push_back(external_tty_key(st.st_rdev, st.st_dev));
        else
            keys.push_back(mnt_id >= 0 && !has_mount_id(mountinfo, mnt_id) ? external_file_key(mnt_id, st.st_ino) : "");
    }
    return keys;
}

// criu kills the tasks at the end of a dump; the cgroup can only be removed once the init is gone.
void wait_exit(BorrowedFd pidfd) {
    pollfd p{pidfd.get(), POLLIN, 0};
    while (::poll(&p, 1, 10000) < 0 && errno == EINTR) {}
}

}  // namespace

void checkpoint(const std::string& root, const std::string& id, const CheckpointOptions& o) {
    check_options(o);
    auto dir = state::StateDir::open(root, id);
    dir.lock();
    state::State st = dir.load();
    state::Status status = runtime::current_status(dir, st);
    if (status != state::Status::running)
        throw Error("cannot checkpoint container \"" + id + "\": it is " + state::to_string(status));
    spec::Config cfg = spec::parse_config(dir.load_config());
    OwnedFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, st.pid, 0)));
    if (!pidfd.valid() || !state::process_alive(st)) throw Error("container \"" + id + "\" is not running");

    make_dir(o.image_path);
    if (!o.work_path.empty()) make_dir(o.work_path);
    DumpTarget t{st.pid, real_path(st.rootfs), freeze_cgroup(st), dump_ext_mounts(cfg, masked_files(st.pid, cfg), rootfs::devices_are_binds(cfg)),
                 external_namespaces(cfg)};
    if (!o.pre_dump) {
        write_file(o.image_path + "/" + kDescriptors, descriptors_json(stdio_links(st.pid)));
        std::vector<std::string> stdio = external_stdio(st.pid, cfg.process && cfg.process->terminal);
        write_file(o.image_path + "/" + kExternalStdio, descriptors_json(stdio));
        for (const auto& key : stdio)
            if (!key.empty() && std::find(t.externals.begin(), t.externals.end(), key) == t.externals.end()) t.externals.push_back(key);
        if (!terminal_key(stdio).empty()) {
            std::vector<ExtMount> m = terminal_dump_mounts(runtime::read_file("/proc/" + std::to_string(st.pid) + "/mountinfo"));
            t.ext_mounts.insert(t.ext_mounts.end(), m.begin(), m.end());
        }
    }
    if (!o.pre_dump && cfg.linux_ && cfg.linux_->resources)
        write_file(o.image_path + "/" + kResources, spec::resources_to_json(*cfg.linux_->resources));
    std::string log = (o.work_path.empty() ? o.image_path : o.work_path) + (o.pre_dump ? "/pre-dump.log" : "/dump.log");
    run_criu(CriuRun{o.criu, dump_args(o, t), log, {}, nullptr});
    if (o.leave_running || o.pre_dump) return;
    wait_exit(pidfd.borrow());
    runtime::destroy(dir, st);
}

}  // namespace ocirt::checkpoint

// The container's filesystem: a plan computed in the parent (plain data, unit-tested without root), executed
// in the child in three steps around the createContainer hooks.
#pragma once

#include <string>
#include <vector>

#include "base/fd.hpp"
#include "spec/config.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::rootfs {

struct Plan;  // defined in rootfs/plan.hpp
struct Host;  // rootfs/plan.hpp: SELinux and the cgroup layout; detect_host() reads them

// Parent: resolves the rootfs path against the bundle, turns mounts into flags/data/propagation, lists the
// default devices and the /dev symlinks. userns: devices are bind-mounted from the host instead of mknod.
// Throws Error naming the config field for what cannot be planned. This overload calls detect_host().
Plan make_plan(const spec::Config& c, const std::string& bundle_dir, bool userns);

// mknod needs CAP_MKNOD in the initial user namespace: in any other one (the container's, a joined one, or
// the one ocirt itself runs in under rootless Podman) device nodes are bind-mounted from the host.
bool devices_are_binds(const spec::Config& c);

// Parent, before the child is started, for mounts with idmap/ridmap: one user namespace per mount carrying its
// mappings; sets each MountOp's userns_fd. Keep the returned fds open until the child has run prepare().
std::vector<OwnedFd> open_idmap_namespaces(Plan& p);

// Child, in its new mount namespace: makes / private (or slave), binds the rootfs onto itself, runs the mounts
// in order, creates devices and /dev symlinks, all resolved inside the rootfs without leaving it.
// In two parts so the child can start before it is in its cgroup: prepare_start() stops before the first
// mount that shows the container's cgroup namespace (which must exist first); prepare_finish() does the rest.
struct Progress {
    OwnedFd root;
    size_t next_mount = 0;
};
Progress prepare_start(sys::Syscalls& s, const Plan& p);
void prepare_finish(sys::Syscalls& s, const Plan& p, Progress& done);

// Child, after createContainer hooks: pivot_root into the rootfs (or chroot with no_pivot) and detach the old
// root; then rootfsPropagation, readonlyPaths, maskedPaths and last the read-only root.
void enter(sys::Syscalls& s, const Plan& p, bool no_pivot);

// Child, after enter(): binds the pty slave over /dev/console (created as an empty file if missing; a symlink
// there is replaced, never followed).
void mount_console(sys::Syscalls& s, int pty_slave_fd);

// Host side, for a restore: creates the mount destinations missing from the rootfs (directories, or empty
// files for binds of a file), resolved inside it as prepare() does; those below a tmpfs are left to criu, which
// restores the tmpfs with its content. Error names the mount.
void create_mount_points(sys::Syscalls& s, const Plan& p);

}  // namespace ocirt::rootfs

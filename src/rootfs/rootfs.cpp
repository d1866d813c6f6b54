// The child's rootfs steps, in order. prepare() runs with the host's / still in place (its /proc is trusted
// for "/proc/self/fd/N" mount targets); enter() switches to the rootfs and then uses only fds.
#include "rootfs/rootfs.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/error.hpp"
#include "rootfs/internal.hpp"
#include "rootfs/plan.hpp"

namespace ocirt::rootfs {
namespace {

void mount_or_throw(sys::Syscalls& s, const char* src, const char* target, unsigned long flags, const char* why) {
    if (s.mount(src, target, nullptr, flags, nullptr) < 0)
        throw Error(errno, "mount", std::string("source=") + (src ? src : "none") + " target=" + target +
                                        " flags=" + detail::ms_names(flags) + " (" + why + ")");
}

OwnedFd open_dir(sys::Syscalls& s, const char* path) {
    int fd = s.openat2(AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
    if (fd < 0) throw Error(errno, "open", path);
    return OwnedFd(fd);
}

void pivot(sys::Syscalls& s) {
    // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only the rootfs.
    check(s.pivot_root(".", "."), "pivot_root", "into the rootfs");
    // Slave first so the detach below cannot propagate an unmount back to the host.
    mount_or_throw(s, nullptr, ".", MS_SLAVE | MS_REC, "old root");
    check(s.umount2(".", MNT_DETACH), "umount2 MNT_DETACH", "old root");
}

void chroot_into(sys::Syscalls& s, const Plan& p) {
    // --no-pivot: the old root stays reachable to whoever can escape a chroot; runc users ask for it knowingly.
    mount_or_throw(s, p.root.c_str(), "/", MS_MOVE, "--no-pivot");
    check(s.chroot("."), "chroot", p.root);
}

}  // namespace

Progress prepare_start(sys::Syscalls& s, const Plan& p) {
    // Nothing done below may propagate to the host's mounts.
    mount_or_throw(s, nullptr, "/", p.root_propagation, "making / private or slave");
    // pivot_root needs the new root to be a mount point; binding it also keeps the rootfs path stable.
    mount_or_throw(s, p.root.c_str(), p.root.c_str(), MS_BIND | MS_REC, "binding the rootfs onto itself");
    Progress done{open_dir(s, p.root.c_str()), 0};
    for (; done.next_mount < p.mounts.size(); ++done.next_mount) {
        const MountOp& op = p.mounts[done.next_mount];
        if ((op.kind == MountKind::cgroup_v1 || op.kind == MountKind::cgroup_v2) && op.cgroupns) break;
        detail::run_mount(s, done.root.borrow(), op);
    }
    return done;
}

void prepare_finish(sys::Syscalls& s, const Plan& p, Progress& done) {
    for (; done.next_mount < p.mounts.size(); ++done.next_mount)
        detail::run_mount(s, done.root.borrow(), p.mounts[done.next_mount]);
    if (p.setup_dev) detail::create_devices(s, done.root.borrow(), p);
}

void enter(sys::Syscalls& s, const Plan& p, bool no_pivot) {
    check(s.chdir(p.root.c_str()), "chdir", p.root);
    if (no_pivot)
        chroot_into(s, p);
    else
        pivot(s);
    check(s.chdir("/"), "chdir", "/ of the container");
    if (p.rootfs_propagation != 0)
        mount_or_throw(s, nullptr, "/", p.rootfs_propagation, "linux.rootfsPropagation");
    OwnedFd root = open_dir(s, "/");
    // Detaching the old root made every mount below it a slave, the container's own included: the
    // propagation a mount asked for is set again now.
    for (const auto& op : p.mounts)
        if (op.propagation != 0) detail::set_propagation(s, root.borrow(), op);
    detail::readonly_paths(s, root.borrow(), p);
    detail::mask_paths(s, root.borrow(), p);
    // Last, once nothing more needs to be created in the root's own filesystem.
    if (p.readonly) detail::set_attrs(s, root.borrow(), Attrs{MOUNT_ATTR_RDONLY, 0}, false, "root.readonly");
}

void mount_console(sys::Syscalls& s, int pty_slave_fd) {
    OwnedFd root = open_dir(s, "/");
    OwnedFd dev = detail::open_in_root(s, root.borrow(), "dev");
    const uint64_t strict = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    int fd = s.openat2(dev.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, strict);
    if (fd < 0 && errno != ENOENT) throw Error(errno, "open", "/dev/console");
    OwnedFd console(fd);
    mode_t type = console.valid() ? detail::kind_of(s, console.borrow(), "/dev/console").type : 0;
    if (type == S_IFLNK) {
        // A symlink would send the console bind wherever it points: replace the link itself.
        check(s.unlinkat(dev.get(), "console", 0), "unlink", "/dev/console (a symlink)");
        console.reset();
    } else if (console.valid() && type != S_IFREG && type != S_IFCHR) {
        throw Error("/dev/console: exists and is neither a file nor a character device");
    }
    if (!console.valid()) {
        int c = s.openat2(dev.get(), "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666, strict);
        if (c < 0) throw Error(errno, "create", "/dev/console");
        OwnedFd created(c);
        console = OwnedFd(check(s.openat2(dev.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC, 0, strict),
                                "open", "/dev/console"));
    }
    int t = s.open_tree(pty_slave_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (t < 0) throw Error(errno, "open_tree", "the pty slave for /dev/console");
    OwnedFd tree(t);
    detail::move_onto(s, tree.borrow(), console.borrow(), "the pty slave onto /dev/console");
}

}  // namespace ocirt::rootfs

// Executes one MountOp inside the rootfs. Fresh filesystems are mounted with mount(2) on "/proc/self/fd/N" of
// the resolved destination (the host's /proc: this runs before pivot_root); binds are cloned with open_tree,
// given their attributes while still detached, and moved onto the destination fd.
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <array>
#include <string_view>

#include "base/error.hpp"
#include "rootfs/internal.hpp"

namespace ocirt::rootfs::detail {
namespace {

std::string describe(const MountOp& op, unsigned long flags) {
    return op.what + ": source=" + op.source + " target=/" + op.destination + " type=" + op.type +
           " flags=" + ms_names(flags) + (op.data.empty() ? "" : " data=" + op.data);
}

// A destination that resolves into a procfs (through a symlink in the image, say /x -> /proc/self/attr) could
// cover files the kernel or an LSM relies on (CVE-2019-16884). Only procfs itself goes there, and the files
// that lxcfs-style setups replace.
void refuse_procfs_target(sys::Syscalls& s, BorrowedFd target, const MountOp& op) {
    static constexpr std::array<std::string_view, 10> allowed{
        "proc/cpuinfo", "proc/diskstats", "proc/meminfo", "proc/stat",    "proc/swaps",
        "proc/uptime",  "proc/loadavg",   "proc/slabinfo", "proc/net/dev", "proc/sys/kernel/ns_last_pid"};
    if (op.kind == MountKind::fresh && op.type == "proc") return;
    for (auto a : allowed)
        if (op.destination == a) return;
    struct statfs sf {};
    if (s.fstatfs(target.get(), &sf) < 0) throw Error(errno, "fstatfs", describe(op, op.flags));
    if (sf.f_type == PROC_SUPER_MAGIC)
        throw Error(op.what + ": destination: resolves into procfs, where only a few files may be mounted over");
}

// After the mount: r* attributes and propagation apply to the new mount, which the old target fd (the
// directory underneath) does not reach, so the destination is opened again.
void finish(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    if (op.recursive.empty() && op.propagation == 0) return;
    OwnedFd fd = open_in_root(s, root, op.destination);
    if (!op.recursive.empty()) set_attrs(s, fd.borrow(), op.recursive, true, describe(op, op.flags));
    if (op.propagation != 0 &&
        s.mount(nullptr, FdPath(fd.get()).c_str(), nullptr, op.propagation, nullptr) < 0)
        throw Error(errno, "mount", describe(op, op.propagation));
}

OwnedFd clone_tree(sys::Syscalls& s, const char* source, bool recursive, const std::string& what) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    int fd = s.open_tree(AT_FDCWD, source, flags);
    if (fd < 0) throw Error(errno, "open_tree", what);
    return OwnedFd(fd);
}

// Binds source onto dest (relative to dir_fd), with per-mount attributes set before it becomes visible.
void bind_at(sys::Syscalls& s, BorrowedFd dir_fd, const std::string& dest, const char* source, bool rec,
             const Attrs& attrs, const std::string& what) {
    OwnedFd tree = clone_tree(s, source, rec, what);
    bool is_dir = kind_of(s, tree.borrow(), what).type == S_IFDIR;
    OwnedFd target = ensure_in_root(s, dir_fd, dest, is_dir);
    if (!attrs.empty()) set_attrs(s, tree.borrow(), attrs, false, what);
    move_onto(s, tree.borrow(), target.borrow(), what);
}

void mount_bind(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    std::string what = describe(op, op.flags);
    OwnedFd tree = clone_tree(s, op.source.c_str(), op.flags & MS_REC, what);
    bool is_dir = kind_of(s, tree.borrow(), what).type == S_IFDIR;
    OwnedFd target = ensure_in_root(s, root, op.destination, is_dir);
    refuse_procfs_target(s, target.borrow(), op);
    // Attributes go on the detached tree, so the mount never appears with weaker flags than asked; unlike a
    // MS_REMOUNT they leave the source's locked flags (nosuid, nodev... in a user namespace) alone.
    if (!op.attrs.empty()) set_attrs(s, tree.borrow(), op.attrs, false, what);
    if (!op.recursive.empty()) set_attrs(s, tree.borrow(), op.recursive, true, what);
    if (op.idmap) {
        struct mount_attr attr {};
        attr.attr_set = MOUNT_ATTR_IDMAP;
        attr.userns_fd = static_cast<uint64_t>(op.userns_fd);
        unsigned flags = AT_EMPTY_PATH | (op.idmap_recursive ? AT_RECURSIVE : 0);
        if (s.mount_setattr(tree.get(), "", flags, &attr, sizeof attr) < 0)
            throw Error(errno, "mount_setattr MOUNT_ATTR_IDMAP", what);
    }
    move_onto(s, tree.borrow(), target.borrow(), what);
}


// v1: a tmpfs holding one directory per hierarchy, each the container's view of that hierarchy (its own
// cgroup bound from the host, or a cgroup mount when a cgroup namespace gives it its own root).
void mount_cgroup_v1(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    OwnedFd target = ensure_in_root(s, root, op.destination, true);
    unsigned long tmpfs_flags = (op.flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (s.mount("tmpfs", FdPath(target.get()).c_str(), "tmpfs", tmpfs_flags, "mode=755") < 0)
        throw Error(errno, "mount", describe(op, tmpfs_flags) + " (cgroup tmpfs)");
    OwnedFd cg = open_in_root(s, root, op.destination);
    for (const auto& h : op.hierarchies) {
        std::string what = op.what + ": cgroup hierarchy " + h.name;
        if (op.cgroupns) {
            OwnedFd dir = ensure_in_root(s, cg.borrow(), h.name, true);
            const char* type = h.v2 ? "cgroup2" : "cgroup";
            const char* data = h.controllers.empty() ? nullptr : h.controllers.c_str();
            if (s.mount("cgroup", FdPath(dir.get()).c_str(), type, op.flags, data) < 0)
                throw Error(errno, "mount", what + " flags=" + ms_names(op.flags));
        } else {
            bind_at(s, cg.borrow(), h.name, h.host_path.c_str(), false, op.attrs, what + " from " + h.host_path);
        }
        for (const auto& link : h.links)
            if (s.symlinkat(h.name.c_str(), cg.get(), link.c_str()) < 0 && errno != EEXIST)
                throw Error(errno, "symlink", what + " as " + link);
    }
    // Read-only only now: the hierarchy directories had to be created first.
    if (op.flags & MS_RDONLY) set_attrs(s, cg.borrow(), Attrs{MOUNT_ATTR_RDONLY, 0}, false, op.what);
    finish(s, root, op);
}

void mount_cgroup_v2(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    OwnedFd target = ensure_in_root(s, root, op.destination, true);
    if (s.mount("cgroup2", FdPath(target.get()).c_str(), "cgroup2", op.flags,
                op.data.empty() ? nullptr : op.data.c_str()) == 0) {
        finish(s, root, op);
        return;
    }
    // Without a cgroup namespace of its own (or in a user namespace) cgroup2 cannot be mounted: show the
    // host's tree instead, as runc does.
    if (errno != EPERM && errno != EBUSY) throw Error(errno, "mount", describe(op, op.flags));
    bind_at(s, root, op.destination, "/sys/fs/cgroup", true, op.attrs, describe(op, MS_BIND | MS_REC));
    finish(s, root, op);
}

}  // namespace

void run_mount(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    switch (op.kind) {
        case MountKind::bind:
            mount_bind(s, root, op);
            return;
        case MountKind::cgroup_v1:
            mount_cgroup_v1(s, root, op);
            return;
        case MountKind::cgroup_v2:
            mount_cgroup_v2(s, root, op);
            return;
        case MountKind::fresh:
            break;
    }
    OwnedFd target = ensure_in_root(s, root, op.destination, true);
    refuse_procfs_target(s, target.borrow(), op);
    // The directory being covered stays readable through this fd after the mount.
    OwnedFd below = op.copy_up ? reopen_dir(target.borrow(), op.what) : OwnedFd();
    const char* data = op.data.empty() ? nullptr : op.data.c_str();
    if (s.mount(op.source.c_str(), FdPath(target.get()).c_str(), op.type.c_str(), op.flags, data) < 0)
        throw Error(errno, "mount", describe(op, op.flags));
    if (op.copy_up) {
        OwnedFd top = reopen_dir(open_in_root(s, root, op.destination).borrow(), op.what);
        copy_tree(below.borrow(), top.borrow(), op.what + " (tmpcopyup)");
    }
    finish(s, root, op);
}

void set_propagation(sys::Syscalls& s, BorrowedFd root, const MountOp& op) {
    OwnedFd fd = open_in_root(s, root, op.destination);
    struct mount_attr attr {};
    attr.propagation = op.propagation & ~MS_REC;
    unsigned flags = AT_EMPTY_PATH | ((op.propagation & MS_REC) ? AT_RECURSIVE : 0);
    if (s.mount_setattr(fd.get(), "", flags, &attr, sizeof attr) < 0)
        throw Error(errno, "mount_setattr propagation", describe(op, op.propagation));
}

}  // namespace ocirt::rootfs::detail

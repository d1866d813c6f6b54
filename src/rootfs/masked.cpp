// maskedPaths and readonlyPaths, after pivot_root. Everything is done by fd with the new mount API, so neither
// a symlink in the image nor a mount over the container's /proc can redirect a mount (CVE-2025-31133,
// CVE-2025-52565).
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/error.hpp"
#include "rootfs/internal.hpp"

namespace ocirt::rootfs::detail {
namespace {

// The container's /dev/null, refused unless it is the real null device: the image (or a process sharing the
// rootfs) may have put a symlink or a file there, and binding that over a masked path would unmask it or
// expose a host file.
OwnedFd open_null(sys::Syscalls& s, BorrowedFd root) {
    int fd = s.openat2(root.get(), "dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) throw Error(errno, "open", "/dev/null (to mask paths)");
    OwnedFd null(fd);
    FileKind k = kind_of(s, null.borrow(), "/dev/null");
    if (k.type != S_IFCHR || k.rdev != makedev(1, 3))
        throw Error("/dev/null in the container is not the null device (char 1:3): refusing to mask paths with it");
    return null;
}

// A read-only, empty tmpfs, made detached with fsopen/fsmount and moved onto the directory's fd.
void mask_dir(sys::Syscalls& s, BorrowedFd target, const std::string& what) {
    int fs = s.fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) throw Error(errno, "fsopen tmpfs", what);
    OwnedFd fsfd(fs);
    if (s.fsconfig(fsfd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        throw Error(errno, "fsconfig create tmpfs", what);
    int m = s.fsmount(fsfd.get(), FSMOUNT_CLOEXEC,
                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (m < 0) throw Error(errno, "fsmount tmpfs", what);
    OwnedFd mnt(m);
    move_onto(s, mnt.borrow(), target, what);
}

void mask_file(sys::Syscalls& s, BorrowedFd null, BorrowedFd target, const std::string& what) {
    int t = s.open_tree(null.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (t < 0) throw Error(errno, "open_tree /dev/null", what);
    OwnedFd tree(t);
    move_onto(s, tree.borrow(), target, what);
}

}  // namespace

void readonly_paths(sys::Syscalls& s, BorrowedFd root, const Plan& p) {
    for (const auto& rel : p.readonly_paths) {
        OwnedFd target = try_open_in_root(s, root, rel);
        if (!target.valid()) continue;  // nothing there to protect
        std::string what = "readonlyPaths /" + rel;
        int t = s.open_tree(target.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (t < 0) throw Error(errno, "open_tree", what);
        OwnedFd tree(t);
        // Read-only before it is attached, and for the mounts below it as well.
        set_attrs(s, tree.borrow(), Attrs{MOUNT_ATTR_RDONLY, 0}, true, what);
        move_onto(s, tree.borrow(), target.borrow(), what);
    }
}

void mask_paths(sys::Syscalls& s, BorrowedFd root, const Plan& p) {
    OwnedFd null;
    for (const auto& rel : p.masked) {
        OwnedFd target = try_open_in_root(s, root, rel);
        if (!target.valid()) continue;
        std::string what = "maskedPaths /" + rel;
        if (kind_of(s, target.borrow(), what).type == S_IFDIR) {
            mask_dir(s, target.borrow(), what);
            continue;
        }
        if (!null.valid()) null = open_null(s, root);
        mask_file(s, null.borrow(), target.borrow(), what);
    }
}

}  // namespace ocirt::rootfs::detail

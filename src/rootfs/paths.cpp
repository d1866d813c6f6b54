// Safe resolution inside the rootfs (CVE-2021-30465 and kin): every destination is opened with openat2
// relative to the rootfs fd, so a symlink in the image cannot send a mount to the host, and the mount is then
// made on the fd, never on a path that could be swapped in between.
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/error.hpp"
#include "rootfs/internal.hpp"

namespace ocirt::rootfs::detail {
namespace {

std::string subject(std::string_view rel) { return "/" + std::string(rel); }

// Creates name under parent: a directory, or an empty file opened with O_EXCL|O_NOFOLLOW so an existing
// entry, symlink or not, is never written through.
void create_entry(sys::Syscalls& s, BorrowedFd parent, const std::string& name, bool dir, std::string_view rel) {
    if (dir) {
        if (s.mkdirat(parent.get(), name.c_str(), 0755) < 0 && errno != EEXIST)
            throw Error(errno, "mkdir", subject(rel));
        return;
    }
    int fd = s.openat2(parent.get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    if (fd < 0 && errno != EEXIST) throw Error(errno, "create", subject(rel));
    OwnedFd created(fd);  // only the entry was wanted
}

}  // namespace

uint64_t in_root_resolve() { return RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; }

OwnedFd try_open_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, uint64_t extra) {
    std::string path = rel.empty() ? std::string(".") : std::string(rel);
    int fd = s.openat2(root.get(), path.c_str(), O_PATH | O_CLOEXEC | extra, 0, in_root_resolve());
    if (fd < 0 && errno == ENOENT) return OwnedFd();
    if (fd < 0) throw Error(errno, "open inside the rootfs", subject(rel));
    return OwnedFd(fd);
}

OwnedFd open_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, uint64_t extra) {
    OwnedFd fd = try_open_in_root(s, root, rel, extra);
    if (!fd.valid()) throw Error(ENOENT, "open inside the rootfs", subject(rel));
    return fd;
}

OwnedFd ensure_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, bool dir) {
    OwnedFd fd = try_open_in_root(s, root, rel);
    if (fd.valid()) return fd;
    size_t slash = rel.rfind('/');
    std::string_view parent_rel = slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
    std::string name(slash == std::string_view::npos ? rel : rel.substr(slash + 1));
    // The parent is resolved (and created) inside the root too; the new entry is then made relative to it.
    OwnedFd parent = parent_rel.empty() ? OwnedFd() : ensure_in_root(s, root, parent_rel, true);
    create_entry(s, parent.valid() ? parent.borrow() : root, name, dir, rel);
    fd = try_open_in_root(s, root, rel);
    // Still missing after creating it: the entry is a symlink pointing at nothing.
    if (!fd.valid()) throw Error(ENOENT, "open inside the rootfs (dangling symlink?)", subject(rel));
    return fd;
}

FileKind kind_of(sys::Syscalls& s, BorrowedFd fd, std::string_view what) {
    struct stat st {};
    if (s.fstat(fd.get(), &st) < 0) throw Error(errno, "fstat", what);
    return {static_cast<mode_t>(st.st_mode & S_IFMT), st.st_rdev, st.st_uid};
}

void move_onto(sys::Syscalls& s, BorrowedFd tree, BorrowedFd target, std::string_view what) {
    if (s.move_mount(tree.get(), "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw Error(errno, "move_mount", what);
}

void set_attrs(sys::Syscalls& s, BorrowedFd fd, const Attrs& a, bool recursive, std::string_view what) {
    struct mount_attr attr {};
    attr.attr_set = a.set;
    attr.attr_clr = a.clr;
    unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    if (s.mount_setattr(fd.get(), "", flags, &attr, sizeof attr) < 0)
        throw Error(errno, "mount_setattr",
                    std::string(what) + " set=" + attr_names(a.set) + " clear=" + attr_names(a.clr) +
                        (recursive ? " recursive" : ""));
}

}  // namespace ocirt::rootfs::detail

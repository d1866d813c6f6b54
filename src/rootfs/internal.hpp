// Helpers shared by the child-side rootfs steps (not part of the interface the runtime uses).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "base/fd.hpp"
#include "rootfs/plan.hpp"
#include "sys/syscalls.hpp"

namespace ocirt::rootfs::detail {

// "/proc/self/fd/N" without allocating: mount(2) through an fd needs a path, and the child allocates little.
class FdPath {
public:
    explicit FdPath(int fd) { std::snprintf(buf_, sizeof buf_, "/proc/self/fd/%d", fd); }
    const char* c_str() const { return buf_; }

private:
    char buf_[32];
};

// openat2 resolution that treats dirfd as "/": absolute symlinks and ".." stay inside, and /proc magic links
// (which jump anywhere) are refused.
uint64_t in_root_resolve();

// Opens rel (relative to root, symlinks followed only inside it) as O_PATH; invalid OwnedFd if it does not
// exist; throws on any other failure. extra adds open flags such as O_NOFOLLOW.
OwnedFd try_open_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, uint64_t extra = 0);
OwnedFd open_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, uint64_t extra = 0);

// Like open_in_root, creating what is missing: directories on the way, then the last component as a
// directory (dir) or an empty regular file. New entries are created relative to their parent's fd and never
// through a symlink.
OwnedFd ensure_in_root(sys::Syscalls& s, BorrowedFd root, std::string_view rel, bool dir);

// The type bits (S_IFMT) and device of what fd refers to.
struct FileKind {
    mode_t type = 0;
    dev_t rdev = 0;
    uid_t uid = 0;  // as our user namespace sees it: the overflow uid when unmapped
};
FileKind kind_of(sys::Syscalls& s, BorrowedFd fd, std::string_view what);

// Bind the mount tree cloned from `tree` onto target, both by fd (no path lookup at all).
void move_onto(sys::Syscalls& s, BorrowedFd tree, BorrowedFd target, std::string_view what);

// mount_setattr on an fd; recursive walks the subtree.
void set_attrs(sys::Syscalls& s, BorrowedFd fd, const Attrs& a, bool recursive, std::string_view what);
// tmpcopyup (copyup.cpp): a readable directory fd from an O_PATH one, and a recursive copy of files,
// directories and symlinks with their modes and owners. Nothing is followed: symlinks are copied as links.
OwnedFd reopen_dir(BorrowedFd path_fd, const std::string& what);
void copy_tree(BorrowedFd from, BorrowedFd to, const std::string& what);
// Applies op.propagation to the mount at op.destination (resolved inside root).
void set_propagation(sys::Syscalls& s, BorrowedFd root, const MountOp& op);

// MS_* and MOUNT_ATTR_* flags by name, for errors: "MS_BIND|MS_REC".
std::string ms_names(unsigned long flags);
std::string attr_names(uint64_t attrs);

// Steps of prepare/enter, one file each.
void run_mount(sys::Syscalls& s, BorrowedFd root, const MountOp& op);
void create_devices(sys::Syscalls& s, BorrowedFd root, const Plan& p);
void readonly_paths(sys::Syscalls& s, BorrowedFd root, const Plan& p);
void mask_paths(sys::Syscalls& s, BorrowedFd root, const Plan& p);

}  // namespace ocirt::rootfs::detail

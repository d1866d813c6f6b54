// The thin syscall layer used by the container-setup code (namespaces, rootfs, process attributes).
// Everything goes through a Syscalls object so unit tests can substitute a recorder and check the order of
// mounts, setns and pivot_root without root (tests/unit/sys/recording_syscalls.hpp).
// Methods return the raw result (-1 with errno on failure); callers wrap failures in ocirt::Error with context.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

struct mount_attr;
struct stat;
struct statfs;

namespace ocirt::sys {

class Syscalls {
public:
    virtual ~Syscalls() = default;

    virtual int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
                      const void* data) = 0;
    virtual int umount2(const char* target, int flags) = 0;
    virtual int pivot_root(const char* new_root, const char* put_old) = 0;
    virtual int chdir(const char* path) = 0;
    virtual int fchdir(int fd) = 0;
    virtual int chroot(const char* path) = 0;
    virtual int mkdirat(int dirfd, const char* path, mode_t mode) = 0;
    virtual int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) = 0;
    virtual int symlinkat(const char* target, int dirfd, const char* linkpath) = 0;
    virtual int setns(int fd, int nstype) = 0;
    virtual int unshare(int flags) = 0;
    virtual int sethostname(const std::string& name) = 0;
    virtual int setdomainname(const std::string& name) = 0;
    // New mount API (Linux >= 5.2/5.12): used to mount through fds instead of paths.
    virtual int open_tree(int dirfd, const char* path, unsigned flags) = 0;
    virtual int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                           unsigned flags) = 0;
    virtual int mount_setattr(int dirfd, const char* path, unsigned flags, struct mount_attr* attr,
                              size_t size) = 0;
    // Added for rootfs: resolution inside the rootfs by fd, checks on what an fd is, fresh mounts by fd.
    virtual int openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) = 0;
    virtual int fstat(int fd, struct stat* st) = 0;
    virtual int fstatfs(int fd, struct statfs* st) = 0;
    virtual int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) = 0;
    virtual int unlinkat(int dirfd, const char* path, int flags) = 0;
    virtual mode_t umask(mode_t mask) = 0;
    virtual int fsopen(const char* fstype, unsigned flags) = 0;
    virtual int fsconfig(int fsfd, unsigned cmd, const char* key, const void* value, int aux) = 0;
    virtual int fsmount(int fsfd, unsigned flags, unsigned attr_flags) = 0;
};

// The real kernel.
Syscalls& real();

// Opens path (from the cwd) following ordinary symlinks but never a magic link (/proc/self/fd/N, /proc/PID/root):
// a path resolved while the runtime still holds fds of its own (the working directory, the executable) must not
// reach them. O_PATH|O_CLOEXEC are added to flags. Before Linux 5.6 (ENOSYS) a plain open stands in. Returns the
// fd, or -1 with errno set.
int open_no_magiclinks(Syscalls& s, const std::string& path, int flags);

}  // namespace ocirt::sys

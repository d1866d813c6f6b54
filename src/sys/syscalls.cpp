#include "sys/syscalls.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace ocirt::sys {
namespace {

class RealSyscalls final : public Syscalls {
public:
    int mount(const char* s, const char* t, const char* fs, unsigned long f, const void* d) override {
        return ::mount(s, t, fs, f, d);
    }
    int umount2(const char* t, int f) override { return ::umount2(t, f); }
    int pivot_root(const char* n, const char* o) override {
        return static_cast<int>(::syscall(SYS_pivot_root, n, o));
    }
    int chdir(const char* p) override { return ::chdir(p); }
    int fchdir(int fd) override { return ::fchdir(fd); }
    int chroot(const char* p) override { return ::chroot(p); }
    int mkdirat(int d, const char* p, mode_t m) override { return ::mkdirat(d, p, m); }
    int mknodat(int d, const char* p, mode_t m, dev_t dev) override { return ::mknodat(d, p, m, dev); }
    int symlinkat(const char* t, int d, const char* l) override { return ::symlinkat(t, d, l); }
    int setns(int fd, int t) override { return ::setns(fd, t); }
    int unshare(int f) override { return ::unshare(f); }
    int sethostname(const std::string& n) override { return ::sethostname(n.data(), n.size()); }
    int setdomainname(const std::string& n) override { return ::setdomainname(n.data(), n.size()); }
    int open_tree(int d, const char* p, unsigned f) override {
        return static_cast<int>(::syscall(SYS_open_tree, d, p, f));
    }
    int move_mount(int fd, const char* fp, int td, const char* tp, unsigned f) override {
        return static_cast<int>(::syscall(SYS_move_mount, fd, fp, td, tp, f));
    }
    int mount_setattr(int d, const char* p, unsigned f, struct mount_attr* a, size_t s) override {
        return static_cast<int>(::syscall(SYS_mount_setattr, d, p, f, a, s));
    }
    int openat2(int d, const char* p, uint64_t f, uint64_t m, uint64_t r) override {
        struct open_how how = {.flags = f, .mode = m, .resolve = r};
        return static_cast<int>(::syscall(SYS_openat2, d, p, &how, sizeof how));
    }
    int fstat(int fd, struct stat* st) override { return ::fstat(fd, st); }
    int fstatfs(int fd, struct statfs* st) override { return ::fstatfs(fd, st); }
    int fchownat(int d, const char* p, uid_t u, gid_t g, int f) override { return ::fchownat(d, p, u, g, f); }
    int unlinkat(int d, const char* p, int f) override { return ::unlinkat(d, p, f); }
    mode_t umask(mode_t m) override { return ::umask(m); }
    int fsopen(const char* t, unsigned f) override { return static_cast<int>(::syscall(SYS_fsopen, t, f)); }
    int fsconfig(int fd, unsigned c, const char* k, const void* v, int a) override {
        return static_cast<int>(::syscall(SYS_fsconfig, fd, c, k, v, a));
    }
    int fsmount(int fd, unsigned f, unsigned a) override {
        return static_cast<int>(::syscall(SYS_fsmount, fd, f, a));
    }
};

}  // namespace

Syscalls& real() {
    static RealSyscalls instance;
    return instance;
}

int open_no_magiclinks(Syscalls& s, const std::string& path, int flags) {
    const int f = flags | O_PATH | O_CLOEXEC;
    int fd = s.openat2(AT_FDCWD, path.c_str(), static_cast<uint64_t>(f), 0, RESOLVE_NO_MAGICLINKS);
    if (fd < 0 && errno == ENOSYS) fd = ::open(path.c_str(), f);
    return fd;
}

}  // namespace ocirt::sys

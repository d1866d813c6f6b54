// A Syscalls fake that records every call as a line ("mount(proc,/r/proc,proc,MS_NOSUID|MS_NODEV,)") and can
// be told to fail one. Calls that return fds hand out real fds (of /dev/null) so OwnedFd can close them, and
// remember the path each fd was opened for: a mount on "/proc/self/fd/N" is recorded with that path, so tests
// read the sequence as paths, whatever the fd numbers.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "sys/syscalls.hpp"

namespace ocirt::testing {

class RecordingSyscalls final : public sys::Syscalls {
public:
    // What the recorded calls were, in order.
    std::vector<std::string> calls;

    // The first call whose line starts with prefix fails with err (and is still recorded).
    void fail_on(std::string prefix, int err) { failures_.push_back({std::move(prefix), err}); }
    // Paths (as the fake names them, "/r/dev/null") that do not exist until created.
    std::set<std::string> missing;
    // fstat answers by path; anything not listed is a directory, and "<...>/dev/null" is char 1:3.
    std::map<std::string, struct stat> stats;
    // fstatfs says procfs for these paths, and 0 (no magic) for the others.
    std::set<std::string> on_procfs;
    void set_file(const std::string& path);
    void set_symlink(const std::string& path);
    void set_char(const std::string& path, unsigned major, unsigned minor);

    // The recorded lines that start with one of the given prefixes, e.g. {"mount", "move_mount"}.
    std::vector<std::string> only(const std::vector<std::string>& prefixes) const;
    // The path this fake associates with fd (or "fd:N").
    std::string label(int fd) const;

    int mount(const char* source, const char* target, const char* fstype, unsigned long flags,
              const void* data) override;
    int umount2(const char* target, int flags) override;
    int pivot_root(const char* new_root, const char* put_old) override;
    int chdir(const char* path) override;
    int fchdir(int fd) override;
    int chroot(const char* path) override;
    int mkdirat(int dirfd, const char* path, mode_t mode) override;
    int mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override;
    int symlinkat(const char* target, int dirfd, const char* linkpath) override;
    int setns(int fd, int nstype) override;
    int unshare(int flags) override;
    int sethostname(const std::string& name) override;
    int setdomainname(const std::string& name) override;
    int open_tree(int dirfd, const char* path, unsigned flags) override;
    int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
                   unsigned flags) override;
    int mount_setattr(int dirfd, const char* path, unsigned flags, struct mount_attr* attr, size_t size) override;
    int openat2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) override;
    int fstat(int fd, struct stat* st) override;
    int fstatfs(int fd, struct statfs* st) override;
    int fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override;
    int unlinkat(int dirfd, const char* path, int flags) override;
    mode_t umask(mode_t mask) override;
    int fsopen(const char* fstype, unsigned flags) override;
    int fsconfig(int fsfd, unsigned cmd, const char* key, const void* value, int aux) override;
    int fsmount(int fsfd, unsigned flags, unsigned attr_flags) override;

private:
    struct Failure {
        std::string prefix;
        int err;
    };
    // Records line; returns -1 with errno set if a failure matches, else ok.
    int record(std::string line, int ok = 0);
    int new_fd(const std::string& label, std::string line);
    std::string path_at(int dirfd, const char* path) const;
    std::string target_name(const char* target) const;

    std::vector<Failure> failures_;
    std::map<int, std::string> labels_;
    mode_t umask_ = 022;
};

}  // namespace ocirt::testing

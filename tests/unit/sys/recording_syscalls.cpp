#include "recording_syscalls.hpp"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/internal.hpp"

namespace ocirt::testing {
namespace {

std::string str(const char* s) { return s ? s : ""; }

std::string join(const std::string& dir, const std::string& rel) {
    if (rel.empty() || rel == ".") return dir;
    if (dir.empty() || dir == "/") return "/" + rel;
    return dir + "/" + rel;
}

}  // namespace

void RecordingSyscalls::set_file(const std::string& path) {
    struct stat st {};
    st.st_mode = S_IFREG | 0644;
    stats[path] = st;
}

void RecordingSyscalls::set_symlink(const std::string& path) {
    struct stat st {};
    st.st_mode = S_IFLNK | 0777;
    stats[path] = st;
}

void RecordingSyscalls::set_char(const std::string& path, unsigned major, unsigned minor) {
    struct stat st {};
    st.st_mode = S_IFCHR | 0666;
    st.st_rdev = makedev(major, minor);
    stats[path] = st;
}

std::vector<std::string> RecordingSyscalls::only(const std::vector<std::string>& prefixes) const {
    std::vector<std::string> out;
    for (const auto& c : calls)
        for (const auto& p : prefixes)
            if (c.rfind(p + "(", 0) == 0) {
                out.push_back(c);
                break;
            }
    return out;
}

std::string RecordingSyscalls::label(int fd) const {
    if (fd == AT_FDCWD) return "AT_FDCWD";
    auto it = labels_.find(fd);
    return it == labels_.end() ? "fd:" + std::to_string(fd) : it->second;
}

int RecordingSyscalls::record(std::string line, int ok) {
    calls.push_back(line);
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (line.rfind(it->prefix, 0) != 0) continue;
        errno = it->err;
        failures_.erase(it);
        return -1;
    }
    return ok;
}

int RecordingSyscalls::new_fd(const std::string& lbl, std::string line) {
    if (record(std::move(line)) < 0) return -1;
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    labels_[fd] = lbl;
    return fd;
}

std::string RecordingSyscalls::path_at(int dirfd, const char* path) const {
    std::string p = str(path);
    if (!p.empty() && p[0] == '/') return p;
    return join(dirfd == AT_FDCWD ? "" : label(dirfd), p);
}

std::string RecordingSyscalls::target_name(const char* target) const {
    std::string t = str(target);
    const std::string prefix = "/proc/self/fd/";
    if (t.rfind(prefix, 0) == 0) return label(std::stoi(t.substr(prefix.size())));
    return t;
}

int RecordingSyscalls::mount(const char* source, const char* target, const char* fstype, unsigned long flags,
                             const void* data) {
    return record("mount(" + str(source) + "," + target_name(target) + "," + str(fstype) + "," +
                  rootfs::detail::ms_names(flags) + "," + str(static_cast<const char*>(data)) + ")");
}
int RecordingSyscalls::umount2(const char* target, int flags) {
    return record("umount2(" + str(target) + "," + std::to_string(flags) + ")");
}
int RecordingSyscalls::pivot_root(const char* n, const char* o) {
    return record("pivot_root(" + str(n) + "," + str(o) + ")");
}
int RecordingSyscalls::chdir(const char* path) { return record("chdir(" + str(path) + ")"); }
int RecordingSyscalls::fchdir(int fd) { return record("fchdir(" + label(fd) + ")"); }
int RecordingSyscalls::chroot(const char* path) { return record("chroot(" + str(path) + ")"); }
int RecordingSyscalls::mkdirat(int dirfd, const char* path, mode_t mode) {
    std::string p = path_at(dirfd, path);
    int rc = record("mkdirat(" + p + "," + std::to_string(mode) + ")");
    if (rc == 0) missing.erase(p);
    return rc;
}
int RecordingSyscalls::mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) {
    std::string p = path_at(dirfd, path);
    char m[16];
    std::snprintf(m, sizeof m, "%o", mode);
    int rc = record("mknodat(" + p + "," + m + "," + std::to_string(major(dev)) + ":" +
                    std::to_string(minor(dev)) + ")");
    if (rc == 0) missing.erase(p);
    return rc;
}
int RecordingSyscalls::symlinkat(const char* target, int dirfd, const char* linkpath) {
    return record("symlinkat(" + str(target) + "," + path_at(dirfd, linkpath) + ")");
}
int RecordingSyscalls::setns(int fd, int nstype) {
    return record("setns(" + label(fd) + "," + std::to_string(nstype) + ")");
}
int RecordingSyscalls::unshare(int flags) { return record("unshare(" + std::to_string(flags) + ")"); }
int RecordingSyscalls::sethostname(const std::string& name) { return record("sethostname(" + name + ")"); }
int RecordingSyscalls::setdomainname(const std::string& name) { return record("setdomainname(" + name + ")"); }
int RecordingSyscalls::open_tree(int dirfd, const char* path, unsigned flags) {
    std::string p = path_at(dirfd, path);
    std::string rec = (flags & AT_RECURSIVE) ? ",AT_RECURSIVE" : "";
    return new_fd(p, "open_tree(" + p + rec + ")");
}
int RecordingSyscalls::move_mount(int from, const char* from_path, int to, const char* to_path, unsigned) {
    return record("move_mount(" + path_at(from, from_path) + "," + path_at(to, to_path) + ")");
}
int RecordingSyscalls::mount_setattr(int dirfd, const char* path, unsigned flags, struct mount_attr* a, size_t) {
    std::string line = "mount_setattr(" + path_at(dirfd, path) + ",set=" + rootfs::detail::attr_names(a->attr_set) +
                       ",clr=" + rootfs::detail::attr_names(a->attr_clr);
    if (a->propagation) line += ",prop=" + rootfs::detail::ms_names(a->propagation);
    if (flags & AT_RECURSIVE) line += ",AT_RECURSIVE";
    return record(line + ")");
}
int RecordingSyscalls::openat2(int dirfd, const char* path, uint64_t flags, uint64_t, uint64_t) {
    std::string p = path_at(dirfd, path);
    if (missing.count(p) && !(flags & O_CREAT)) {
        record("openat2(" + p + ")");
        errno = ENOENT;
        return -1;
    }
    int fd = new_fd(p, "openat2(" + p + ((flags & O_CREAT) ? ",O_CREAT" : "") + ")");
    if (fd >= 0) missing.erase(p);
    return fd;
}
int RecordingSyscalls::fstat(int fd, struct stat* st) {
    std::string p = label(fd);
    auto it = stats.find(p);
    if (it != stats.end()) {
        *st = it->second;
    } else if (p.size() >= 9 && p.compare(p.size() - 9, 9, "/dev/null") == 0) {
        *st = {};
        st->st_mode = S_IFCHR | 0666;
        st->st_rdev = makedev(1, 3);
    } else {
        *st = {};
        st->st_mode = S_IFDIR | 0755;
    }
    return 0;
}
int RecordingSyscalls::fstatfs(int fd, struct statfs* st) {
    *st = {};
    if (on_procfs.count(label(fd))) st->f_type = PROC_SUPER_MAGIC;
    return 0;
}
int RecordingSyscalls::fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int) {
    return record("fchownat(" + path_at(dirfd, path) + "," + std::to_string(uid) + ":" + std::to_string(gid) + ")");
}
int RecordingSyscalls::unlinkat(int dirfd, const char* path, int) {
    return record("unlinkat(" + path_at(dirfd, path) + ")");
}
mode_t RecordingSyscalls::umask(mode_t mask) {
    record("umask(" + std::to_string(mask) + ")");
    return std::exchange(umask_, mask);
}
int RecordingSyscalls::fsopen(const char* fstype, unsigned) { return new_fd("fs:" + str(fstype), "fsopen(" + str(fstype) + ")"); }
int RecordingSyscalls::fsconfig(int fsfd, unsigned cmd, const char* key, const void*, int) {
    return record("fsconfig(" + label(fsfd) + "," + std::to_string(cmd) + "," + str(key) + ")");
}
int RecordingSyscalls::fsmount(int fsfd, unsigned, unsigned attr_flags) {
    return new_fd("mnt:" + label(fsfd), "fsmount(" + label(fsfd) + "," + rootfs::detail::attr_names(attr_flags) + ")");
}

}  // namespace ocirt::testing

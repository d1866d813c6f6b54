#include "sys/procfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "base/error.hpp"
#include "base/log.hpp"

namespace ocirt::sys::procfs {
namespace {

bool is_procfs(int fd) {
    struct statfs st {};
    return fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

OwnedFd checked_procfs(OwnedFd fd) {
    if (fd.valid() && !is_procfs(fd.get())) return OwnedFd();
    return fd;
}

OwnedFd fresh_instance() {
    OwnedFd ctx(fsopen("proc", FSOPEN_CLOEXEC));
    if (!ctx.valid()) return OwnedFd();
    if (fsconfig(ctx.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) return OwnedFd();
    return OwnedFd(fsmount(ctx.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
}

}  // namespace

OwnedFd new_handle() {
    if (OwnedFd fd = checked_procfs(fresh_instance()); fd.valid()) return fd;
    log::debug("procfs: no private procfs instance, cloning the /proc mount");
    if (OwnedFd fd = checked_procfs(OwnedFd(open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
        fd.valid())
        return fd;
    log::debug("procfs: cannot clone the /proc mount, using /proc as it is");
    OwnedFd fd(open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) throw Error(errno, "open", "/proc");
    if (!is_procfs(fd.get())) throw Error("/proc is not a procfs: refusing to write through it");
    return fd;
}

namespace {

// "self" and "thread-self" are symlinks inside procfs ("1234", "1234/task/1234"): read them, do not follow.
std::string read_link(const char* name) {
    char buf[PATH_MAX];
    ssize_t n = readlinkat(handle().get(), name, buf, sizeof(buf) - 1);
    if (n < 0) throw Error(errno, "readlink", std::string("/proc/") + name);
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

// openat2 refuses symlinks, magic links and mount crossings; before Linux 5.6 (ENOSYS) O_NOFOLLOW on the last
// component plus the procfs check is the best available.
OwnedFd open_beneath(BorrowedFd dir, std::string_view rel_view, int flags) {
    const std::string rel(rel_view);
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    long fd = syscall(SYS_openat2, dir.get(), rel.c_str(), &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS) fd = openat(dir.get(), rel.c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw Error(errno, "open", "/proc/" + rel);
    OwnedFd out(static_cast<int>(fd));
    if (!is_procfs(out.get())) throw Error("/proc/" + rel + " is not on procfs: refusing to use it");
    return out;
}

namespace {
OwnedFd& instance() {
    static OwnedFd fd = new_handle();
    return fd;
}
}  // namespace

BorrowedFd handle() { return instance().borrow(); }

void close_handle() { instance().reset(); }

OwnedFd open_root(std::string_view rel, int flags) { return open_beneath(handle(), rel, flags); }

OwnedFd open_pid(pid_t pid, std::string_view rel, int flags) {
    return open_beneath(handle(), std::to_string(pid) + "/" + std::string(rel), flags);
}

OwnedFd open_self(std::string_view rel, int flags) {
    return open_beneath(handle(), read_link("self") + "/" + std::string(rel), flags);
}

OwnedFd open_thread_self(std::string_view rel, int flags) {
    return open_beneath(handle(), read_link("thread-self") + "/" + std::string(rel), flags);
}

void write_all(BorrowedFd fd, std::string_view data, std::string_view what) {
    ssize_t n = write(fd.get(), data.data(), data.size());
    if (n < 0) throw Error(errno, "write", what);
    if (static_cast<size_t>(n) != data.size()) throw Error("short write to " + std::string(what));
}

}  // namespace ocirt::sys::procfs

// Device nodes and /dev symlinks in the container's fresh /dev tmpfs.
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>

#include "base/error.hpp"
#include "rootfs/internal.hpp"
#include "sys/procfs.hpp"

namespace ocirt::rootfs::detail {
namespace {

struct Split {
    std::string_view parent;
    std::string name;
};

Split split(std::string_view rel) {
    size_t slash = rel.rfind('/');
    if (slash == std::string_view::npos) return {{}, std::string(rel)};
    return {rel.substr(0, slash), std::string(rel.substr(slash + 1))};
}

std::string device_desc(const DeviceOp& d) {
    return d.what + " /" + d.path + " (" + std::to_string(major(d.dev)) + ":" + std::to_string(minor(d.dev)) + ")";
}

// An entry that already exists is accepted only if it is the very device asked for.
void check_existing(sys::Syscalls& s, BorrowedFd parent, const DeviceOp& d, const std::string& name) {
    int fd = s.openat2(parent.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    if (fd < 0) throw Error(errno, "open existing device", device_desc(d));
    OwnedFd owned(fd);
    FileKind k = kind_of(s, owned.borrow(), device_desc(d));
    if (k.type != (d.mode & S_IFMT) || k.rdev != d.dev)
        throw Error(device_desc(d) + ": the path exists and is not that device");
}

uid_t overflow_uid() {
    char buf[16] = {};
    OwnedFd fd = sys::procfs::open_root("sys/kernel/overflowuid", O_RDONLY);
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    return n > 0 ? static_cast<uid_t>(std::strtoul(buf, nullptr, 10)) : 65534;
}

// In a user namespace mknod is not allowed: bind the host's node, checked to be the configured device so a
// config cannot pass off another host device (a disk) under a harmless name.
void bind_device(sys::Syscalls& s, BorrowedFd root, const DeviceOp& d) {
    std::string what = device_desc(d) + " from " + d.host_path;
    int fd = s.open_tree(AT_FDCWD, d.host_path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0) throw Error(errno, "open_tree", what);
    OwnedFd tree(fd);
    FileKind k = kind_of(s, tree.borrow(), what);
    if (k.type != (d.mode & S_IFMT) || k.rdev != d.dev)
        throw Error(what + ": the host node is a different device (" + std::to_string(major(k.rdev)) + ":" +
                    std::to_string(minor(k.rdev)) + ")");
    // A block device whose owner the user namespace does not map is the host's (a disk, root:disk): the
    // container could not open it anyway, and handing it over is a mistake or an attempt, so it is refused.
    if (k.type == S_IFBLK && k.uid == overflow_uid())
        throw Error(what + ": a host block device owned by a uid the user namespace does not map (a host disk) "
                           "cannot be given to the container");
    OwnedFd target = ensure_in_root(s, root, d.path, false);
    move_onto(s, tree.borrow(), target.borrow(), what);
}

void make_device(sys::Syscalls& s, BorrowedFd root, const DeviceOp& d) {
    Split sp = split(d.path);
    OwnedFd parent = ensure_in_root(s, root, sp.parent, true);
    if (s.mknodat(parent.get(), sp.name.c_str(), d.mode, d.dev) < 0) {
        if (errno != EEXIST) throw Error(errno, "mknod", device_desc(d));
        check_existing(s, parent.borrow(), d, sp.name);
    }
    if ((d.uid != 0 || d.gid != 0) &&
        s.fchownat(parent.get(), sp.name.c_str(), d.uid, d.gid, AT_SYMLINK_NOFOLLOW) < 0)
        throw Error(errno, "chown", device_desc(d) + " to " + std::to_string(d.uid) + ":" + std::to_string(d.gid));
}

}  // namespace

void create_devices(sys::Syscalls& s, BorrowedFd root, const Plan& p) {
    // fileMode is the mode asked for, not filtered by ours.
    mode_t old = s.umask(0);
    try {
        for (const auto& d : p.devices) d.bind ? bind_device(s, root, d) : make_device(s, root, d);
    } catch (...) {
        s.umask(old);
        throw;
    }
    s.umask(old);
    for (const auto& l : p.symlinks) {
        Split sp = split(l.path);
        OwnedFd parent = ensure_in_root(s, root, sp.parent, true);
        if (s.symlinkat(l.target.c_str(), parent.get(), sp.name.c_str()) == 0) continue;
        // Whatever the image put there (a link to /etc/shadow posing as /dev/ptmx, say) gives way to ours; a
        // directory does not, and is an error.
        if (errno != EEXIST || s.unlinkat(parent.get(), sp.name.c_str(), 0) < 0 ||
            s.symlinkat(l.target.c_str(), parent.get(), sp.name.c_str()) < 0)
            throw Error(errno, "symlink", "/" + l.path + " -> " + l.target);
    }
}

}  // namespace ocirt::rootfs::detail

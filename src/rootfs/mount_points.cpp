// Mount points for a restore (rootfs.hpp): criu mounts onto the paths recorded at dump and fails on a
// destination the rootfs lacks, which a fresh rootfs (a container re-created from exported images) does.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "base/error.hpp"
#include "rootfs/internal.hpp"
#include "rootfs/plan.hpp"
#include "rootfs/rootfs.hpp"

namespace ocirt::rootfs {
namespace {

// Whether dest lies strictly below one of the tmpfs destinations.
bool under_tmpfs(const std::string& dest, const Plan& p) {
    for (const auto& m : p.mounts) {
        if (m.kind != MountKind::fresh || m.type != "tmpfs" || m.destination == dest) continue;
        if (m.destination.empty() || dest.rfind(m.destination + "/", 0) == 0) return true;
    }
    return false;
}

bool source_is_dir(sys::Syscalls& s, const MountOp& op) {
    int fd = s.openat2(AT_FDCWD, op.source.c_str(), O_PATH | O_CLOEXEC, 0, 0);
    if (fd < 0) throw Error(errno, "open", op.source).context(op.what + ": source");
    OwnedFd src(fd);
    return detail::kind_of(s, src.borrow(), op.source).type == S_IFDIR;
}

}  // namespace

void create_mount_points(sys::Syscalls& s, const Plan& p) {
    int fd = s.openat2(AT_FDCWD, p.root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
    if (fd < 0) throw Error(errno, "open", p.root).context("rootfs");
    OwnedFd root(fd);
    for (const auto& op : p.mounts) {
        // criu restores a tmpfs with its content, the mount points in it included.
        if (op.destination.empty() || under_tmpfs(op.destination, p)) continue;
        bool dir = op.kind != MountKind::bind || source_is_dir(s, op);
        try {
            detail::ensure_in_root(s, root.borrow(), op.destination, dir);
        } catch (Error& e) {
            throw e.context(op.what);
        }
    }
}

}  // namespace ocirt::rootfs

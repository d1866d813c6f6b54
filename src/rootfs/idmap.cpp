// User namespaces that carry an idmapped mount's mappings (MOUNT_ATTR_IDMAP takes a userns fd). Made in the
// parent, which can write any mapping; the child only passes the fd to mount_setattr.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "base/error.hpp"
#include "sys/procfs.hpp"
#include "rootfs/plan.hpp"
#include "rootfs/rootfs.hpp"

namespace ocirt::rootfs {
namespace {

std::string map_text(const std::vector<spec::IdMapping>& maps) {
    std::string out;
    for (const auto& m : maps)
        out += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " + std::to_string(m.size) + "\n";
    return out;
}

// A helper process unshares a user namespace and waits (on a pipe) while its maps are written and its
// namespace is opened; closing the pipe lets it exit.
OwnedFd make_userns(const MountOp& op) {
    int ready[2], hold[2];
    check(::pipe2(ready, O_CLOEXEC), "pipe2", "idmap helper");
    OwnedFd ready_r(ready[0]), ready_w(ready[1]);
    check(::pipe2(hold, O_CLOEXEC), "pipe2", "idmap helper");
    OwnedFd hold_r(hold[0]), hold_w(hold[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(errno, "fork", "idmap helper");
    if (pid == 0) {
        char c = 'x';
        if (::unshare(CLONE_NEWUSER) < 0 || ::write(ready_w.get(), &c, 1) != 1) _exit(1);
        hold_w.reset();
        (void)!::read(hold_r.get(), &c, 1);  // returns at EOF, when the parent is done
        _exit(0);
    }
    ready_w.reset();
    hold_r.reset();
    auto reap = [&] {
        hold_w.reset();
        int status;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    };
    try {
        char c;
        if (::read(ready_r.get(), &c, 1) != 1) throw Error(EINVAL, "unshare(CLONE_NEWUSER)", "idmap helper");
        std::string proc = "/proc/" + std::to_string(pid);
        for (auto [file, maps] : {std::pair{"uid_map", &op.uidMappings}, std::pair{"gid_map", &op.gidMappings}}) {
            OwnedFd fd = sys::procfs::open_pid(pid, file, O_WRONLY);
            sys::procfs::write_all(fd.borrow(), map_text(*maps), proc + "/" + file);
        }
        OwnedFd ns(static_cast<int>(check(::open((proc + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC), "open",
                                          proc + "/ns/user")));
        reap();
        return ns;
    } catch (Error& e) {
        reap();
        throw e.context(op.what + ": idmap");
    }
}

}  // namespace

std::vector<OwnedFd> open_idmap_namespaces(Plan& p) {
    std::vector<OwnedFd> fds;
    for (auto& op : p.mounts) {
        if (!op.idmap) continue;
        fds.push_back(make_userns(op));
        op.userns_fd = fds.back().get();
    }
    return fds;
}

}  // namespace ocirt::rootfs

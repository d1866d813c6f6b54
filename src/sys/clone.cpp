#include "sys/clone.hpp"

#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "base/error.hpp"

namespace ocirt::sys {

CloneResult clone_process(unsigned long flags, int cgroup_fd) {
    int pidfd = -1;
    clone_args args{};
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
    // With CLONE_PARENT the kernel takes the caller's own exit signal (SIGCHLD here) and refuses another.
    args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    long rc = ::syscall(SYS_clone3, &args, sizeof args);
    if (rc < 0) throw Error(errno, "clone3");
    CloneResult r;
    r.pid = static_cast<pid_t>(rc);
    if (rc > 0) r.pidfd.reset(pidfd);
    return r;
}

}  // namespace ocirt::sys

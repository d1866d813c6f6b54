// clone3 with fork semantics (no new stack): the child continues from the call with a copy of the parent's
// memory. Used once per container process, so the parent never needs a helper process or re-exec.
#pragma once

#include <sys/types.h>

#include "base/fd.hpp"

namespace ocirt::sys {

struct CloneResult {
    pid_t pid = -1;  // 0 in the child
    OwnedFd pidfd;   // parent only: a pidfd for race-free signalling and waiting
};

// flags: CLONE_NEW* namespace flags. cgroup_fd >= 0 places the child in that cgroup v2 directory
// atomically (CLONE_INTO_CGROUP). Error on failure.
CloneResult clone_process(unsigned long flags, int cgroup_fd = -1);

}  // namespace ocirt::sys

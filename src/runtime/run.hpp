// `run`: create + start in one process that then stays the container's parent: it forwards signals, relays
// the terminal when there is no --console-socket, returns the container's exit status and deletes it.
#pragma once

#include "runtime/create.hpp"

namespace ocirt::runtime {

// Returns the exit status to report (128+N for a process killed by signal N), or 0 with detach.
int run(const CreateOptions& o, bool detach);

// Shared with exec: waits for the process behind pidfd, forwarding every catchable signal we receive and
// relaying `console` (a pty master) to our stdin/stdout when valid. Returns the exit status as above.
int supervise(pid_t pid, BorrowedFd pidfd, BorrowedFd console);

}  // namespace ocirt::runtime

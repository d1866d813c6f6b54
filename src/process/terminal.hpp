// process.terminal: a pty allocated inside the container's devpts, its master handed to the caller's
// --console-socket (SCM_RIGHTS, as runc does), its slave made the controlling terminal and stdio.
#pragma once

#include <optional>
#include <string>

#include "base/fd.hpp"
#include "spec/config.hpp"

namespace ocirt::process {

// Parent side: connects to the --console-socket path (Error names the path).
OwnedFd connect_console_socket(const std::string& path);

// Child side, after pivot_root: opens /dev/ptmx, applies consoleSize, sends the master over console_socket
// (or returns it when console_socket is invalid so a caller can relay it), and returns the slave.
struct Pty {
    OwnedFd master;  // open_pty leaves it only when no console socket was given
    OwnedFd slave;
};
Pty open_pty(BorrowedFd console_socket, const std::optional<spec::ConsoleSize>& size);
// A new pty from the ptmx at that path (a devpts instance's), unlocked: both ends, nothing sent.
Pty make_pty(const std::string& ptmx);

// Child side, last steps: a new session, and when there is a terminal, the slave as controlling terminal and
// as fds 0, 1 and 2. The session is made without a terminal too, as runc does: CRIU refuses to checkpoint a
// process whose session leader is outside the container (unless told --shell-job).
void enter_new_session(BorrowedFd slave);

// Sends fd over a unix socket with SCM_RIGHTS, with a one-byte payload (what conmon and containerd expect).
void send_fd(BorrowedFd sock, BorrowedFd fd, const std::string& payload);

}  // namespace ocirt::process

// How `start` releases a created container and learns that it really started. The container's init listens
// on <state>/exec.sock (SOCK_SEQPACKET). `start` connects and sends one message; init runs the
// startContainer hooks and either answers with an error or execs, which closes the CLOEXEC connection: EOF
// therefore means the user's process is running, as poststart hooks require.
#pragma once

#include "base/fd.hpp"
#include "state/store.hpp"

namespace ocirt::runtime {

// Parent, during create: the listening socket the child inherits.
OwnedFd listen_start_socket(const state::StateDir& dir);
// Child: waits for `start` and returns the connection (kept open until execve).
OwnedFd wait_for_start(BorrowedFd listener);
// start/run: releases the container; Error with the container's message if it failed to start.
void request_start(const state::StateDir& dir);

}  // namespace ocirt::runtime

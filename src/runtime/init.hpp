// The container's first process, from clone3 to execve (child side of runtime/create.cpp).
#pragma once

#include <vector>

#include "base/fd.hpp"
#include "cgroups/manager.hpp"
#include "ipc/channel.hpp"
#include "runtime/prepared.hpp"

namespace ocirt::runtime {

struct InitArgs {
    const Prepared* prepared = nullptr;
    const ipc::Channel* channel = nullptr;    // the child's end
    const std::vector<OwnedFd>* join_fds = nullptr;  // namespaces::open_joins(prepared->ns.child_joins)
    cgroups::Entry* cgroup_entry = nullptr;  // the v1 tasks files we move ourselves through, first thing
    int start_listener = -1;   // runtime/start_socket.hpp: `start` connects here to release us
    int console_socket = -1;   // --console-socket, connected; -1 to relay the pty master to the parent
    bool no_pivot = false;
    bool new_keyring = true;
    std::string id;
    int preserve_fds = 0;      // fds 3 .. 3+n-1 are passed to the container process
};

// Never returns: execs the container process, or reports the error to the parent and exits.
[[noreturn]] void init_main(const InitArgs& a);

// Shared with exec: the environment with HOME filled in and LISTEN_FDS/LISTEN_PID when fds are passed.
std::vector<std::string> final_env(const spec::Process& p, int listen_fds);

}  // namespace ocirt::runtime

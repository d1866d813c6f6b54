// The parent side of container creation (runtime.md "create"): state directory, cgroup, clone3, the
// protocol with the child (ipc/channel.hpp), hooks, state.json. Used by `create` and `run`.
#pragma once

#include <memory>
#include <string>

#include "base/fd.hpp"
#include "cgroups/manager.hpp"
#include "runtime/prepared.hpp"
#include "state/store.hpp"
#include "sys/clone.hpp"

namespace ocirt::runtime {

struct CreateOptions {
    std::string root;
    std::string id;
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;
    bool no_pivot = false;
    bool no_new_keyring = false;
    bool systemd_cgroup = false;
    int preserve_fds = 0;
};

// A container in the "created" state, with what `run` needs to start it and wait for it.
struct Created {
    state::StateDir dir;
    state::State st;
    Prepared prepared;
    std::unique_ptr<cgroups::Manager> cgroup;
    OwnedFd pidfd;
    OwnedFd console;  // pty master when process.terminal and no --console-socket
    bool hooks_started = false;  // a failure from here on runs the poststop hooks (runtime.md step 12)
};

// On failure nothing is left behind: the child is killed, the cgroup and the state directory removed.
Created create_container(const CreateOptions& o);

// The undoing of a half-made container, shared with restore; errors are logged, never thrown over the one
// that caused the undo. kill_and_reap: SIGKILL through the pidfd (if valid), then reap pid.
void kill_and_reap(const OwnedFd& pidfd, pid_t pid);
// Destroys the cgroup (killing what is left in it) and removes the state directory.
void remove_quietly(cgroups::Manager* cgroup, state::StateDir& dir);

// clone3 into e.clone_into where the kernel allows it (e.cloned tells), else a plain clone3; shared with exec.
sys::CloneResult clone_placed(unsigned long flags, cgroups::Entry& e);

// Writes pid to path atomically (a temp file and rename), as runc does for --pid-file.
void write_pid_file(const std::string& path, pid_t pid);

}  // namespace ocirt::runtime

// `exec`: a new process in a running container. It joins every namespace of the container's init (one
// setns on a pidfd), its cgroup, and gets the container's seccomp profile unless --process says otherwise.
#pragma once

#include <string>
#include <vector>

namespace ocirt::runtime {

struct ExecOptions {
    std::string root;
    std::string id;
    std::string process_file;  // --process: a process.json; otherwise built from the config and the flags
    std::vector<std::string> args;
    std::string console_socket, pid_file, cwd, user, apparmor, process_label;
    std::vector<std::string> env, caps, additional_gids;
    bool detach = false, tty = false, no_new_privs = false;
    int preserve_fds = 0;
};

// Returns the process's exit status (foreground) or 0 (--detach, once it has exec'd).
int exec(const ExecOptions& o);

}  // namespace ocirt::runtime

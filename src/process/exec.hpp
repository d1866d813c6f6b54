// The last step of every container process: find the executable, close every fd we do not pass on, execve.
#pragma once

#include <string>
#include <vector>

namespace ocirt::process {

// Resolves args[0] like execvp with the container's PATH (from env, else a default): Error
// `exec: "foo": executable file not found in $PATH` (the text Podman and containerd map to exit code 127).
// Called before `ready` so that create fails instead of the container dying after start.
std::string find_executable(const std::string& arg0, const std::vector<std::string>& env);

// Marks every fd >= first_closed close-on-exec (fds 0-2 and preserved ones stay), then execve. Only returns
// by throwing.
[[noreturn]] void exec(const std::string& path, const std::vector<std::string>& args,
                       const std::vector<std::string>& env, int first_closed);

}  // namespace ocirt::process

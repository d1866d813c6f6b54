// `ocirt checkpoint` and `ocirt restore` through CRIU (criu_args.hpp has the command lines, criu_process.hpp
// runs them).
#pragma once

#include <string>

#include "checkpoint/criu_args.hpp"

namespace ocirt::checkpoint {

// Dumps the running container id into o.image_path. Unless --leave-running or --pre-dump, criu kills its
// processes and the container is then destroyed as runc does (cgroup removed, poststop hooks run, state
// gone: `state` says it does not exist). On failure criu resumes the processes and the container is left as
// it was.
void checkpoint(const std::string& root, const std::string& id, const CheckpointOptions& o);

// Creates container id from o.bundle and the images in o.image_path: state directory, cgroup, criu restore,
// state.json with the restored init's pid, --pid-file. With o.detach returns 0 once it runs; otherwise waits
// for it like `run`, removes it, and returns its exit status. On failure nothing is left behind.
int restore(const std::string& root, const std::string& id, const RestoreOptions& o, bool systemd_cgroup);

}  // namespace ocirt::checkpoint

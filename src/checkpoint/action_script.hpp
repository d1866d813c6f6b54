// The config's prestart and createRuntime hooks during a restore. criu tells whoever drives it that the
// restored tasks' namespaces exist only through its RPC or an --action-script, which it execs with no
// arguments and CRTOOLS_SCRIPT_ACTION (and CRTOOLS_INIT_PID, the restored init's pid) in its environment. ocirt
// names itself as that script and passes the state directory in kStateDirEnv; main() then runs the hooks at
// "setup-namespaces" instead of the command line, and ignores every other action.
#pragma once

#include <string>

namespace ocirt::checkpoint {

inline constexpr const char* kStateDirEnv = "OCIRT_RESTORE_STATE_DIR";
// In the state directory while criu runs: the OCI state the hooks get (status "creating", pid left for the
// script to fill in), and the error of a hook that failed, which restore reports in place of criu's.
inline constexpr const char* kHookState = "criu-hook-state.json";
inline constexpr const char* kHookError = "criu-hook-error";

// Whether this process is criu's action script for an ocirt restore.
bool is_action_script();
// Runs the hooks for the current action; 0, or 1 with the error written to kHookError.
int run_action_script();

// The state JSON with its pid set.
std::string with_pid(const std::string& state_json, long pid);

}  // namespace ocirt::checkpoint

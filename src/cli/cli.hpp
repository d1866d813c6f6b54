// The runc-compatible command line. main.cpp builds one CLI11 app with the global flags; every subcommand
// lives in its own cli/<name>.cpp, parses its own flags there and calls into runtime/.
#pragma once

#include <string>

#include "cli/command.hpp"

namespace ocirt::cli {

struct GlobalOptions {
    std::string root;  // state directory root; default /run/ocirt, or $XDG_RUNTIME_DIR/ocirt when not root
    std::string log;
    std::string log_format = "text";
    bool debug = false;
    bool systemd_cgroup = false;
    std::string criu = "criu";  // the criu binary for checkpoint and restore (looked up on PATH)
};

// Each adds its subcommand; its callback reads the globals when it runs (after parsing).
void register_create(Registry& r, const GlobalOptions& g);
void register_start(Registry& r, const GlobalOptions& g);
void register_run(Registry& r, const GlobalOptions& g);
void register_state(Registry& r, const GlobalOptions& g);
void register_kill(Registry& r, const GlobalOptions& g);
void register_delete(Registry& r, const GlobalOptions& g);
void register_list(Registry& r, const GlobalOptions& g);
void register_exec(Registry& r, const GlobalOptions& g);
void register_spec(Registry& r, const GlobalOptions& g);
void register_validate(Registry& r, const GlobalOptions& g);
void register_features(Registry& r, const GlobalOptions& g);
void register_ps(Registry& r, const GlobalOptions& g);
void register_pause_resume(Registry& r, const GlobalOptions& g);
void register_events(Registry& r, const GlobalOptions& g);
void register_update(Registry& r, const GlobalOptions& g);
void register_checkpoint_restore(Registry& r, const GlobalOptions& g);

// Exit status that the subcommand callback asks main() to return (run and exec return the process's status).
extern int g_exit_status;

}  // namespace ocirt::cli

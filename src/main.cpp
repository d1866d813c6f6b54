// ocirt: an OCI runtime with runc's command line.
#include "checkpoint/action_script.hpp"
#include "cli/command.hpp"

int main(int argc, char** argv) {
    // criu runs ocirt as its action script during a restore whose config has hooks (action_script.hpp).
    if (ocirt::checkpoint::is_action_script()) return ocirt::checkpoint::run_action_script();
    return ocirt::cli::run_app(argc, argv);
}

// ocirt: an OCI runtime with runc's command line.
#include "cli/command.hpp"

int main(int argc, char** argv) { return ocirt::cli::run_app(argc, argv); }

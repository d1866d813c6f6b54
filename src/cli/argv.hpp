// Go's flag package (used by runc's CLI) accepts long flags with one dash, and containerd and conmon send
// some that way (-bundle, -no-subreaper). CLI11 wants two dashes, so known long names are rewritten.
#pragma once

#include <string>
#include <vector>

namespace ocirt::cli {

// Returns argv with "-name" / "-name=value" turned into "--name..." for long names CLI11 knows. Rewriting
// stops at "--" and after the first positional that follows the subcommand (runc takes no flags after the
// container id, and exec's command line must pass through untouched).
std::vector<std::string> normalize_argv(int argc, char** argv);

// The subcommand in normalized arguments (the first positional), or "" when there is none.
std::string subcommand(const std::vector<std::string>& args);

}  // namespace ocirt::cli

// OCI hooks (config.md "POSIX-platform Hooks"): each runs with the container state JSON on stdin, its
// timeout enforced with a pidfd. Where they run is the caller's business (see create.cpp and init.cpp).
#pragma once

#include <string>
#include <vector>

#include "spec/config.hpp"

namespace ocirt::runtime {

// Runs hooks in order; the first that fails (non-zero exit, signal, timeout, exec failure) is an Error
// naming the phase and the hook's path.
void run_hooks(const std::vector<spec::Hook>& hooks, const std::string& state_json, const char* phase);

// For poststart and poststop, whose failures the spec says to log and pass over.
void run_hooks_warn(const std::vector<spec::Hook>& hooks, const std::string& state_json, const char* phase);

}  // namespace ocirt::runtime

// `ocirt features` (features.md, features-linux.md): what this build of ocirt recognises and supports.
// Lists come from the code's own tables, and the seccomp architectures are probed by compiling a filter for
// each, so the document cannot claim what the code refuses (tests/unit/runtime/features_test.cpp checks).
#pragma once

#include <string>
#include <vector>

namespace ocirt::runtime {

std::string features_json();

// The seccomp vocabulary ocirt accepts, shared with the test that feeds each value back to the compiler.
const std::vector<std::string>& seccomp_actions();
const std::vector<std::string>& seccomp_operators();
const std::vector<std::string>& seccomp_flags();
// Architectures that compile into a filter on this host (libseccomp's list, minus foreign byte orders).
std::vector<std::string> seccomp_archs();

}  // namespace ocirt::runtime

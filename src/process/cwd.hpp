// process.cwd, entered last before execve (CVE-2024-21626): a working directory of /proc/self/fd/N would be
// whatever the runtime still holds open as fd N (a directory of the host), so the path is resolved without
// following magic links, and the result is checked to be inside the container's root.
#pragma once

#include <string>

namespace ocirt::process {

// create: make missing directories first (create and run do; exec does not).
void enter_cwd(const std::string& cwd, bool create);

}  // namespace ocirt::process

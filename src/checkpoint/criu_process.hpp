// Running the criu binary: one child process, its failure reported as one line taken from criu's log.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/fd.hpp"
#include "cgroups/manager.hpp"

namespace ocirt::checkpoint {

struct CriuRun {
    std::string binary;              // "criu" (looked up on PATH) or a path: the global --criu
    std::vector<std::string> args;   // after argv[0]
    std::string log;                 // the log criu writes (-o), quoted when it fails
    std::vector<BorrowedFd> pass;    // given to criu as fds 3, 4, ... (namespaces for --inherit-fd)
    // Restore: criu joins this cgroup before it starts, and gets --cgroup-root for it, so that the tasks it
    // restores land in the container's cgroup rather than in the ones recorded at dump.
    cgroups::Manager* cgroup = nullptr;
    // Added to criu's environment, and so to its action scripts'.
    std::vector<std::pair<std::string, std::string>> env;
};

// Runs criu with our stdio (a restore hands fds 0-2 to the restored init through --inherit-fd) and waits for
// it. Error "criu dump failed: <reason from the log> (log: PATH)" when it fails; Error naming the binary when
// it cannot be started.
void run_criu(const CriuRun& r);

}  // namespace ocirt::checkpoint

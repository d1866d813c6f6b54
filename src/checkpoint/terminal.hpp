// The terminal of a restored container (criu_args.hpp says why it is made this way): a devpts instance of
// restore's own, mounted in the state directory while criu runs, and a new pty in it whose slave criu gives
// the restored process.
#pragma once

#include <string>
#include <vector>

#include "base/fd.hpp"
#include "checkpoint/criu_args.hpp"
#include "process/terminal.hpp"
#include "spec/config.hpp"

namespace ocirt::checkpoint {

class RestoreTerminal {
public:
    // Mounts the instance on the new directory `at`, with the options of the config's /dev/pts mount (its
    // mode, ptmxmode and gid), and opens a pty in it. In a user namespace the config makes, the gid is the one
    // outside and the instance's root, ptmx and slave belong to the container's root, as after create.
    RestoreTerminal(std::string at, const spec::Config& c);
    // Detaches the instance from `at` and removes the directory; the container's bind keeps it alive.
    ~RestoreTerminal();
    RestoreTerminal(const RestoreTerminal&) = delete;
    RestoreTerminal& operator=(const RestoreTerminal&) = delete;

    BorrowedFd slave() const { return pty_.slave.borrow(); }
    // The instance and the slave, bound on the container's /dev/pts and /dev/console.
    std::vector<ExtMount> ext_mounts() const { return terminal_restore_mounts(at_, slave_path_); }
    OwnedFd take_master() { return std::move(pty_.master); }

private:
    std::string at_;
    process::Pty pty_;
    std::string slave_path_;
};

}  // namespace ocirt::checkpoint

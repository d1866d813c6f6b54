#include <memory>

#include "cli/cli.hpp"
#include "runtime/create.hpp"

namespace ocirt::cli {

// Flags shared by create and run.
void add_create_flags(Command& c, runtime::CreateOptions& o) {
    c.option("-b,--bundle", o.bundle, "path to the bundle directory (default: current directory)")
        .option("--pid-file", o.pid_file, "write the container process's pid to this file")
        .option("--console-socket", o.console_socket, "unix socket that receives the pty master")
        .option("--preserve-fds", o.preserve_fds, "pass this many fds above stdio (3, 4, ...) to the container")
        .flag("--no-pivot", o.no_pivot, "chroot instead of pivot_root (for ramdisk roots)")
        .flag("--no-new-keyring", o.no_new_keyring, "keep the caller's session keyring");
}

void register_create(Registry& r, const GlobalOptions& g) {
    auto o = std::make_shared<runtime::CreateOptions>();
    Command c = r.add("create", "create a container from a bundle; it waits for `start`");
    add_create_flags(c, *o);
    c.positional("id", o->id, "container id", true).run([o, &g] {
        o->root = g.root;
        o->systemd_cgroup = g.systemd_cgroup;
        runtime::create_container(*o);
    });
}

}  // namespace ocirt::cli

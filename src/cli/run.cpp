#include <memory>

#include "cli/cli.hpp"
#include "runtime/run.hpp"

namespace ocirt::cli {

void add_create_flags(Command& c, runtime::CreateOptions& o);

void register_run(Registry& r, const GlobalOptions& g) {
    struct Opts {
        runtime::CreateOptions create;
        bool detach = false;
        bool no_subreaper = false;
        bool keep = false;
    };
    auto o = std::make_shared<Opts>();
    Command c = r.add("run", "create and start a container, wait for it and return its exit status");
    add_create_flags(c, o->create);
    c.flag("-d,--detach", o->detach, "return once the container has started")
        .flag("--no-subreaper", o->no_subreaper, "accepted for runc compatibility")
        .flag("--keep", o->keep, "accepted for runc compatibility")
        .positional("id", o->create.id, "container id", true)
        .run([o, &g] {
            o->create.root = g.root;
            o->create.systemd_cgroup = g.systemd_cgroup;
            g_exit_status = runtime::run(o->create, o->detach);
        });
}

}  // namespace ocirt::cli

#include <memory>

#include "cli/cli.hpp"
#include "runtime/lifecycle.hpp"

namespace ocirt::cli {

void register_kill(Registry& r, const GlobalOptions& g) {
    struct Opts {
        std::string id, signal;
        bool all = false;
    };
    auto o = std::make_shared<Opts>();
    r.add("kill", "send a signal (default SIGTERM) to the container process")
        .flag("-a,--all", o->all, "signal every process in the container's cgroup")
        .positional("id", o->id, "container id", true)
        .positional("signal", o->signal, "signal name or number", false)
        .run([o, &g] { runtime::kill(g.root, o->id, runtime::parse_signal(o->signal), o->all); });
}

}  // namespace ocirt::cli

#include <memory>

#include "cli/cli.hpp"
#include "runtime/lifecycle.hpp"

namespace ocirt::cli {

void register_delete(Registry& r, const GlobalOptions& g) {
    struct Opts {
        std::string id;
        bool force = false;
    };
    auto o = std::make_shared<Opts>();
    r.add("delete", "delete a stopped container (or, with --force, any)")
        .flag("-f,--force", o->force, "kill the container first if it is still running")
        .positional("id", o->id, "container id", true)
        .run([o, &g] { runtime::remove(g.root, o->id, o->force); });
}

}  // namespace ocirt::cli

#include <memory>

#include "cli/cli.hpp"
#include "runtime/lifecycle.hpp"

namespace ocirt::cli {

void register_start(Registry& r, const GlobalOptions& g) {
    auto id = std::make_shared<std::string>();
    r.add("start", "start a created container")
        .positional("id", *id, "container id", true)
        .run([id, &g] { runtime::start(g.root, *id); });
}

}  // namespace ocirt::cli

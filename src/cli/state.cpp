#include <cstdio>
#include <memory>

#include "cli/cli.hpp"
#include "runtime/lifecycle.hpp"

namespace ocirt::cli {

void register_state(Registry& r, const GlobalOptions& g) {
    auto id = std::make_shared<std::string>();
    r.add("state", "print the state of a container as JSON")
        .positional("id", *id, "container id", true)
        .run([id, &g] { printf("%s\n", runtime::state_of(g.root, *id).c_str()); });
}

}  // namespace ocirt::cli

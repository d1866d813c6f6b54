#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_kill(Registry& r, const GlobalOptions&) {
    r.add("kill", "not implemented yet").run([] { throw Error("kill: not implemented yet"); });
}

}  // namespace ocirt::cli

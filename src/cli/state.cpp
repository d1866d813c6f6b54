#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_state(Registry& r, const GlobalOptions&) {
    r.add("state", "not implemented yet").run([] { throw Error("state: not implemented yet"); });
}

}  // namespace ocirt::cli

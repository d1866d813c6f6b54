#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_ps(Registry& r, const GlobalOptions&) {
    r.add("ps", "not implemented yet").run([] { throw Error("ps: not implemented yet"); });
}

}  // namespace ocirt::cli

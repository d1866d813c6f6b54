#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_update(Registry& r, const GlobalOptions&) {
    r.add("update", "not implemented yet").run([] { throw Error("update: not implemented yet"); });
}

}  // namespace ocirt::cli

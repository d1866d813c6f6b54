#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_run(Registry& r, const GlobalOptions&) {
    r.add("run", "not implemented yet").run([] { throw Error("run: not implemented yet"); });
}

}  // namespace ocirt::cli

#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_start(Registry& r, const GlobalOptions&) {
    r.add("start", "not implemented yet").run([] { throw Error("start: not implemented yet"); });
}

}  // namespace ocirt::cli

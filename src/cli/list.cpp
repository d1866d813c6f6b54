#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_list(Registry& r, const GlobalOptions&) {
    r.add("list", "not implemented yet").run([] { throw Error("list: not implemented yet"); });
}

}  // namespace ocirt::cli

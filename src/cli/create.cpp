#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_create(Registry& r, const GlobalOptions&) {
    r.add("create", "not implemented yet").run([] { throw Error("create: not implemented yet"); });
}

}  // namespace ocirt::cli

#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_validate(Registry& r, const GlobalOptions&) {
    r.add("validate", "not implemented yet").run([] { throw Error("validate: not implemented yet"); });
}

}  // namespace ocirt::cli

#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_spec(Registry& r, const GlobalOptions&) {
    r.add("spec", "not implemented yet").run([] { throw Error("spec: not implemented yet"); });
}

}  // namespace ocirt::cli

#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_features(Registry& r, const GlobalOptions&) {
    r.add("features", "not implemented yet").run([] { throw Error("features: not implemented yet"); });
}

}  // namespace ocirt::cli

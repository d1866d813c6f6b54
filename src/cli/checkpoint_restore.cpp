#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_checkpoint_restore(Registry& r, const GlobalOptions&) {
    r.add("checkpoint_restore", "not implemented yet").run([] { throw Error("checkpoint_restore: not implemented yet"); });
}

}  // namespace ocirt::cli

#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_delete(Registry& r, const GlobalOptions&) {
    r.add("delete", "not implemented yet").run([] { throw Error("delete: not implemented yet"); });
}

}  // namespace ocirt::cli

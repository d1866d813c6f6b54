#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_exec(Registry& r, const GlobalOptions&) {
    r.add("exec", "not implemented yet").run([] { throw Error("exec: not implemented yet"); });
}

}  // namespace ocirt::cli

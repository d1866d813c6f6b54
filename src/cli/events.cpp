#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_events(Registry& r, const GlobalOptions&) {
    r.add("events", "not implemented yet").run([] { throw Error("events: not implemented yet"); });
}

}  // namespace ocirt::cli

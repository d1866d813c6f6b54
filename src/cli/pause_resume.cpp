#include "base/error.hpp"
#include "cli/cli.hpp"

namespace ocirt::cli {

void register_pause_resume(Registry& r, const GlobalOptions&) {
    r.add("pause_resume", "not implemented yet").run([] { throw Error("pause_resume: not implemented yet"); });
}

}  // namespace ocirt::cli

// pause and resume: freeze and thaw every process of the container through its cgroup (freezer.state on v1,
// cgroup.freeze on v2).
#include <memory>

#include "cli/cli.hpp"
#include "cli/container_cgroup.hpp"

namespace ocirt::cli {

void register_pause_resume(Registry& r, const GlobalOptions& g) {
    auto pause_id = std::make_shared<std::string>();
    r.add("pause", "suspend every process in the container")
        .positional("id", *pause_id, "container id", true)
        .run([pause_id, &g] {
            auto c = open_container_cgroup(g.root, *pause_id, true);
            require_status(c, {state::Status::running, state::Status::created}, "pause");
            c.cg->freeze(true);
        });
    auto resume_id = std::make_shared<std::string>();
    r.add("resume", "resume every process of a paused container")
        .positional("id", *resume_id, "container id", true)
        .run([resume_id, &g] {
            auto c = open_container_cgroup(g.root, *resume_id, true);
            require_status(c, {state::Status::paused}, "resume");
            c.cg->freeze(false);
        });
}

}  // namespace ocirt::cli

// The pids controller (pids.max on both versions).
#include <string>

#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

void write_pids(const Dir& d, const spec::Pids& p) {
    if (!p.limit) return;
    // 0 is a real limit (no new task at all); any negative value means "max".
    d.write("pids.max", *p.limit < 0 ? "max" : std::to_string(*p.limit), "linux.resources.pids.limit");
}

}  // namespace

void v1::apply_pids(const Dir& d, const spec::Pids& p) { write_pids(d, p); }
void v2::apply_pids(const Dir& d, const spec::Pids& p) { write_pids(d, p); }

}  // namespace ocirt::cgroups

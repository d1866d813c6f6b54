// Choosing a driver: the systemd one when asked (--systemd-cgroup), else cgroupfs v2 on a unified host and
// cgroupfs v1 (with the v2 tree of a hybrid host) otherwise.
#include "cgroups/manager.hpp"

#include "base/error.hpp"
#include "cgroups/controllers.hpp"
#include "cgroups/drivers.hpp"
#include "cgroups/systemd.hpp"

namespace ocirt::cgroups {

spec::Resources resources_for(const spec::Linux& l) {
    spec::Resources r = l.resources.value_or(spec::Resources{});
    auto extra = rules_for_devices(l.devices);
    // With no device list at all nothing is restricted, and allow rules would only add noise.
    if (!r.devices.empty()) r.devices.insert(r.devices.end(), extra.begin(), extra.end());
    return r;
}

std::unique_ptr<Manager> make_manager(const Options& opts) {
    if (opts.systemd) return make_systemd_manager(opts);
    Layout l = detect_layout();
    DirMap dirs = container_dirs(l, own_cgroups(), opts.cgroups_path, opts.id);
    if (l.mode() == Mode::unified) return make_v2_manager(dirs.at(""), "", opts.rootless);
    return make_v1_manager(std::move(dirs), {}, opts.rootless);
}

std::unique_ptr<Manager> open_manager(const std::string& saved_path, bool systemd) {
    Saved s = decode_saved(saved_path);
    if (s.driver == "systemd") return open_systemd_manager(s);
    if (s.driver != "cgroupfs") throw Error("cgroup state names an unknown driver \"" + s.driver + "\"");
    // systemd is only a hint here: the saved driver decides, so a container outlives a flag change.
    (void)systemd;
    if (s.dirs.size() == 1 && s.dirs.count("")) return make_v2_manager(s.dirs.at(""), s.created[""], false);
    return make_v1_manager(std::move(s.dirs), std::move(s.created), false);
}

}  // namespace ocirt::cgroups

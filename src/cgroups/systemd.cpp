// The systemd driver wraps a cgroupfs manager: systemd creates the scope (and so the cgroup), the cgroupfs
// manager does everything else in the scope's directories.
#include "cgroups/systemd.hpp"

#include <utility>

#include "base/error.hpp"
#include "cgroups/systemd_bus.hpp"
#include "cgroups/systemd_properties.hpp"

namespace ocirt::cgroups {

namespace {

class SystemdManager final : public Manager {
public:
    SystemdManager(std::string slice, std::string unit, DirMap dirs, bool v2)
        : slice_(std::move(slice)), unit_(std::move(unit)), dirs_(std::move(dirs)), v2_(v2) {
        inner_ = v2_ ? make_v2_manager(dirs_.at(""), "", false) : make_v1_manager(dirs_, {}, false);
    }

    std::string saved_path() const override { return encode_saved({"systemd", dirs_, {}, unit_}); }

    // A scope needs its first pid: the unit is started in add_process. Here only check that it can be.
    void create() override { bus(); }

    // A running scope (exec) is entered like its cgroupfs directories; a new one only through systemd.
    Entry entry() const override { return started_ ? inner_->entry() : Entry{}; }

    void add_process(pid_t pid, const Entry& placed) override {
        if (!started_) {
            std::vector<systemd::Property> props = {
                {"Description", std::string("ocirt container ") + unit_},
                {"Delegate", true},
                {"DefaultDependencies", false},
                {"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(pid)}},
                {"MemoryAccounting", true},
                {"CPUAccounting", true},
                {"TasksAccounting", true},
            };
            if (!slice_.empty()) props.push_back({"Slice", slice_});
            if (pending_) {
                auto more = properties(*pending_);
                props.insert(props.end(), more.begin(), more.end());
            }
            bus().start_transient(unit_, props);
            started_ = true;
            // systemd made the scope's directory in the hierarchies it manages; the others need one too.
            inner_->create();
        }
        inner_->add_process(pid, placed);
        if (pending_) inner_->apply(*std::exchange(pending_, std::nullopt));
    }

    void apply(const spec::Resources& r) override {
        // Before the scope exists, the resources wait for add_process (and go into StartTransientUnit).
        if (!started_) {
            pending_ = r;
            return;
        }
        // The properties too, not only the files: a daemon-reload re-applies what the unit says.
        bus().set_properties(unit_, properties(r));
        inner_->apply(r);
    }

    void freeze(bool frozen) override { inner_->freeze(frozen); }
    bool is_frozen() const override { return inner_->is_frozen(); }
    std::vector<pid_t> pids() const override { return inner_->pids(); }
    void kill_all(int sig) override { inner_->kill_all(sig); }

    void destroy() override {
        inner_->destroy();
        // An emptied scope stops by itself; stopping it explicitly also clears a failed state.
        if (systemd::running()) bus().stop(unit_);
    }

    std::string stats_json() const override { return inner_->stats_json(); }
    uint64_t oom_kills() const override { return inner_->oom_kills(); }
    std::string host_path() const override { return inner_->host_path(); }

    // A reopened manager finds its scope already running.
    void mark_started() { started_ = true; }

private:
    std::vector<systemd::Property> properties(const spec::Resources& r) {
        if (!version_) version_ = systemd::parse_version(bus().version());
        std::string proc_devices = r.devices.empty() ? "" : read_file("/proc/devices");
        return systemd::resource_properties(r, v2_, version_, proc_devices);
    }

    systemd::Bus& bus() {
        if (!bus_) bus_ = std::make_unique<systemd::Bus>();
        return *bus_;
    }

    std::string slice_, unit_;
    DirMap dirs_;
    bool v2_;
    bool started_ = false;
    unsigned version_ = 0;  // the running systemd's, read on first use
    std::optional<spec::Resources> pending_;
    std::unique_ptr<Manager> inner_;
    std::unique_ptr<systemd::Bus> bus_;
};

std::string join(const std::string& a, const std::string& b) { return a == "/" ? "/" + b : a + "/" + b; }

}  // namespace

SystemdPath parse_systemd_path(std::string_view cgroups_path, std::string_view id) {
    std::string p(cgroups_path.empty() ? ":ocirt:" + std::string(id) : std::string(cgroups_path));
    auto c1 = p.find(':');
    auto c2 = c1 == std::string::npos ? c1 : p.find(':', c1 + 1);
    if (c2 == std::string::npos || p.find(':', c2 + 1) != std::string::npos)
        throw Error("linux.cgroupsPath: \"" + p + "\" is not \"slice:prefix:name\" (needed by --systemd-cgroup)");
    std::string slice = p.substr(0, c1), prefix = p.substr(c1 + 1, c2 - c1 - 1), name = p.substr(c2 + 1);
    if (name.empty()) throw Error("linux.cgroupsPath: \"" + p + "\" has an empty name");
    if (slice.empty()) slice = "system.slice";
    if (!slice.ends_with(".slice") || slice.find('/') != std::string::npos)
        throw Error("linux.cgroupsPath: \"" + slice + "\" is not a slice name");
    if (name.ends_with(".slice"))
        throw Error("linux.cgroupsPath: \"" + name + "\": a slice as the container's unit is not supported");
    std::string unit = prefix.empty() ? name : prefix + "-" + name;
    if (!unit.ends_with(".scope")) unit += ".scope";
    return {slice, unit};
}

std::string expand_slice(std::string_view slice) {
    if (slice == "-.slice") return "/";
    std::string base(slice.substr(0, slice.size() - 6));  // without ".slice"
    if (base.empty() || base.starts_with('-') || base.ends_with('-') || base.find("--") != std::string::npos)
        throw Error("linux.cgroupsPath: \"" + std::string(slice) + "\" is not a valid slice name");
    std::string out;
    for (size_t pos = 0;;) {
        size_t dash = base.find('-', pos);
        out += "/" + base.substr(0, dash) + ".slice";
        if (dash == std::string::npos) break;
        pos = dash + 1;
    }
    return out;
}

std::unique_ptr<Manager> make_systemd_manager(const Options& opts) {
    SystemdPath sp = parse_systemd_path(opts.cgroups_path, opts.id);
    if (!systemd::running())
        throw Error("--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); "
                    "drop --systemd-cgroup to use the cgroupfs driver");
    Layout l = detect_layout();
    std::string cg = join(expand_slice(sp.slice), sp.unit);
    DirMap dirs;
    for (const auto& h : l.v1) dirs[hierarchy_key(h)] = host_dir(h, cg);
    if (l.unified) dirs[""] = host_dir(*l.unified, cg);
    bool v2 = l.mode() == Mode::unified;
    if (v2) dirs = {{"", dirs.at("")}};
    return std::make_unique<SystemdManager>(sp.slice, sp.unit, std::move(dirs), v2);
}

std::unique_ptr<Manager> open_systemd_manager(const Saved& saved) {
    bool v2 = saved.dirs.size() == 1 && saved.dirs.count("");
    auto m = std::make_unique<SystemdManager>("", saved.unit, saved.dirs, v2);
    m->mark_started();
    return m;
}

}  // namespace ocirt::cgroups

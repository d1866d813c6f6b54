// The cgroupfs v2 driver: one directory in the unified tree, controllers enabled down to it through each
// ancestor's cgroup.subtree_control, devices through an eBPF filter.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cgroups/controllers.hpp"
#include "cgroups/device_filter.hpp"
#include "cgroups/drivers.hpp"
#include "cgroups/stats.hpp"

namespace ocirt::cgroups {

namespace {

std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    for (const auto& x : v)
        if (x == s) return true;
    return false;
}

// The cgroup2 mount point above dir: where enabling controllers starts.
std::string unified_root(const std::string& dir) {
    Layout l = detect_layout();
    if (l.unified && dir.starts_with(l.unified->mount_point + "/")) return l.unified->mount_point;
    throw Error("cgroup directory " + dir + " is not inside the cgroup v2 mount");
}

class V2Manager final : public Manager {
public:
    V2Manager(std::string dir, std::string created, bool rootless)
        : dir_(std::move(dir)), created_(std::move(created)), rootless_(rootless) {}

    // Complete only after create(): it records which parents create() made.
    std::string saved_path() const override {
        Saved s{"cgroupfs", {{"", dir_.path()}}, {}, ""};
        if (!created_.empty()) s.created[""] = created_;
        return encode_saved(s);
    }

    void create() override {
        try {
            enable_controllers();
        } catch (const Error& e) {
            if (!created_.empty()) remove_created(dir_.path(), created_);
            created_.clear();
            if (!rootless_ || (e.err() != EACCES && e.err() != EPERM && e.err() != EROFS)) throw;
            log::debug(std::string("rootless: no cgroup: ") + e.what());
            dir_ = Dir();
        }
    }

    void add_process(pid_t pid, const Entry& placed) override {
        if (!dir_.empty() && !placed.cloned) dir_.write("cgroup.procs", std::to_string(pid), "cgroup " + dir_.path());
    }

    Entry entry() const override {
        Entry e;
        if (!dir_.empty()) e.clone_into = open_clone_into(dir_.path());
        return e;
    }

    void apply(const spec::Resources& r) override;

    void freeze(bool frozen) override {
        dir_.write("cgroup.freeze", frozen ? "1" : "0", "cgroup.freeze");
        // The write starts freezing; cgroup.events says when every task has stopped.
        for (int i = 0; i < 2000; ++i) {
            if (events_frozen() == frozen) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        throw Error(dir_.path() + " did not become " + (frozen ? "frozen" : "thawed"));
    }

    bool is_frozen() const override {
        auto f = dir_.read_if_exists("cgroup.freeze");
        return f && *f == "1";
    }

    std::vector<pid_t> pids() const override { return dir_.procs(true); }

    void kill_all(int sig) override {
        if (sig == SIGKILL && dir_.has("cgroup.kill")) return dir_.write("cgroup.kill", "1", "cgroup.kill");
        // Frozen, nothing can fork between reading cgroup.procs and the signal.
        bool thaw = !is_frozen();
        if (thaw) freeze(true);
        try {
            signal_procs(dir_, sig);
        } catch (...) {
            if (thaw) freeze(false);
            throw;
        }
        if (thaw) freeze(false);
    }

    void destroy() override {
        if (dir_.empty() || ::access(dir_.path().c_str(), F_OK) != 0) return;
        if (dir_.has("cgroup.kill")) dir_.write("cgroup.kill", "1", "cgroup.kill");
        kill_until_empty(dir_, 10000);
        remove_created(dir_.path(), created_);
    }

    std::string stats_json() const override { return v2_stats_json(dir_); }
    uint64_t oom_kills() const override { return oom_kill_count(dir_, "memory.events"); }
    std::string host_path() const override { return dir_.path(); }

private:
    bool events_frozen() const {
        for (const auto& [k, v] : parse_flat_keyed(read_file(dir_.file("cgroup.events"))))
            if (k == "frozen") return v == "1";
        return false;
    }

    // Each ancestor (root down to the parent) must delegate the controllers it has to its children.
    // A controller one ancestor cannot enable (a busy cgroup with its own processes) is left off; apply()
    // reports it by field if a resource needs it.
    void enable_controllers() {
        std::string root = unified_root(dir_.path());
        std::string rel = dir_.path().substr(root.size());
        std::string cur = root;
        for (size_t pos = 1; pos <= rel.size(); ++pos) {
            if (pos != rel.size() && rel[pos] != '/') continue;
            Dir d(cur);
            auto enabled = words(d.read_if_exists("cgroup.subtree_control").value_or(""));
            for (const auto& c : words(d.read_if_exists("cgroup.controllers").value_or("")))
                if (!contains(enabled, c)) {
                    if (int err = d.try_write("cgroup.subtree_control", "+" + c))
                        log::debug("cannot enable " + c + " in " + d.path() + ": " + std::strerror(err));
                }
            std::string next = root + rel.substr(0, pos);
            if (!make_dirs(next).empty() && created_.empty()) created_ = next;
            cur = next;
        }
    }

    Dir need(std::string_view controller, const std::string& field) const {
        auto have = words(dir_.read_if_exists("cgroup.controllers").value_or(""));
        if (!contains(have, controller))
            throw Error(field + ": the " + std::string(controller) + " controller is not available in " +
                        dir_.path() + " (not in the parent's cgroup.subtree_control)");
        return dir_;
    }

    Dir dir_;
    std::string created_;
    bool rootless_;
};

void V2Manager::apply(const spec::Resources& r) {
    if (dir_.empty()) return;
    const std::string f = "linux.resources.";
    if (!r.devices.empty()) {
        auto rules = r.devices;
        auto defaults = default_device_rules();
        rules.insert(rules.end(), defaults.begin(), defaults.end());
        try {
            attach_device_filter(dir_.path(), build_device_filter(rules));
        } catch (Error& e) {
            throw e.context(f + "devices");
        }
    }
    if (r.memory) v2::apply_memory(need("memory", f + "memory"), *r.memory);
    if (r.cpu) {
        const auto& c = *r.cpu;
        bool cfs = c.shares || c.quota || c.period || c.burst || c.realtimeRuntime || c.realtimePeriod || c.idle;
        if (cfs) v2::apply_cpu(need("cpu", f + "cpu"), c);
        if ((c.cpus && !c.cpus->empty()) || (c.mems && !c.mems->empty()))
            v2::apply_cpuset(need("cpuset", f + "cpu.cpus"), c);
    }
    if (r.pids) v2::apply_pids(need("pids", f + "pids"), *r.pids);
    if (r.blockIO) v2::apply_io(need("io", f + "blockIO"), *r.blockIO);
    if (!r.hugepageLimits.empty()) v2::apply_hugetlb(need("hugetlb", f + "hugepageLimits"), r.hugepageLimits);
    if (r.network) v2::reject_network(*r.network);
    if (!r.rdma.empty()) v2::apply_rdma(need("rdma", f + "rdma"), r.rdma);
    // Last, so that the explicit key/values override what the typed fields wrote.
    v2::apply_unified(dir_, r.unified);
}

}  // namespace

std::unique_ptr<Manager> make_v2_manager(std::string dir, std::string created, bool rootless) {
    return std::make_unique<V2Manager>(std::move(dir), std::move(created), rootless);
}

}  // namespace ocirt::cgroups

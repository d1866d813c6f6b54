// The cgroupfs v1 driver: the container has one directory per mounted hierarchy (and one in the empty v2 tree
// of a hybrid host, which systemd-style tools and the cgroup namespace expect to see).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <thread>

#include "base/error.hpp"
#include "base/log.hpp"
#include "cgroups/controllers.hpp"
#include "cgroups/drivers.hpp"
#include "cgroups/stats.hpp"

namespace ocirt::cgroups {

namespace {

class V1Manager final : public Manager {
public:
    V1Manager(DirMap dirs, CreatedMap created, bool rootless)
        : dirs_(std::move(dirs)), created_(std::move(created)), rootless_(rootless) {}

    // Complete only after create(): it records which parents create() made.
    std::string saved_path() const override { return encode_saved({"cgroupfs", dirs_, created_, ""}); }

    void create() override {
        try {
            for (auto it = dirs_.begin(); it != dirs_.end();) it = create_one(it);
        } catch (...) {
            // Leave no half-made container behind.
            for (const auto& [key, top] : created_) remove_created(dirs_.at(key), top);
            created_.clear();
            throw;
        }
    }

    // The v1 hierarchies through their tasks files, the v2 tree of a hybrid host by CLONE_INTO_CGROUP.
    Entry entry() const override {
        Entry e;
        for (const auto& [key, dir] : dirs_) {
            if (key.empty()) {
                e.clone_into = open_clone_into(dir);
                continue;
            }
            std::string path = Dir(dir).file("tasks");
            OwnedFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
            if (!fd.valid()) throw Error(errno, "open", path).context("cgroup " + key);
            e.tasks.push_back({std::move(fd), std::move(path)});
        }
        return e;
    }

    void add_process(pid_t pid, const Entry& placed) override {
        for (const auto& [key, dir] : dirs_) {
            if (key.empty() ? placed.cloned : !placed.tasks.empty()) continue;
            Dir(dir).write("cgroup.procs", std::to_string(pid), "cgroup " + key);
        }
    }

    void apply(const spec::Resources& r) override;

    void freeze(bool frozen) override {
        Dir d = need("freezer", "freezer");
        d.write("freezer.state", frozen ? "FROZEN" : "THAWED", "freezer.state");
        // FREEZING is transient: wait until every task has stopped (or thawed).
        for (int i = 0; i < 1000; ++i) {
            std::string s = d.read("freezer.state");
            if (s == (frozen ? "FROZEN" : "THAWED")) return;
            if (frozen && i % 10 == 9) d.write("freezer.state", "FROZEN", "freezer.state");
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        throw Error("freezer.state of " + d.path() + " did not become " + (frozen ? "FROZEN" : "THAWED"));
    }

    bool is_frozen() const override {
        auto it = find("freezer");
        if (!it) return false;
        auto s = Dir(*it).read_if_exists("freezer.state");
        return s && *s != "THAWED";
    }

    std::vector<pid_t> pids() const override { return Dir(host_path()).procs(true); }

    void kill_all(int sig) override {
        // Frozen, nothing can fork between reading cgroup.procs and the signal.
        bool freezer = find("freezer").has_value() && !is_frozen();
        if (freezer) freeze(true);
        try {
            signal_procs(Dir(host_path()), sig);
        } catch (...) {
            if (freezer) freeze(false);
            throw;
        }
        if (freezer) freeze(false);
    }

    void destroy() override {
        if (dirs_.empty()) return;
        Dir main(host_path());
        if (::access(main.path().c_str(), F_OK) == 0) {
            // SIGKILL does not reach a frozen task until it thaws.
            if (is_frozen()) freeze(false);
            kill_until_empty(main, 10000);
        }
        for (const auto& [key, dir] : dirs_) {
            auto top = created_.find(key);
            remove_created(dir, top == created_.end() ? std::string() : top->second);
        }
    }

    std::string stats_json() const override { return v1_stats_json(dirs_); }

    uint64_t oom_kills() const override {
        auto d = find("memory");
        return d ? oom_kill_count(Dir(*d), "memory.oom_control") : 0;
    }

    std::string host_path() const override {
        for (const char* c : {"memory", "pids", "devices", "cpu", "freezer"})
            if (auto d = find(c)) return *d;
        return dirs_.empty() ? std::string() : dirs_.begin()->second;
    }

private:
    DirMap::iterator create_one(DirMap::iterator it) {
        try {
            auto made = make_dirs(it->second);
            if (!made.empty()) created_[it->first] = made.front();
            // Every new v1 cpuset level starts empty, outermost first.
            if (has_controller(it->first, "cpuset"))
                for (const auto& d : made) v1::init_cpuset(Dir(d), mount_of(d));
            return std::next(it);
        } catch (const Error& e) {
            // Without write access (rootless) the container runs in the caller's cgroups.
            if (!rootless_ || (e.err() != EACCES && e.err() != EPERM && e.err() != EROFS)) throw;
            log::debug(std::string("rootless: no cgroup here: ") + e.what());
            return dirs_.erase(it);
        }
    }

    static bool has_controller(const std::string& key, std::string_view c) {
        size_t start = 0;
        for (;;) {
            size_t p = key.find(',', start);
            if (std::string_view(key).substr(start, p - start) == c) return true;
            if (p == std::string::npos) return false;
            start = p + 1;
        }
    }

    std::optional<std::string> find(std::string_view controller) const {
        for (const auto& [key, dir] : dirs_)
            if (has_controller(key, controller)) return dir;
        return std::nullopt;
    }

    Dir need(std::string_view controller, std::string_view field) const {
        auto d = find(controller);
        if (!d)
            throw Error(std::string(field) + ": the " + std::string(controller) +
                        " cgroup controller is not mounted on this host");
        return Dir(*d);
    }

    // The hierarchy's mount point: the directory above which init_cpuset must not look.
    static std::string mount_of(const std::string& dir) {
        Layout l = detect_layout();
        for (const auto& h : l.v1)
            if (dir.starts_with(h.mount_point + "/")) return h.mount_point;
        return "/";
    }

    DirMap dirs_;
    CreatedMap created_;
    bool rootless_;
};

void V1Manager::apply(const spec::Resources& r) {
    const std::string f = "linux.resources.";
    if (!r.devices.empty()) {
        auto rules = r.devices;
        auto defaults = default_device_rules();
        rules.insert(rules.end(), defaults.begin(), defaults.end());
        v1::apply_devices(need("devices", f + "devices"), rules);
    }
    if (r.memory) v1::apply_memory(need("memory", f + "memory"), *r.memory);
    if (r.cpu) {
        const auto& c = *r.cpu;
        bool cfs = c.shares || c.quota || c.period || c.burst || c.realtimeRuntime || c.realtimePeriod || c.idle;
        if (cfs) v1::apply_cpu(need("cpu", f + "cpu"), c);
        if (c.cpus || c.mems) v1::apply_cpuset(need("cpuset", f + "cpu.cpus"), c);
    }
    if (r.pids) v1::apply_pids(need("pids", f + "pids"), *r.pids);
    if (r.blockIO) v1::apply_blkio(need("blkio", f + "blockIO"), *r.blockIO);
    if (!r.hugepageLimits.empty()) v1::apply_hugetlb(need("hugetlb", f + "hugepageLimits"), r.hugepageLimits);
    if (r.network) {
        if (r.network->classID) v1::apply_net_cls(need("net_cls", f + "network.classID"), *r.network);
        if (!r.network->priorities.empty()) v1::apply_net_prio(need("net_prio", f + "network.priorities"), *r.network);
    }
    if (!r.rdma.empty()) v1::apply_rdma(need("rdma", f + "rdma"), r.rdma);
    if (!r.unified.empty())
        throw Error(f + "unified: cgroup v2 key/values need a cgroup v2 host (this one uses cgroup v1 controllers)");
}

}  // namespace

std::unique_ptr<Manager> make_v1_manager(DirMap dirs, CreatedMap created, bool rootless) {
    return std::make_unique<V1Manager>(std::move(dirs), std::move(created), rootless);
}

}  // namespace ocirt::cgroups

#include "cgroups/systemd_bus.hpp"

#include "cgroups/sd_bus_api.hpp"
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "base/error.hpp"

namespace ocirt::cgroups::systemd {

namespace {

constexpr const char* kDest = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr uint64_t kTimeoutUs = 30'000'000;

void ok(int rc, const std::string& what) {
    if (rc < 0) throw Error(-rc, what);
}

struct Message {
    sd_bus_message* m = nullptr;
    ~Message() { sdbus().message_unref_(m); }
};

struct BusError {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    ~BusError() { sdbus().error_free_(&e); }
};

template <typename T>
int append_array(sd_bus_message* m, const char* sig, char type, const std::vector<T>& v) {
    int r = sdbus().message_open_container_(m, 'v', sig);
    if (r >= 0) r = sdbus().message_append_array_(m, type, v.data(), v.size() * sizeof(T));
    if (r >= 0) r = sdbus().message_close_container_(m);
    return r;
}

// a(ss) (DeviceAllow) or a(st) (per-device IO): the second member's type picks the signature.
template <typename T>
int append_pairs(sd_bus_message* m, const std::vector<std::pair<std::string, T>>& v) {
    constexpr bool str = std::is_same_v<T, std::string>;
    int r = sdbus().message_open_container_(m, 'v', str ? "a(ss)" : "a(st)");
    if (r >= 0) r = sdbus().message_open_container_(m, 'a', str ? "(ss)" : "(st)");
    for (size_t i = 0; r >= 0 && i < v.size(); ++i) {
        if constexpr (str) r = sdbus().message_append_(m, "(ss)", v[i].first.c_str(), v[i].second.c_str());
        else r = sdbus().message_append_(m, "(st)", v[i].first.c_str(), v[i].second);
    }
    if (r >= 0) r = sdbus().message_close_container_(m);
    if (r >= 0) r = sdbus().message_close_container_(m);
    return r;
}

void append_property(sd_bus_message* m, const Property& p) {
    ok(sdbus().message_open_container_(m, 'r', "sv"), "sd-bus: build property");
    ok(sdbus().message_append_(m, "s", p.name.c_str()), "sd-bus: build property " + p.name);
    int rc = std::visit(
        [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) return sdbus().message_append_(m, "v", "b", v ? 1 : 0);
            else if constexpr (std::is_same_v<T, uint64_t>) return sdbus().message_append_(m, "v", "t", v);
            else if constexpr (std::is_same_v<T, std::string>) return sdbus().message_append_(m, "v", "s", v.c_str());
            else if constexpr (std::is_same_v<T, std::vector<uint32_t>>) return append_array(m, "au", 'u', v);
            else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) return append_array(m, "ay", 'y', v);
            else return append_pairs(m, v);
        },
        p.value);
    ok(rc, "sd-bus: build property " + p.name);
    ok(sdbus().message_close_container_(m), "sd-bus: build property");
}

struct JobWait {
    std::string job;
    std::string result;
    bool done = false;
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* w = static_cast<JobWait*>(userdata);
    uint32_t id;
    const char *path, *unit, *result;
    if (sdbus().message_read_(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
    if (w->job == path) {
        w->done = true;
        w->result = result;
    }
    return 0;
}

}  // namespace

bool running() { return ::access("/run/systemd/system", F_OK) == 0; }

struct Bus::Impl {
    sd_bus* bus = nullptr;
    sd_bus_slot* slot = nullptr;
    JobWait wait;

    // Sends Manager.method built by fill, waits for the job it returns (when it returns one).
    void call_job(const char* method, const std::string& unit, void (*fill)(sd_bus_message*, const void*),
                  const void* arg) {
        Message m;
        ok(sdbus().message_new_method_call_(bus, &m.m, kDest, kPath, kManager, method), "sd-bus: new call");
        fill(m.m, arg);
        BusError err;
        Message reply;
        wait = JobWait{};
        int rc = sdbus().call_(bus, m.m, kTimeoutUs, &err.e, &reply.m);
        if (rc < 0)
            throw Error(std::string("systemd ") + method + " " + unit + ": " +
                        (err.e.message ? err.e.message : std::strerror(-rc)) + (err.e.name ? std::string(" (") + err.e.name + ")" : ""));
        const char* job = nullptr;
        if (sdbus().message_read_(reply.m, "o", &job) < 0 || job == nullptr) return;
        wait.job = job;
        for (int i = 0; !wait.done && i < 300; ++i) {
            while ((rc = sdbus().process_(bus, nullptr)) > 0) {
            }
            ok(rc, "sd-bus: process");
            if (!wait.done) ok(sdbus().wait_(bus, 100'000), "sd-bus: wait");
        }
        if (!wait.done) throw Error(std::string("systemd ") + method + " " + unit + ": job did not finish in 30 s");
        if (wait.result != "done")
            throw Error(std::string("systemd ") + method + " " + unit + ": job " + wait.result +
                        " (see journalctl -u " + unit + ")");
    }
};

Bus::Bus() : impl_(new Impl) {
    try {
        if (!running()) throw Error("--systemd-cgroup: systemd is not running on this host (no /run/systemd/system)");
        // The private socket works without a D-Bus daemon, as systemctl does for root.
        int rc = -1;
        if (::geteuid() == 0 && ::access("/run/systemd/private", F_OK) == 0) {
            rc = sdbus().new_(&impl_->bus);
            if (rc >= 0) rc = sdbus().set_address_(impl_->bus, "unix:path=/run/systemd/private");
            if (rc >= 0) rc = sdbus().start_(impl_->bus);
            if (rc < 0) impl_->bus = sdbus().unref_(impl_->bus);
        }
        if (rc < 0) ok(sdbus().open_system_(&impl_->bus), "--systemd-cgroup: connect to the system D-Bus");
        ok(sdbus().match_signal_(impl_->bus, &impl_->slot, nullptr, kPath, kManager, "JobRemoved", on_job_removed,
                               &impl_->wait),
           "sd-bus: match JobRemoved");
        // systemd emits job signals only to subscribed clients; a failure only costs the wait.
        BusError err;
        sdbus().call_method_(impl_->bus, kDest, kPath, kManager, "Subscribe", &err.e, nullptr, "");
    } catch (...) {
        sdbus().slot_unref_(impl_->slot);
        sdbus().flush_close_unref_(impl_->bus);
        delete impl_;
        throw;
    }
}

Bus::~Bus() {
    sdbus().slot_unref_(impl_->slot);
    sdbus().flush_close_unref_(impl_->bus);
    delete impl_;
}

namespace {

struct StartArgs {
    const std::string* unit;
    const std::vector<Property>* props;
};

void fill_start(sd_bus_message* m, const void* arg) {
    const auto* a = static_cast<const StartArgs*>(arg);
    ok(sdbus().message_append_(m, "ss", a->unit->c_str(), "fail"), "sd-bus: build StartTransientUnit");
    ok(sdbus().message_open_container_(m, 'a', "(sv)"), "sd-bus: build StartTransientUnit");
    for (const auto& p : *a->props) append_property(m, p);
    ok(sdbus().message_close_container_(m), "sd-bus: build StartTransientUnit");
    ok(sdbus().message_append_(m, "a(sa(sv))", 0), "sd-bus: build StartTransientUnit");
}

void fill_set(sd_bus_message* m, const void* arg) {
    const auto* a = static_cast<const StartArgs*>(arg);
    ok(sdbus().message_append_(m, "sb", a->unit->c_str(), 1), "sd-bus: build SetUnitProperties");
    ok(sdbus().message_open_container_(m, 'a', "(sv)"), "sd-bus: build SetUnitProperties");
    for (const auto& p : *a->props) append_property(m, p);
    ok(sdbus().message_close_container_(m), "sd-bus: build SetUnitProperties");
}

void fill_stop(sd_bus_message* m, const void* arg) {
    ok(sdbus().message_append_(m, "ss", static_cast<const std::string*>(arg)->c_str(), "replace"), "sd-bus: build StopUnit");
}

}  // namespace

void Bus::start_transient(const std::string& unit, const std::vector<Property>& props) {
    StartArgs a{&unit, &props};
    impl_->call_job("StartTransientUnit", unit, fill_start, &a);
}

void Bus::set_properties(const std::string& unit, const std::vector<Property>& props) {
    if (props.empty()) return;
    StartArgs a{&unit, &props};
    impl_->call_job("SetUnitProperties", unit, fill_set, &a);
}

std::string Bus::version() {
    BusError err;
    char* v = nullptr;
    int rc = sdbus().get_property_string_(impl_->bus, kDest, kPath, kManager, "Version", &err.e, &v);
    if (rc < 0) throw Error(-rc, "systemd: read Manager.Version");
    std::string out(v);
    ::free(v);
    return out;
}

void Bus::stop(const std::string& unit) {
    try {
        impl_->call_job("StopUnit", unit, fill_stop, &unit);
    } catch (const Error& e) {
        // An empty scope stops by itself: it may be gone before we ask.
        if (std::string(e.what()).find("NoSuchUnit") == std::string::npos) throw;
    }
    BusError err;
    sdbus().call_method_(impl_->bus, kDest, kPath, kManager, "ResetFailedUnit", &err.e, nullptr, "s", unit.c_str());
}

}  // namespace ocirt::cgroups::systemd

// events: runc's JSON event stream. --stats prints one {"type":"stats","id":...,"data":{...}} and exits;
// otherwise a stats record every --interval and an {"type":"oom"} record whenever the OOM killer acts, until
// the container stops.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/cli.hpp"
#include "cli/container_cgroup.hpp"

namespace ocirt::cli {

namespace {

// A Go duration as runc takes it: "5s", "500ms", "1.5m", "1h".
long parse_interval_ms(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    std::string unit = end ? end : "";
    double scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : -1;
    if (end == s.c_str() || scale < 0 || v <= 0)
        throw Error("events: --interval \"" + s + "\" is not a duration like 5s or 500ms");
    return static_cast<long>(v * scale);
}

void emit(const std::string& type, const std::string& id, const std::string& data) {
    std::string line = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"";
    if (!data.empty()) line += ",\"data\":" + data;
    std::printf("%s}\n", line.c_str());
    std::fflush(stdout);
}

void sleep_ms(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

}  // namespace

void register_events(Registry& r, const GlobalOptions& g) {
    struct Opts {
        std::string id, interval = "5s";
        bool stats = false;
    };
    auto o = std::make_shared<Opts>();
    r.add("events", "display container events: OOM notices and resource statistics")
        .flag("--stats", o->stats, "print the statistics once and exit")
        .option("--interval", o->interval, "statistics interval (default 5s)")
        .positional("id", o->id, "container id", true)
        .run([o, &g] {
            long interval = parse_interval_ms(o->interval);
            auto c = open_container_cgroup(g.root, o->id, false);
            require_status(c, {state::Status::created, state::Status::running, state::Status::paused}, "get events of");
            if (o->stats) return emit("stats", o->id, c.cg->stats_json());
            // OOM is checked more often than stats are printed, so that it is reported near when it happens.
            constexpr long kTick = 100;
            uint64_t ooms = c.cg->oom_kills();
            for (long waited = interval;; waited += kTick) {
                // OOM first: a container whose init the OOM killer took is stopped by the next check.
                if (uint64_t now = c.cg->oom_kills(); now > ooms) {
                    ooms = now;
                    emit("oom", o->id, "");
                }
                if (runtime::current_status(c.dir, c.st) == state::Status::stopped) return;
                if (waited >= interval) {
                    waited = 0;
                    emit("stats", o->id, c.cg->stats_json());
                }
                sleep_ms(kTick);
            }
        });
}

}  // namespace ocirt::cli

#include <cstdio>
#include <memory>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "base/error.hpp"
#include "cli/cli.hpp"
#include "runtime/lifecycle.hpp"

namespace ocirt::cli {
namespace {

void print_json(const std::vector<runtime::ListEntry>& entries) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartArray();
    for (const auto& e : entries) {
        w.StartObject();
        w.Key("ociVersion");
        w.String(OCIRT_SPEC_VERSION);
        w.Key("id");
        w.String(e.st.id.c_str());
        w.Key("pid");
        w.Int(e.status == state::Status::stopped ? 0 : e.st.pid);
        w.Key("status");
        w.String(state::to_string(e.status));
        w.Key("bundle");
        w.String(e.st.bundle.c_str());
        w.Key("rootfs");
        w.String(e.st.rootfs.c_str());
        w.Key("created");
        w.String(e.st.created.c_str());
        w.Key("owner");
        w.String(e.st.owner == 0 ? "root" : std::to_string(e.st.owner).c_str());
        w.EndObject();
    }
    w.EndArray();
    printf("%s\n", buf.GetString());
}

}  // namespace

void register_list(Registry& r, const GlobalOptions& g) {
    struct Opts {
        std::string format = "table";
        bool quiet = false;
    };
    auto o = std::make_shared<Opts>();
    r.add("list", "list containers")
        .alias("ls")
        .option("-f,--format", o->format, "table or json")
        .flag("-q,--quiet", o->quiet, "print only the ids")
        .run([o, &g] {
            auto entries = runtime::list(g.root);
            if (o->format == "json") return print_json(entries);
            if (o->format != "table") throw Error("list: unknown --format \"" + o->format + "\"");
            if (o->quiet) {
                for (const auto& e : entries) printf("%s\n", e.st.id.c_str());
                return;
            }
            printf("%-20s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
            for (const auto& e : entries)
                printf("%-20s %-8d %-10s %-40s %-32s %s\n", e.st.id.c_str(),
                       e.status == state::Status::stopped ? 0 : e.st.pid, state::to_string(e.status),
                       e.st.bundle.c_str(), e.st.created.c_str(),
                       e.st.owner == 0 ? "root" : std::to_string(e.st.owner).c_str());
        });
}

}  // namespace ocirt::cli

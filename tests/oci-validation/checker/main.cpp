// oci-checker: run as the container process, compare what the container looks
// like from inside with the config.json the harness copied to /.oci/.
#include "checker.hpp"

#include <dirent.h>
#include <rapidjson/error/en.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace {

constexpr const char* kConfig = "/.oci/config.json";
constexpr const char* kHost = "/.oci/host.json";

// Taken before anything else opens a file, so the list is what the runtime passed.
std::vector<int> open_fds() {
    std::vector<int> fds;
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return fds;
    int own = dirfd(dir);
    while (dirent* e = readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        int fd = std::atoi(e->d_name);
        if (fd != own) fds.push_back(fd);
    }
    closedir(dir);
    return fds;
}

bool load(ocv::Tap& tap, rapidjson::Document& doc, const char* path) {
    auto text = ocv::read_file(path);
    if (!text) {
        tap.fail(std::string("read ") + path, "readable file", "missing");
        return false;
    }
    doc.Parse(text->c_str());
    if (doc.HasParseError()) {
        tap.fail(std::string("parse ") + path, "valid JSON", rapidjson::GetParseError_En(doc.GetParseError()));
        return false;
    }
    return true;
}

// A group that throws must not hide the groups after it.
void run_group(ocv::Context& ctx, const char* name, void (*group)(ocv::Context&)) {
    try {
        group(ctx);
    } catch (const std::exception& e) {
        ctx.tap.fail(std::string("checker group ") + name, "no exception", e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    ocv::Context ctx;
    ctx.fds_at_start = open_fds();
    ctx.argv.assign(argv, argv + argc);
    if (!load(ctx.tap, ctx.config, kConfig) || !load(ctx.tap, ctx.host, kHost)) {
        ctx.tap.finish();
        return 0;
    }
    run_group(ctx, "process", ocv::check_process);
    run_group(ctx, "identity", ocv::check_identity);
    run_group(ctx, "namespaces", ocv::check_namespaces);
    run_group(ctx, "kernel", ocv::check_kernel);
    run_group(ctx, "mounts", ocv::check_mounts);
    run_group(ctx, "paths", ocv::check_paths);
    run_group(ctx, "devices", ocv::check_devices);
    run_group(ctx, "cgroups", ocv::check_cgroups);
    run_group(ctx, "security", ocv::check_security);
    ctx.tap.finish();
    return 0;
}

// `ocirt spec [--bundle DIR] [--rootless]`: writes a default config.json into the bundle (the current
// directory by default), never over an existing one.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "cli/cli.hpp"
#include "spec/default_spec.hpp"

namespace ocirt::cli {

namespace {

struct SpecOptions {
    std::string bundle;
    bool rootless = false;
};

void write_all(BorrowedFd fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd.get(), data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        check(n, "write", path);
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void run_spec(const SpecOptions& o) {
    std::string path = o.bundle.empty() ? "config.json" : o.bundle + "/config.json";
    std::string json = spec::default_spec_json(o.rootless);
    json += '\n';
    // O_EXCL makes "refuse to overwrite" a property of the open itself, with no window for a race.
    OwnedFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd.valid() && errno == EEXIST) throw Error("spec: " + path + " already exists; remove it first");
    check(fd.get(), "spec: create", path);
    write_all(fd.borrow(), json, path);
}

}  // namespace

void register_spec(Registry& r, const GlobalOptions&) {
    auto o = std::make_shared<SpecOptions>();
    r.add("spec", "create a new specification file")
        .option("-b,--bundle", o->bundle, "path to the root of the bundle directory (default: .)")
        .flag("--rootless", o->rootless, "generate a configuration for a rootless container")
        .run([o] { run_spec(*o); });
}

}  // namespace ocirt::cli

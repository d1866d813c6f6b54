// `ocirt validate [--bundle DIR] [--kind config|state|features|process] [FILE]`: checks a document against
// ocirt's JSON Schemas and prints every violation as "<JSON pointer>: <problem>", one per line on stdout.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include "base/error.hpp"
#include "base/fd.hpp"
#include "cli/cli.hpp"
#include "spec/schema_validate.hpp"

namespace ocirt::cli {

namespace {

struct ValidateOptions {
    std::string bundle;
    std::string kind = "config";
    std::string file;
};

std::string read_whole_file(const std::string& path) {
    OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    check(fd.get(), "open", path);
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        check(n, "read", path);
        if (n == 0) return text;
        text.append(buf, static_cast<size_t>(n));
    }
}

// FILE when given; otherwise the bundle's config.json (the bundle defaults to the current directory, as in
// runc). Only a config has a place in a bundle, so the other kinds need FILE.
std::string document_path(const ValidateOptions& o, spec::SchemaKind kind) {
    if (!o.file.empty()) {
        if (!o.bundle.empty()) throw Error("validate: give --bundle or FILE, not both");
        return o.file;
    }
    if (kind != spec::SchemaKind::config) throw Error("validate: --kind " + o.kind + " needs a FILE");
    return o.bundle.empty() ? "config.json" : o.bundle + "/config.json";
}

void run_validate(const ValidateOptions& o) {
    spec::SchemaKind kind = spec::parse_schema_kind(o.kind);
    std::string path = document_path(o, kind);
    auto violations = spec::validate_against_schema(read_whole_file(path), kind);
    if (violations.empty()) {
        printf("%s: valid\n", path.c_str());
        return;
    }
    for (const auto& v : violations)
        printf("%s: %s\n", v.pointer.empty() ? "(root)" : v.pointer.c_str(), v.message.c_str());
    fflush(stdout);
    throw Error(path + ": " + std::to_string(violations.size()) + " schema violation" +
                (violations.size() == 1 ? "" : "s"));
}

}  // namespace

void register_validate(Registry& r, const GlobalOptions&) {
    auto o = std::make_shared<ValidateOptions>();
    r.add("validate", "check a bundle's config.json (or a state, features or process document) against the "
                      "OCI JSON Schemas and list every violation")
        .option("-b,--bundle", o->bundle, "bundle directory whose config.json is checked (default: .)")
        .option("--kind", o->kind, "what the document is: config (default), state, features or process")
        .positional("file", o->file, "the document to check instead of the bundle's config.json", false)
        .run([o] { run_validate(*o); });
}

}  // namespace ocirt::cli

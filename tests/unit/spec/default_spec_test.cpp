#include "spec/default_spec.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "spec/parse.hpp"
#include "spec/validate.hpp"

using namespace ocirt::spec;

TEST_CASE("default spec: parses, validates and matches runc's defaults", "[spec]") {
    Config c = parse_config(default_spec_json(false));
    CHECK_NOTHROW(validate(c));
    CHECK(c.ociVersion == "1.3.0");
    CHECK(c.root->path == "rootfs");
    CHECK(c.root->readonly);
    CHECK(c.hostname == "ocirt");
    REQUIRE(c.process);
    CHECK(c.process->terminal);
    CHECK(c.process->args == std::vector<std::string>{"sh"});
    CHECK(c.process->cwd == "/");
    CHECK(c.process->noNewPrivileges);
    CHECK(c.process->capabilities->bounding ==
          std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    CHECK(c.process->capabilities->inheritable.empty());
    CHECK(c.process->rlimits[0].soft == 1024);
    REQUIRE(c.mounts.size() == 7);
    CHECK(c.mounts[5].type == "sysfs");
    CHECK(c.mounts[2].options.back() == "gid=5");
    CHECK(c.linux_->namespaces.size() == 5);
    CHECK(c.linux_->find_namespace(NamespaceType::network));
    CHECK_FALSE(c.linux_->find_namespace(NamespaceType::user));
    CHECK(c.linux_->resources->devices.size() == 1);
    CHECK(c.linux_->maskedPaths.size() == 10);
    CHECK(c.linux_->readonlyPaths.size() == 5);
}

TEST_CASE("default spec: rootless maps the caller and drops the network namespace", "[spec]") {
    std::string json = default_spec_json(true);
    CHECK(json.find('\t') != std::string::npos);  // indented with tabs, like runc
    Config c = parse_config(json);
    CHECK_NOTHROW(validate(c));
    CHECK(c.linux_->find_namespace(NamespaceType::user));
    CHECK_FALSE(c.linux_->find_namespace(NamespaceType::network));
    REQUIRE(c.linux_->uidMappings.size() == 1);
    CHECK(c.linux_->uidMappings[0].hostID == getuid());
    CHECK(c.linux_->gidMappings[0].hostID == getgid());
    CHECK(c.linux_->uidMappings[0].size == 1);
    CHECK_FALSE(c.linux_->resources);
    CHECK(c.mounts[5].type == "none");
    CHECK(c.mounts[5].source == "/sys");
    CHECK(c.mounts[5].options.front() == "rbind");
    CHECK(c.mounts[2].options.back() == "mode=0620");
}

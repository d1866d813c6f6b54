#include "security/lsm.hpp"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "base/error.hpp"
#include "security/child.hpp"

using namespace ocirt;
using ocirt::test::exited_with;
using ocirt::test::run_in_child;

namespace {

// KEYCTL_DESCRIBE of the session keyring: "keyring;uid;gid;perm;name".
std::string session_keyring_description() {
    char buf[512] = {};
    long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, buf, sizeof(buf) - 1);
    return n > 0 ? std::string(buf) : std::string();
}

long session_keyring_id() { return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1); }

}  // namespace

TEST_CASE("check_lsm_support names the field of an unavailable LSM", "[security][lsm]") {
    spec::Config config;
    config.process.emplace();
    config.linux_.emplace();
    CHECK_NOTHROW(security::check_lsm_support(config));

    config.process->apparmorProfile = "docker-default";
    if (!security::apparmor_enabled())
        CHECK_THROWS_WITH(security::check_lsm_support(config), Catch::Contains("process.apparmorProfile"));
    config.process->apparmorProfile.reset();

    config.process->selinuxLabel = "system_u:system_r:container_t:s0";
    if (!security::selinux_enabled())
        CHECK_THROWS_WITH(security::check_lsm_support(config), Catch::Contains("process.selinuxLabel"));
    config.process->selinuxLabel.reset();

    config.linux_->mountLabel = "system_u:object_r:container_file_t:s0";
    if (!security::selinux_enabled())
        CHECK_THROWS_WITH(security::check_lsm_support(config), Catch::Contains("linux.mountLabel"));
}

TEST_CASE("applying a label without its LSM is an error naming the field", "[security][lsm]") {
    if (!security::apparmor_enabled()) {
        int status = run_in_child([] {
            try {
                security::apply_apparmor("ocirt-test-profile");
                return 1;
            } catch (const Error& e) {
                return std::string(e.what()).find("process.apparmorProfile") != std::string::npos ? 0 : 2;
            }
        });
        CHECK(exited_with(status, 0));
    }
    if (!security::selinux_enabled()) {
        int status = run_in_child([] {
            try {
                security::apply_selinux_exec_label("system_u:system_r:container_t:s0");
                return 1;
            } catch (const Error& e) {
                return std::string(e.what()).find("process.selinuxLabel") != std::string::npos ? 0 : 2;
            }
        });
        CHECK(exited_with(status, 0));
    }
    // Empty means "not asked for".
    CHECK_NOTHROW(security::apply_apparmor(""));
    CHECK_NOTHROW(security::apply_selinux_exec_label(""));
}

TEST_CASE("mount label formatting", "[security][lsm]") {
    const std::string label = "system_u:object_r:container_file_t:s0:c1,c2";
    CHECK(security::mount_label_option(label) == "context=\"" + label + "\"");
    CHECK(security::mount_label_option("").empty());
    CHECK(security::with_mount_label("mode=755", label) == "mode=755,context=\"" + label + "\"");
    CHECK(security::with_mount_label("", label) == "context=\"" + label + "\"");
    CHECK(security::with_mount_label("mode=755", "") == "mode=755");
}

TEST_CASE("join_session_keyring gives the process a new named keyring", "[security][lsm]") {
    long before = session_keyring_id();
    int status = run_in_child([&] {
        security::join_session_keyring("ocirt-test-keyring");
        if (session_keyring_id() == before) return 1;
        std::string d = session_keyring_description();
        return d.size() > 19 && d.ends_with(";ocirt-test-keyring") ? 0 : 2;
    });
    CHECK(exited_with(status, 0));
}

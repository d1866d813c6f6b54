#include "checkpoint/action_script.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fcntl.h>

#include <cstdlib>
#include <cstring>

#include "base/error.hpp"
#include "checkpoint/files.hpp"
#include "runtime/hooks.hpp"
#include "runtime/prepared.hpp"
#include "spec/parse.hpp"

namespace ocirt::checkpoint {

bool is_action_script() { return std::getenv("CRTOOLS_SCRIPT_ACTION") && std::getenv(kStateDirEnv); }

std::string with_pid(const std::string& state_json, long pid) {
    rapidjson::Document d;
    d.Parse(state_json.data(), state_json.size());
    if (d.HasParseError() || !d.IsObject()) throw Error("restore: the hooks' state is not a JSON object");
    d.RemoveMember("pid");
    d.AddMember("pid", rapidjson::Value(static_cast<int64_t>(pid)), d.GetAllocator());
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    d.Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
}

int run_action_script() {
    std::string action = std::getenv("CRTOOLS_SCRIPT_ACTION");
    std::string dir = std::getenv(kStateDirEnv);
    const char* pid = std::getenv("CRTOOLS_INIT_PID");
    // The hooks' own children must not take themselves for the script (an ocirt run by a hook, say).
    ::unsetenv("CRTOOLS_SCRIPT_ACTION");
    ::unsetenv(kStateDirEnv);
    if (action != "setup-namespaces") return 0;
    // criu runs its scripts with fd 0 closed (and maybe 1 and 2): /dev/null fills them, so that a hook's stdin
    // pipe is not made fd 0 itself.
    for (int fd = 0; fd < 3; ++fd)
        if (::fcntl(fd, F_GETFD) < 0 && ::open("/dev/null", O_RDWR) != fd) return 1;
    try {
        if (!pid) throw Error("restore: criu gave the action script no CRTOOLS_INIT_PID");
        spec::Config cfg = spec::parse_config(runtime::read_file(dir + "/config.json"));
        std::string state = with_pid(runtime::read_file(dir + "/" + kHookState), std::atol(pid));
        if (cfg.hooks) {
            runtime::run_hooks(cfg.hooks->prestart, state, "prestart");
            runtime::run_hooks(cfg.hooks->createRuntime, state, "createRuntime");
        }
        return 0;
    } catch (const std::exception& e) {
        try {
            write_file(dir + "/" + kHookError, e.what());
        } catch (const std::exception&) {
        }
        return 1;
    }
}

}  // namespace ocirt::checkpoint

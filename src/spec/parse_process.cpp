// The "process" object: also the whole of exec's --process file.
#include "spec/parse_internal.hpp"

namespace ocirt::spec {

using json::Object;
using json::Path;
using json::Value;

static void read_into(const Value& v, const Path& p, ConsoleSize& out) {
    Object o(v, p);
    o.get("height", out.height);
    o.get("width", out.width);
}

static void read_into(const Value& v, const Path& p, Rlimit& out) {
    Object o(v, p);
    o.get("type", out.type);
    o.get("soft", out.soft);
    o.get("hard", out.hard);
}

static void read_into(const Value& v, const Path& p, Capabilities& out) {
    Object o(v, p);
    o.get("effective", out.effective);
    o.get("bounding", out.bounding);
    o.get("inheritable", out.inheritable);
    o.get("permitted", out.permitted);
    o.get("ambient", out.ambient);
}

static void read_into(const Value& v, const Path& p, User& out) {
    Object o(v, p);
    o.get("uid", out.uid);
    o.get("gid", out.gid);
    o.get("umask", out.umask);
    o.get("additionalGids", out.additionalGids);
}

static void read_into(const Value& v, const Path& p, Scheduler& out) {
    Object o(v, p);
    o.get("policy", out.policy);
    o.get("nice", out.nice);
    o.get("priority", out.priority);
    o.get("flags", out.flags);
    o.get("runtime", out.runtime);
    o.get("deadline", out.deadline);
    o.get("period", out.period);
}

static void read_into(const Value& v, const Path& p, IoPriority& out) {
    Object o(v, p);
    o.get("class", out.class_);
    o.get("priority", out.priority);
}

static void read_into(const Value& v, const Path& p, ExecCPUAffinity& out) {
    Object o(v, p);
    o.get("initial", out.initial);
    o.get("final", out.final_);
}

void read_into(const Value& v, const Path& p, Process& out) {
    Object o(v, p);
    o.get("terminal", out.terminal);
    o.get("consoleSize", out.consoleSize);
    o.get("cwd", out.cwd);
    o.get("env", out.env);
    o.get("args", out.args);
    o.get("commandLine", out.commandLine);
    o.get("rlimits", out.rlimits);
    o.get("apparmorProfile", out.apparmorProfile);
    o.get("capabilities", out.capabilities);
    o.get("noNewPrivileges", out.noNewPrivileges);
    o.get("oomScoreAdj", out.oomScoreAdj);
    o.get("scheduler", out.scheduler);
    o.get("selinuxLabel", out.selinuxLabel);
    o.get("ioPriority", out.ioPriority);
    o.get("execCPUAffinity", out.execCPUAffinity);
    o.get("user", out.user);
}

}  // namespace ocirt::spec

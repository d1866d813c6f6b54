// Hands the seccomp notify fd to the agent at linux.seccomp.listenerPath, as config-linux.md "The Container
// Process State" describes: one sendmsg carrying the JSON payload and the fd in SCM_RIGHTS.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "base/error.hpp"
#include "sys/scm.hpp"
#include "security/seccomp.hpp"

namespace ocirt::security {
namespace {

OwnedFd connect_unix(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(addr.sun_path))
        throw Error("linux.seccomp.listenerPath: \"" + path + "\" is not a usable unix socket path");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    OwnedFd sock(static_cast<int>(check(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket")));
    check(connect(sock.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), "connect",
          "linux.seccomp.listenerPath " + path);
    return sock;
}

void send_with_fd(BorrowedFd sock, const std::string& payload, BorrowedFd fd) {
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    ssize_t sent = sys::send_with_fd(sock, &iov, 1, fd);
    check(sent, "sendmsg", "linux.seccomp.listenerPath");
    // The fds travel with the first call only (the spec's rule), so the rest goes out as plain writes.
    for (size_t done = static_cast<size_t>(sent); done < payload.size(); done += static_cast<size_t>(sent)) {
        sent = send(sock.get(), payload.data() + done, payload.size() - done, MSG_NOSIGNAL);
        check(sent, "send", "linux.seccomp.listenerPath");
    }
}

}  // namespace

std::string seccomp_process_state(const std::string& state_json, const std::string& metadata) {
    rapidjson::Document state;
    if (state.Parse(state_json.c_str()).HasParseError() || !state.IsObject())
        throw Error("seccomp listener: the container state is not a JSON object");
    if (!state.HasMember("pid") || !state["pid"].IsInt())
        throw Error("seccomp listener: the container state has no pid");
    rapidjson::Document out(rapidjson::kObjectType);
    auto& a = out.GetAllocator();
    out.AddMember("ociVersion", rapidjson::Value(OCIRT_SPEC_VERSION, a), a);
    rapidjson::Value fds(rapidjson::kArrayType);
    fds.PushBack("seccompFd", a);
    out.AddMember("fds", fds, a);
    out.AddMember("pid", state["pid"].GetInt(), a);
    if (!metadata.empty()) out.AddMember("metadata", rapidjson::Value(metadata.c_str(), a), a);
    out.AddMember("state", rapidjson::Value(state, a), a);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
    out.Accept(writer);
    return std::string(buf.GetString(), buf.GetSize());
}

void send_seccomp_listener(const std::string& listener_path, BorrowedFd listener, const std::string& state_json,
                           const std::string& metadata) {
    std::string payload = seccomp_process_state(state_json, metadata);
    OwnedFd sock = connect_unix(listener_path);
    send_with_fd(sock.borrow(), payload, listener);
}

}  // namespace ocirt::security

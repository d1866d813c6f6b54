#include "base/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <string>

namespace ocirt::log {
namespace {

int g_fd = STDERR_FILENO;
Format g_format = Format::text;
bool g_debug = false;

const char* level_name(Level l) {
    switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
    }
    return "error";
}

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

}  // namespace

std::string timestamp() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
    return buf;
}


void configure(std::string_view path, Format format, bool debug) {
    g_format = format;
    g_debug = debug;
    if (path.empty()) return;
    int fd = ::open(std::string(path).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    if (g_fd != STDERR_FILENO) ::close(g_fd);
    g_fd = fd;
}

bool logging_to_file() { return g_fd != STDERR_FILENO; }

void write(Level level, std::string_view msg) {
    if (level == Level::debug && !g_debug) return;
    std::string line;
    if (g_format == Format::json) {
        line = "{\"level\":\"";
        line += level_name(level);
        line += "\",\"msg\":";
        append_json_string(line, msg);
        line += ",\"time\":\"" + timestamp() + "\"}\n";
    } else {
        line = timestamp() + " " + level_name(level) + ": ";
        line.append(msg);
        line += "\n";
    }
    // One write() per line so concurrent writers (shim, runtime) never interleave within a line.
    [[maybe_unused]] auto rc = ::write(g_fd, line.data(), line.size());
}

}  // namespace ocirt::log

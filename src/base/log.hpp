// Logging in runc's two formats: text lines, or JSON lines {"level","msg","time"} that containerd and
// conmon parse from --log. Debug messages are dropped unless --debug is set.
#pragma once

#include <string>
#include <string_view>

namespace ocirt::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// Where to write (a path, or empty for stderr), in which format, and whether debug lines are kept.
// Safe to call more than once; a path that cannot be opened falls back to stderr.
void configure(std::string_view path, Format format, bool debug);

void write(Level level, std::string_view msg);
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warning, m); }
inline void error(std::string_view m) { write(Level::error, m); }

// Now as RFC 3339 UTC with nanoseconds ("2026-11-22T04:01:00.110531251Z"), as runc writes times.
std::string timestamp();

// True when errors also belong on stderr: runc prints fatal errors to stderr even when --log is a file.
bool logging_to_file();

}  // namespace ocirt::log

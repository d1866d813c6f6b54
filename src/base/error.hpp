// The one error type: what failed (operation), on what (path or config field), the errno, and a chain of
// context added as the error travels up ("applying linux.resources.memory"). It is reported once, at the top.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace ocirt {

class Error : public std::exception {
public:
    // A failure without an errno: validation, bad input, protocol.
    explicit Error(std::string message) : message_(std::move(message)) {}
    // A failed syscall: op is the call or action, subject the path or field it was about (may be empty).
    Error(int err, std::string_view op, std::string_view subject = {});

    int err() const { return err_; }
    const std::string& message() const { return message_; }
    const char* what() const noexcept override { return message_.c_str(); }

    // Prepends "ctx: " so the outermost step reads first.
    Error& context(std::string_view ctx);

private:
    std::string message_;
    int err_ = 0;
};

// Throws Error(errno, op, subject) when rc < 0; returns rc otherwise.
inline long check(long rc, std::string_view op, std::string_view subject = {}) {
    if (rc < 0) throw Error(errno, op, subject);
    return rc;
}

}  // namespace ocirt

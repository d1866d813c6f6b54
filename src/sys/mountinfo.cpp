#include "sys/mountinfo.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "base/error.hpp"
#include "base/fd.hpp"

namespace ocirt::sys {

const std::string& self_mountinfo() {
    static const std::string text = [] {
        OwnedFd fd(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
        if (!fd.valid()) throw Error(errno, "open", "/proc/self/mountinfo");
        std::string out;
        char buf[16384];
        for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Error(errno, "read", "/proc/self/mountinfo");
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }();
    return text;
}

}  // namespace ocirt::sys

#include "sys/identity.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "base/fd.hpp"

namespace ocirt::sys {

bool in_user_namespace() {
    static const bool in = [] {
        OwnedFd fd(::open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC));
        char buf[128] = {};
        if (!fd.valid() || ::read(fd.get(), buf, sizeof buf - 1) <= 0) return false;
        // The initial namespace maps all 4294967295 ids from 0 to 0; any other map means a user namespace.
        unsigned long inside = 1, outside = 1, count = 0;
        return sscanf(buf, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 || outside != 0 ||
               count != 4294967295UL;
    }();
    return in;
}

bool rootless() { return ::geteuid() != 0 || in_user_namespace(); }

}  // namespace ocirt::sys

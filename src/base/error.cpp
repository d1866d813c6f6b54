#include "base/error.hpp"

#include <cstring>

namespace ocirt {

Error::Error(int err, std::string_view op, std::string_view subject) : err_(err) {
    message_.append(op);
    if (!subject.empty()) {
        message_.append(" ");
        message_.append(subject);
    }
    message_.append(": ");
    message_.append(strerror(err));
}

Error& Error::context(std::string_view ctx) {
    message_.insert(0, std::string(ctx) + ": ");
    return *this;
}

}  // namespace ocirt

#include "cgroups/sd_bus_api.hpp"

#include <dlfcn.h>

#include <string>

#include "base/error.hpp"

namespace ocirt::cgroups::systemd {
namespace {

SdBusApi load() {
    void* h = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) throw Error(std::string("systemd cgroup driver: cannot load libsystemd.so.0: ") + ::dlerror());
    SdBusApi api;
#define OCIRT_SD_BUS_LOAD(name)                                                                              \
    api.name##_ = reinterpret_cast<decltype(api.name##_)>(::dlsym(h, "sd_bus_" #name));                     \
    if (!api.name##_) throw Error("systemd cgroup driver: libsystemd.so.0 has no sd_bus_" #name);
    OCIRT_SD_BUS_FUNCTIONS(OCIRT_SD_BUS_LOAD)
#undef OCIRT_SD_BUS_LOAD
    return api;
}

}  // namespace

const SdBusApi& sdbus() {
    static const SdBusApi api = load();
    return api;
}

}  // namespace ocirt::cgroups::systemd

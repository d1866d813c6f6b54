// libsystemd, loaded on first use of the systemd cgroup driver. Linking it would map libsystemd and the five
// libraries it needs (gcrypt, lzma, zstd, lz4, gpg-error: ~0.9 MB resident) into every ocirt process, while
// only --systemd-cgroup needs it.
#pragma once

#include <systemd/sd-bus.h>

namespace ocirt::cgroups::systemd {

#define OCIRT_SD_BUS_FUNCTIONS(X)                                                                          \
    X(call) X(call_method) X(error_free) X(flush_close_unref) X(get_property_string) X(match_signal)       \
    X(message_append) X(message_append_array) X(message_close_container) X(message_new_method_call)        \
    X(message_open_container) X(message_read) X(message_unref) X(new) X(open_system) X(process)           \
    X(set_address) X(slot_unref) X(start) X(unref) X(wait)

struct SdBusApi {
#define OCIRT_SD_BUS_MEMBER(name) decltype(&::sd_bus_##name) name##_ = nullptr;  // '_': sd_bus_new -> new_
    OCIRT_SD_BUS_FUNCTIONS(OCIRT_SD_BUS_MEMBER)
#undef OCIRT_SD_BUS_MEMBER
};

// The loaded functions; Error "systemd cgroup driver: cannot load libsystemd.so.0: ..." when it is absent.
const SdBusApi& sdbus();

}  // namespace ocirt::cgroups::systemd

// Block I/O: blkio on v1 (CFQ or BFQ files), io on v2 (io.bfq.weight or io.weight, io.max).
#include <string>

#include "base/error.hpp"
#include "cgroups/controllers.hpp"

namespace ocirt::cgroups {

namespace {

std::string field(const char* name) { return std::string("linux.resources.blockIO.") + name; }

std::string dev(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

// CFQ's files where the kernel still has CFQ, BFQ's otherwise (same 10..1000 range).
const char* v1_weight_file(const Dir& d, const char* cfq, const char* bfq) { return d.has(cfq) ? cfq : bfq; }

void v1_throttle(const Dir& d, const char* file, const char* name, const std::vector<spec::ThrottleDevice>& v) {
    for (const auto& t : v) d.write(file, dev(t.major, t.minor) + " " + std::to_string(t.rate), field(name));
}

void v2_throttle(const Dir& d, const char* key, const char* name, const std::vector<spec::ThrottleDevice>& v) {
    for (const auto& t : v) {
        std::string rate = t.rate == 0 ? "max" : std::to_string(t.rate);
        d.write("io.max", dev(t.major, t.minor) + " " + key + "=" + rate, field(name));
    }
}

}  // namespace

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
    if (weight == 0) return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

namespace v1 {

void apply_blkio(const Dir& d, const spec::BlockIO& b) {
    if (b.weight) d.write(v1_weight_file(d, "blkio.weight", "blkio.bfq.weight"), std::to_string(*b.weight), field("weight"));
    if (b.leafWeight) d.write("blkio.leaf_weight", std::to_string(*b.leafWeight), field("leafWeight"));
    for (const auto& w : b.weightDevice) {
        if (w.weight)
            d.write(v1_weight_file(d, "blkio.weight_device", "blkio.bfq.weight_device"),
                    dev(w.major, w.minor) + " " + std::to_string(*w.weight), field("weightDevice"));
        if (w.leafWeight)
            d.write("blkio.leaf_weight_device", dev(w.major, w.minor) + " " + std::to_string(*w.leafWeight),
                    field("weightDevice.leafWeight"));
    }
    v1_throttle(d, "blkio.throttle.read_bps_device", "throttleReadBpsDevice", b.throttleReadBpsDevice);
    v1_throttle(d, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice", b.throttleWriteBpsDevice);
    v1_throttle(d, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice", b.throttleReadIOPSDevice);
    v1_throttle(d, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice", b.throttleWriteIOPSDevice);
}

}  // namespace v1

namespace v2 {

void apply_io(const Dir& d, const spec::BlockIO& b) {
    // BFQ takes the v1 weight range as is; io.weight needs the 1..10000 conversion.
    bool bfq = d.has("io.bfq.weight");
    auto weight = [&](uint64_t w) { return std::to_string(bfq ? w : blkio_weight_to_io_weight(w)); };
    const char* file = bfq ? "io.bfq.weight" : "io.weight";
    if (b.weight) d.write(file, (bfq ? "" : "default ") + weight(*b.weight), field("weight"));
    if (b.leafWeight) throw Error(field("leafWeight") + ": not supported on cgroup v2");
    for (const auto& w : b.weightDevice) {
        if (w.leafWeight) throw Error(field("weightDevice.leafWeight") + ": not supported on cgroup v2");
        if (w.weight) d.write(file, dev(w.major, w.minor) + " " + weight(*w.weight), field("weightDevice"));
    }
    v2_throttle(d, "rbps", "throttleReadBpsDevice", b.throttleReadBpsDevice);
    v2_throttle(d, "wbps", "throttleWriteBpsDevice", b.throttleWriteBpsDevice);
    v2_throttle(d, "riops", "throttleReadIOPSDevice", b.throttleReadIOPSDevice);
    v2_throttle(d, "wiops", "throttleWriteIOPSDevice", b.throttleWriteIOPSDevice);
}

}  // namespace v2

}  // namespace ocirt::cgroups

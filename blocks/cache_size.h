#pragma once
// The sizes of this machine's caches, which decide when the depthwise kernel prefetches and
// when it stores around the caches.
#include <cstdint>
#include <string_view>

namespace blockflow {

// A size as sysfs writes it: "32768K", "1M", "512" (bytes). -1 for anything else.
std::int64_t parse_cache_size(std::string_view text);

// The data or unified cache of `level` (1-3) as the kernel describes cpu0's caches in sysfs,
// else as sysconf(`sysconf_name`) reports it, else `fallback`.
std::int64_t reported_cache_bytes(int level, int sysconf_name, std::int64_t fallback);

// Input plus output bytes beyond which the depthwise kernel stores its output around the caches,
// for a last-level cache of `l3_bytes`: a quarter of it, and never more than 56 MiB, since a
// virtual machine may report the whole host's L3 (480 MiB for two cores on the Intel machine).
std::int64_t streaming_threshold_bytes(std::int64_t l3_bytes);

}  // namespace blockflow

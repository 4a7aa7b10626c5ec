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

}  // namespace blockflow

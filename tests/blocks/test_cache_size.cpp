#include <unistd.h>
#include <catch2/catch.hpp>

#include "blocks/cache_size.h"

using namespace blockflow;

TEST_CASE("cache sizes are read as sysfs writes them") {
  CHECK(parse_cache_size("32768K") == std::int64_t{32} << 20);
  CHECK(parse_cache_size("1M") == std::int64_t{1} << 20);
  CHECK(parse_cache_size("2G") == std::int64_t{2} << 30);
  CHECK(parse_cache_size("48") == 48);
}

TEST_CASE("sizes sysfs could not have written are refused") {
  CHECK(parse_cache_size("") == -1);
  CHECK(parse_cache_size("K") == -1);
  CHECK(parse_cache_size("0K") == -1);
  CHECK(parse_cache_size("-4K") == -1);
  CHECK(parse_cache_size("12KB") == -1);
  CHECK(parse_cache_size("12 K") == -1);
}

TEST_CASE("a cache level nothing describes falls back") {
  // No machine has a level 9 cache, and sysconf has no name -1.
  CHECK(reported_cache_bytes(9, -1, 12345) == 12345);
  // The last-level cache this machine reports, from whichever source, is at least an L1's size.
  CHECK(reported_cache_bytes(3, _SC_LEVEL3_CACHE_SIZE, std::int64_t{32} << 20) >=
        (std::int64_t{16} << 10));
}

TEST_CASE("the output is streamed beyond a quarter of the L3, and beyond 56 MiB always") {
  constexpr std::int64_t MiB = std::int64_t{1} << 20;
  CHECK(streaming_threshold_bytes(32 * MiB) == 8 * MiB);    // the AMD machine
  CHECK(streaming_threshold_bytes(224 * MiB) == 56 * MiB);  // where the two rules meet
  CHECK(streaming_threshold_bytes(480 * MiB) == 56 * MiB);  // the Intel VM reports its host's L3
  CHECK(streaming_threshold_bytes(1 * MiB) == MiB / 4);
}

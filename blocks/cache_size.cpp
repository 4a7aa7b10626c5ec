#include "blocks/cache_size.h"

#include <unistd.h>
#include <charconv>
#include <fstream>
#include <string>

namespace blockflow {

std::int64_t parse_cache_size(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data() || value <= 0) return -1;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.empty()) return value;
  if (unit == "K") return value << 10;
  if (unit == "M") return value << 20;
  if (unit == "G") return value << 30;
  return -1;
}

// sysfs first: glibc's sysconf gave 384 MiB of L3 on the AMD machine, whose L3 is 32 MiB, so
// nothing there was ever streamed.
std::int64_t reported_cache_bytes(int level, int sysconf_name, std::int64_t fallback) {
  for (int index = 0; index < 16; ++index) {
    const std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size");
    int found_level = 0;
    std::string type, size;
    if (!(level_file >> found_level)) break;
    if (found_level != level || !(type_file >> type) || type == "Instruction" ||
        !(size_file >> size))
      continue;
    if (const std::int64_t bytes = parse_cache_size(size); bytes > 0) return bytes;
  }
  const long size = sysconf(sysconf_name);
  return size > 0 ? static_cast<std::int64_t>(size) : fallback;
}

}  // namespace blockflow

#include "runtime/shape.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "runtime/error.h"

namespace blockflow {

namespace {
std::atomic<int> g_max_rank{kMaxRank};
}

int max_tensor_rank() { return g_max_rank.load(); }
void set_max_tensor_rank(int rank) { g_max_rank.store(std::clamp(rank, 0, kMaxRank)); }

std::int64_t checked_element_count(const Dims& dims) {
  if (dims.size() > static_cast<std::size_t>(max_tensor_rank())) {
    throw Error("rank " + std::to_string(dims.size()) + " exceeds the maximum rank " +
                std::to_string(max_tensor_rank()));
  }
  std::int64_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0) throw Error("shape " + dims_to_string(dims) + " has a negative dimension");
    if (d != 0 && count > std::numeric_limits<std::int64_t>::max() / d) {
      throw Error("shape " + dims_to_string(dims) + " has more elements than fit in int64");
    }
    count *= d;
  }
  return count;
}

Dims shape_from_port(const std::string& port, const Dims& dims, bool allow_unknown) {
  const std::int64_t lowest = allow_unknown ? kUnknownDim : 0;
  for (auto d : dims) {
    if (d < lowest) {
      throw PortError(port, std::string("dimensions must be >= 0") + (allow_unknown ? ", or -1 for unknown" : "") +
                                ", got " + dims_to_string(dims));
    }
  }
  if (dims.size() > static_cast<std::size_t>(max_tensor_rank())) {
    throw PortError(port, "rank " + std::to_string(dims.size()) + " exceeds the maximum rank " +
                              std::to_string(max_tensor_rank()));
  }
  return dims;
}

std::string dims_to_string(const Dims& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) text += ",";
    text += dims[i] < 0 ? "?" : std::to_string(dims[i]);
  }
  return text + "]";
}

bool PartialShape::fully_known() const {
  if (!dims) return false;
  for (auto d : *dims)
    if (d < 0) return false;
  return true;
}

bool PartialShape::accepts(const Dims& concrete) const {
  if (!dims) return true;
  if (dims->size() != concrete.size()) return false;
  for (std::size_t i = 0; i < concrete.size(); ++i) {
    if ((*dims)[i] >= 0 && (*dims)[i] != concrete[i]) return false;
  }
  return true;
}

std::string PartialShape::to_string() const {
  return dims ? dims_to_string(*dims) : std::string("<unknown rank>");
}

}  // namespace blockflow

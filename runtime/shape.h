#pragma once
// Tensor shapes. Dims are int64; -1 marks an unknown dim during inference.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blockflow {

inline constexpr int kMaxRank = 8;
inline constexpr std::int64_t kUnknownDim = -1;

using Dims = std::vector<std::int64_t>;

// The largest rank a tensor may have: kMaxRank unless lowered (CLI --max-rank).
int max_tensor_rank();
void set_max_tensor_rank(int rank);

// Product of dims; throws Error on a negative dim, a rank over the limit, or int64 overflow.
std::int64_t checked_element_count(const Dims& dims);
// "[2,1,1,4]"
std::string dims_to_string(const Dims& dims);

// A shape typed into a port: dims >= 0 (or -1 for unknown when allow_unknown) and a rank within
// the limit. Throws PortError naming the port.
Dims shape_from_port(const std::string& port, const Dims& dims, bool allow_unknown);

// A shape known only in part: unknown rank (nullopt) or dims that may be -1.
struct PartialShape {
  std::optional<Dims> dims;

  static PartialShape unknown() { return {}; }
  static PartialShape of(Dims d) { return PartialShape{std::move(d)}; }

  bool rank_known() const { return dims.has_value(); }
  int rank() const { return dims ? static_cast<int>(dims->size()) : -1; }
  bool fully_known() const;
  // Whether a concrete shape fits this partial shape.
  bool accepts(const Dims& concrete) const;
  // "[?,?,?,3]" or "<unknown rank>"
  std::string to_string() const;
  bool operator==(const PartialShape&) const = default;
};

}  // namespace blockflow

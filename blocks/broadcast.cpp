#include "blocks/broadcast.h"

#include <algorithm>

#include "runtime/error.h"

namespace blockflow {

namespace {

std::int64_t broadcast_pair(std::int64_t a, std::int64_t b, bool& ok) {
  if (a == b) return a;
  if (a == 1) return b;
  if (b == 1) return a;
  if (a == kUnknownDim) return b;  // b is known and not 1: a must be b (or 1) at run time
  if (b == kUnknownDim) return a;
  ok = false;
  return a;
}

}  // namespace

Dims broadcast_dims(const Dims& x, const Dims& y, const std::string& port) {
  const std::size_t rank = std::max(x.size(), y.size());
  Dims out(rank, 1);
  bool ok = true;
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t a = i < x.size() ? x[x.size() - 1 - i] : 1;
    const std::int64_t b = i < y.size() ? y[y.size() - 1 - i] : 1;
    out[rank - 1 - i] = broadcast_pair(a, b, ok);
  }
  if (!ok)
    throw PortError(port,
                    "Incompatible shapes: " + dims_to_string(x) + " vs. " + dims_to_string(y));
  return out;
}

BroadcastIndex::BroadcastIndex(const Dims& operand, const Dims& output)
    : output_dims_(output), operand_strides_(output.size(), 0) {
  identity_ = operand == output;
  std::int64_t stride = 1;
  for (std::size_t i = 0; i < operand.size(); ++i) {
    const std::size_t from_right = operand.size() - 1 - i;
    const std::size_t at = output.size() - 1 - i;
    operand_strides_[at] = operand[from_right] == 1 ? 0 : stride;
    stride *= operand[from_right];
  }
}

std::int64_t BroadcastIndex::operator()(std::int64_t output_index) const {
  if (identity_) return output_index;
  std::int64_t operand_index = 0;
  for (std::size_t i = output_dims_.size(); i-- > 0;) {
    const std::int64_t dim = output_dims_[i];
    operand_index += (output_index % dim) * operand_strides_[i];
    output_index /= dim;
  }
  return operand_index;
}

}  // namespace blockflow

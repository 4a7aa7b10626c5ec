#pragma once
// NumPy/TensorFlow broadcasting of two shapes: dims are aligned from the right and each pair must
// be equal or contain a 1.
#include <cstdint>

#include "runtime/shape.h"

namespace blockflow {

// The broadcast shape. Dims may be -1 (unknown) during inference; a pair is then resolved when
// the other dim is known and not 1. Throws PortError(port, "Incompatible shapes: [2,3] vs. [4]").
Dims broadcast_dims(const Dims& x, const Dims& y, const std::string& port);

// Maps flat indices of the broadcast output to flat indices of one operand.
class BroadcastIndex {
 public:
  BroadcastIndex(const Dims& operand, const Dims& output);
  std::int64_t operator()(std::int64_t output_index) const;

 private:
  Dims output_dims_;
  Dims operand_strides_;  // 0 where the operand is broadcast, aligned with output_dims_
  bool identity_ = false;
};

}  // namespace blockflow

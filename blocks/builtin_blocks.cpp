#include "blocks/builtin_blocks.h"

namespace blockflow {

const BlockRegistry& builtin_registry() {
  static const BlockRegistry registry = [] {
    BlockRegistry r;
    register_source_blocks(r);
    register_random_blocks(r);
    register_depthwise_conv2d_native(r);
    return r;
  }();
  return registry;
}

}  // namespace blockflow

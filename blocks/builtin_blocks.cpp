#include "blocks/builtin_blocks.h"

namespace blockflow {

const BlockRegistry& builtin_registry() {
  static const BlockRegistry registry = [] {
    BlockRegistry r;
    register_source_blocks(r);
    register_random_blocks(r);
    register_depthwise_conv2d_native(r);
    register_depthwise_backprop(r);
    register_conv2d(r);
    register_pool_blocks(r);
    register_batch_norm(r);
    register_elementwise_blocks(r);
    register_shape_blocks(r);
    register_image_blocks(r);
    return r;
  }();
  return registry;
}

}  // namespace blockflow

#pragma once
// The block library. Each block (or small family) lives in its own file with a register
// function; builtin_registry() calls them all once.
#include "runtime/registry.h"

namespace blockflow {

void register_source_blocks(BlockRegistry& registry);  // Const, Placeholder
void register_random_blocks(BlockRegistry& registry);  // RandomUniform, RandomStandardNormal, TruncatedNormal
void register_depthwise_conv2d_native(BlockRegistry& registry);
void register_depthwise_backprop(BlockRegistry& registry);  // ...BackpropInput, ...BackpropFilter
void register_conv2d(BlockRegistry& registry);
void register_pool_blocks(BlockRegistry& registry);         // MaxPool, AvgPool
void register_batch_norm(BlockRegistry& registry);          // FusedBatchNorm (inference)
void register_elementwise_blocks(BlockRegistry& registry);  // Identity, Cast, Relu, Relu6, Abs,
                                                            // Square, Sqrt, Add, Mul, BiasAdd
void register_shape_blocks(BlockRegistry& registry);        // Reshape, Transpose
void register_image_blocks(BlockRegistry& registry);        // ReadImage, WriteImage

// Every built-in block, registered once (thread-safe).
const BlockRegistry& builtin_registry();

}  // namespace blockflow

#pragma once
// The block library. Each block (or small family) lives in its own file with a register
// function; builtin_registry() calls them all once.
#include "runtime/registry.h"

namespace blockflow {

void register_source_blocks(BlockRegistry& registry);  // Const, Placeholder
void register_random_blocks(BlockRegistry& registry);  // RandomUniform, RandomStandardNormal, TruncatedNormal
void register_depthwise_conv2d_native(BlockRegistry& registry);

// Every built-in block, registered once (thread-safe).
const BlockRegistry& builtin_registry();

}  // namespace blockflow

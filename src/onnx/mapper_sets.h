#pragma once
// The per-family parts of the mapper table (see mapper_table.cpp).
#include <map>
#include <string>

#include "src/onnx/block_export.h"
#include "src/onnx/onnx_types.h"

namespace blockflow::onnx_export {

using MapperTable = std::map<std::string, BlockMapper>;

void add_source_mappers(MapperTable& table);       // Placeholder, Const, Random*
void add_convolution_mappers(MapperTable& table);  // DepthwiseConv2dNative, Conv2D, pools, batch norm
void add_elementwise_mappers(MapperTable& table);  // math, Identity, Cast, Reshape, Transpose

}  // namespace blockflow::onnx_export

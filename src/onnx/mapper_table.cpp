// Which ONNX mapping each block type has, and why the others have none.
#include <map>

#include "src/onnx/mapper_sets.h"

namespace blockflow::onnx_export {

namespace {

const MapperTable& mapper_table() {
  static const MapperTable table = [] {
    MapperTable t;
    add_source_mappers(t);
    add_convolution_mappers(t);
    add_elementwise_mappers(t);
    return t;
  }();
  return table;
}

const std::map<std::string, std::string>& unsupported_reasons() {
  static const std::map<std::string, std::string> reasons = {
      {"ReadImage", "reads an image file while the page runs, which ONNX models cannot do; feed the image "
                    "through a Placeholder instead"},
      {"WriteImage", "writes a file while the page runs, which ONNX models cannot do; fetch the tensor and "
                     "write it outside the model"},
      {"DepthwiseConv2dNativeBackpropInput", "is a training gradient, and ONNX has no inference operator for it"},
      {"DepthwiseConv2dNativeBackpropFilter", "is a training gradient, and ONNX has no inference operator for it"},
  };
  return reasons;
}

}  // namespace

const BlockMapper* find_block_mapper(const std::string& block_type) {
  auto it = mapper_table().find(block_type);
  return it == mapper_table().end() ? nullptr : &it->second;
}

std::string why_not_exportable(const std::string& block_type) {
  auto it = unsupported_reasons().find(block_type);
  return it == unsupported_reasons().end() ? "" : it->second;
}

}  // namespace blockflow::onnx_export

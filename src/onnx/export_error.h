#pragma once
// What goes wrong while exporting, always naming the block at fault when there is one.
#include <string>

#include "runtime/error.h"

namespace blockflow::onnx_export {

class ExportError : public Error {
 public:
  using Error::Error;
};

// "block 'dw' (DepthwiseConv2dNative): <message>"
[[noreturn]] inline void fail_block(const std::string& id, const std::string& type, const std::string& message) {
  throw ExportError("block '" + id + "' (" + type + "): " + message);
}

}  // namespace blockflow::onnx_export

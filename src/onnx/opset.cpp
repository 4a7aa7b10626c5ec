#include "src/onnx/opset.h"

#include <string>

#include <onnx/defs/schema.h>

#include "src/onnx/export_error.h"

namespace blockflow::onnx_export {

int newest_known_opset() {
  return onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map().at(onnx::ONNX_DOMAIN).second;
}

void check_opset(int opset) {
  if (opset < kMinOpset)
    throw ExportError("opset " + std::to_string(opset) + " is too old: blockflow exports opset " +
                      std::to_string(kMinOpset) + " to " + std::to_string(newest_known_opset()));
  if (opset > newest_known_opset())
    throw ExportError("opset " + std::to_string(opset) + " is newer than this build's ONNX library knows (" +
                      std::to_string(newest_known_opset()) + "); blockflow exports opset " +
                      std::to_string(kMinOpset) + " to " + std::to_string(newest_known_opset()));
}

}  // namespace blockflow::onnx_export

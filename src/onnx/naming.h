#pragma once
// Names in the exported graph. Block ids hold only letters, digits, '_' and '-', so the shapes
// below never collide with each other or across blocks:
//   BLOCK            a graph input (Placeholder) or initializer (constant source block);
//                    also the name of the block's main node
//   BLOCK.PORT       a block's output, and a graph output (what `blockflow run --fetch` names)
//   BLOCK/PURPOSE    a helper tensor or node inside one block's mapping (transposes, reshapes)
#include <string>

#include "runtime/graph.h"

namespace blockflow::onnx_export {

inline std::string source_value_name(const std::string& block) { return block; }
inline std::string output_value_name(const PortRef& port) { return port.to_string(); }
inline std::string helper_name(const std::string& block, const std::string& purpose) {
  return block + "/" + purpose;
}

}  // namespace blockflow::onnx_export

#include "runtime/diagnostic.h"

namespace blockflow {

std::string Diagnostic::to_string() const {
  std::string text;
  if (!block.empty()) text.append("block '").append(block).append("'");
  if (!port.empty()) {
    if (!text.empty()) text.push_back(' ');
    text.append("port '").append(port).append("'");
  }
  if (!text.empty()) text.append(": ");
  return text + message;
}

}  // namespace blockflow

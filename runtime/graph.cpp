#include "runtime/graph.h"

namespace blockflow {

std::optional<PortRef> parse_port_ref(const std::string& text) {
  const auto dot = text.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
  return PortRef{text.substr(0, dot), text.substr(dot + 1)};
}

const BlockInstance* Graph::find_block(const std::string& id) const {
  for (const auto& block : blocks)
    if (block.id == id) return &block;
  return nullptr;
}

BlockInstance* Graph::find_block(const std::string& id) {
  for (auto& block : blocks)
    if (block.id == id) return &block;
  return nullptr;
}

}  // namespace blockflow

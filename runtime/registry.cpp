#include "runtime/registry.h"

#include <algorithm>

#include "runtime/error.h"
#include "runtime/value_parser.h"

namespace blockflow {

void BlockRegistry::add(BlockSpec spec) {
  if (specs_.count(spec.name)) throw Error("block type '" + spec.name + "' is registered twice");
  for (auto& port : spec.ports) {
    if (!port.is_input() || port.kind == PortKind::Tensor) continue;
    port.parsed_default.reset();
    try {
      port.parsed_default = std::make_shared<const PortValue>(default_port_value(port));
    } catch (const std::exception&) {
      // A default that does not parse stays text: binding reports it on the block that uses it.
    }
  }
  auto name = spec.name;
  specs_.emplace(std::move(name), std::make_unique<BlockSpec>(std::move(spec)));
}

const BlockSpec* BlockRegistry::find(const std::string& name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : it->second.get();
}

std::vector<const BlockSpec*> BlockRegistry::all() const {
  std::vector<const BlockSpec*> result;
  for (const auto& [name, spec] : specs_) result.push_back(spec.get());
  std::stable_sort(result.begin(), result.end(), [](const BlockSpec* a, const BlockSpec* b) {
    return a->category < b->category;
  });
  return result;
}

}  // namespace blockflow

#pragma once
// All block types by name. Each block file provides a register function that adds its spec;
// builtin_registry() holds the library's blocks (see blocks/builtin_blocks.cpp).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/block_spec.h"

namespace blockflow {

class BlockRegistry {
 public:
  // Throws Error if a block of the same name is already registered.
  void add(BlockSpec spec);
  const BlockSpec* find(const std::string& name) const;
  // Sorted by category, then name: the order of the CLI catalog and the editor palette.
  std::vector<const BlockSpec*> all() const;

 private:
  std::map<std::string, std::unique_ptr<BlockSpec>> specs_;
};

}  // namespace blockflow

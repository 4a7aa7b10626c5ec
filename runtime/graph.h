#pragma once
// A description of a dataflow graph: blocks with raw values and links between ports.
// It says nothing of how it runs (see compiled_graph.h and executor.h).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/tensor.h"

namespace blockflow {

struct PortRef {
  std::string block;
  std::string port;
  std::string to_string() const { return block + "." + port; }
  bool operator==(const PortRef&) const = default;
  auto operator<=>(const PortRef&) const = default;
};

// Parses "BLOCK.PORT" (split at the last dot). Returns nullopt when malformed.
std::optional<PortRef> parse_port_ref(const std::string& text);

struct BlockInstance {
  std::string id;
  std::string type;
  // Port values by port name, as the page gives them: enuSpace text strings or JSON.
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
};

struct Link {
  PortRef from;
  PortRef to;
};

struct Graph {
  std::vector<BlockInstance> blocks;
  std::vector<Link> links;
  std::string base_dir;  // folder against which relative file paths in values resolve
  bool allow_outside_files = false;  // see BlockEnvironment

  const BlockInstance* find_block(const std::string& id) const;
  BlockInstance* find_block(const std::string& id);
};

// Tensors fed to Placeholder blocks, by block id.
using Feeds = std::map<std::string, Tensor>;

}  // namespace blockflow

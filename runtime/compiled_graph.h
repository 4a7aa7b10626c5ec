#pragma once
// A graph after validation: block specs resolved, values parsed, links checked, nodes in
// dependency order and every output's dtype and shape inferred. The executor runs only this.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/block_spec.h"
#include "runtime/diagnostic.h"
#include "runtime/graph.h"
#include "runtime/registry.h"

namespace blockflow {

struct InputBinding {
  std::string port;           // the consumer's input port
  int producer = -1;          // node index
  std::string producer_port;  // storage port of the producer (aliases resolved)
};

struct CompiledNode {
  std::string id;
  const BlockSpec* spec = nullptr;
  BoundValues values;
  std::string values_text;  // canonical dump of the raw values, for change detection
  std::vector<InputBinding> inputs;
  std::vector<int> consumers;                  // distinct node indices
  std::map<std::string, TensorInfo> outputs;   // inferred, by storage port
  std::map<std::string, Tensor> constants;     // outputs whose values inference already knew
  bool inferred = false;                       // false when inference failed or was not reached
};

struct CompiledGraph {
  std::vector<CompiledNode> nodes;  // in dependency order
  std::map<std::string, int> index;
  BlockEnvironment env;

  const CompiledNode* find(const std::string& id) const;
  // The outputs of blocks that feed nothing (aliases left out).
  std::vector<PortRef> default_fetches() const;
  // Inferred info of BLOCK.PORT (aliases resolved), if known.
  const TensorInfo* output_info(const PortRef& ref) const;
};

struct CompileResult {
  std::shared_ptr<const CompiledGraph> graph;  // also present with problems, as far as inferred
  Diagnostics diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

// Validates the whole graph and reports every problem at once. Feeds refine Placeholder shapes.
CompileResult compile_graph(const Graph& graph, const BlockRegistry& registry,
                            const Feeds& feeds = {});

}  // namespace blockflow

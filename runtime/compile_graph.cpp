// Validation and static inference of a whole graph.
#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "runtime/compiled_graph.h"
#include "runtime/text_util.h"
#include "runtime/value_parser.h"

namespace blockflow {

const CompiledNode* CompiledGraph::find(const std::string& id) const {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &nodes[static_cast<std::size_t>(it->second)];
}

std::vector<PortRef> CompiledGraph::default_fetches() const {
  std::vector<PortRef> fetches;
  for (const auto& node : nodes) {
    if (!node.consumers.empty()) continue;
    for (const PortSpec* port : node.spec->outputs())
      if (port->alias_of.empty()) fetches.push_back({node.id, port->name});
  }
  return fetches;
}

const TensorInfo* CompiledGraph::output_info(const PortRef& ref) const {
  const CompiledNode* node = find(ref.block);
  if (!node) return nullptr;
  auto it = node->outputs.find(node->spec->storage_port(ref.port));
  return it == node->outputs.end() ? nullptr : &it->second;
}

namespace {

class GraphCompiler {
 public:
  GraphCompiler(const Graph& graph, const BlockRegistry& registry, const Feeds& feeds)
      : graph_(graph), registry_(registry), feeds_(feeds) {}

  CompileResult run() {
    auto compiled = std::make_shared<CompiledGraph>();
    compiled->env.base_dir = graph_.base_dir;
    compiled->env.allow_outside_files = graph_.allow_outside_files;
    bind_blocks();
    check_feeds();
    bind_links();
    check_required_inputs();
    const std::vector<int> order = dependency_order();
    build_nodes(*compiled, order);
    infer(*compiled);
    return {compiled, std::move(diagnostics_)};
  }

 private:
  // An input port of a block, by the block's index in pending_ and the port's spec.
  struct InputKey {
    int block;
    const PortSpec* port;
    bool operator==(const InputKey&) const = default;
  };
  struct InputKeyHash {
    std::size_t operator()(const InputKey& key) const {
      return std::hash<const PortSpec*>{}(key.port) * 31 + static_cast<std::size_t>(key.block);
    }
  };

  struct Pending {
    const BlockInstance* block;
    const BlockSpec* spec;
    BoundValues values;
    std::vector<InputBinding> inputs;  // producer holds a pending index until build_nodes
  };

  void report(const std::string& block, const std::string& port, const std::string& message) {
    diagnostics_.push_back({block, port, message});
  }

  void bind_blocks() {
    for (const auto& block : graph_.blocks) {
      if (block.id.empty()) {
        report("", "", "a block of type '" + block.type + "' has an empty id");
        continue;
      }
      if (by_id_.count(block.id)) {
        report(block.id, "", "duplicate block id '" + block.id + "'");
        continue;
      }
      const BlockSpec* spec = registry_.find(block.type);
      if (!spec) {
        report(block.id, "", "unknown block type '" + block.type + "'");
        unknown_.insert(block.id);
        continue;
      }
      by_id_[block.id] = static_cast<int>(pending_.size());
      pending_.push_back({&block, spec, bind_values(block, *spec), {}});
    }
  }

  BoundValues bind_values(const BlockInstance& block, const BlockSpec& spec) {
    BoundValues values;
    if (!block.values.is_object()) {
      report(block.id, "", "values must be an object of port values");
      return values;
    }
    for (const auto& [name, raw] : block.values.items()) {
      const PortSpec* port = spec.find_port(name);
      if (!port) {
        report(block.id, name, "unknown port (block type '" + spec.name + "' has " +
                                   port_list(spec) + ")");
      } else if (port->is_output()) {
        report(block.id, name, "is an output port and takes no value");
      }
    }
    for (const auto& port : spec.ports) {
      if (!port.is_input() || port.kind == PortKind::Tensor) continue;
      try {
        auto it = block.values.find(port.name);
        values.set(port.name, it == block.values.end() ? default_port_value(port)
                                                       : parse_port_value(port, *it));
      } catch (const PortError& e) {
        report(block.id, port.name, e.what());
      } catch (const std::exception& e) {
        report(block.id, port.name, e.what());
      }
    }
    return values;
  }

  static std::string port_list(const BlockSpec& spec) {
    std::vector<std::string> names;
    for (const auto& port : spec.ports) names.push_back(port.name);
    return join(names, ", ");
  }

  void check_feeds() {
    for (const auto& [id, tensor] : feeds_) {
      auto it = by_id_.find(id);
      if (it == by_id_.end()) {
        report(id, "", "a feed names block '" + id + "', which is not on the page");
      } else if (!pending_[static_cast<std::size_t>(it->second)].spec->takes_feed) {
        report(id, "", "a feed names block '" + id + "', which is a " +
                           pending_[static_cast<std::size_t>(it->second)].spec->name +
                           ", not a Placeholder");
      }
    }
  }

  // One end of a link: the block's index in pending_ and its port spec.
  struct End {
    int block = -1;
    const PortSpec* port = nullptr;
  };

  // Resolves one end of a link; reports and returns no port when it does not exist.
  End resolve_end(const PortRef& ref, const char* role) {
    if (unknown_.count(ref.block)) return {};  // already reported as an unknown type
    auto it = by_id_.find(ref.block);
    if (it == by_id_.end()) {
      report(ref.block, ref.port, std::string("link ") + role + " a block that does not exist");
      return {};
    }
    const BlockSpec& spec = *pending_[static_cast<std::size_t>(it->second)].spec;
    const PortSpec* port = spec.find_port(ref.port);
    if (!port) {
      report(ref.block, ref.port, std::string("link ") + role + " an unknown port (block type '" +
                                      spec.name + "' has " + port_list(spec) + ")");
    }
    return {it->second, port};
  }

  void bind_links() {
    std::unordered_map<InputKey, PortRef, InputKeyHash> linked_inputs;
    for (const auto& link : graph_.links) {
      const End from_end = resolve_end(link.from, "comes from");
      const End to_end = resolve_end(link.to, "goes to");
      const PortSpec* from = from_end.port;
      const PortSpec* to = to_end.port;
      // A link whose source is broken still counts as linking the input: no second complaint.
      if (to && to->is_input()) attempted_inputs_.insert({to_end.block, to});
      if (!from || !to) continue;
      if (!from->is_output()) {
        report(link.from.block, link.from.port, "is an input port; a link must start at an output");
        continue;
      }
      if (!to->is_input()) {
        report(link.to.block, link.to.port, "is an output port; a link must end at an input");
        continue;
      }
      if (to->kind != PortKind::Tensor) {
        report(link.to.block, link.to.port,
               "type mismatch: the port takes " + port_type_text(*to) + ", but " +
                   link.from.to_string() + " gives a tensor");
        continue;
      }
      auto [existing, inserted] = linked_inputs.emplace(InputKey{to_end.block, to}, link.from);
      if (!inserted) {
        report(link.to.block, link.to.port,
               "is linked twice: from " + existing->second.to_string() + " and from " +
                   link.from.to_string());
        continue;
      }
      const int producer = from_end.block;
      const auto& producer_spec = *pending_[static_cast<std::size_t>(producer)].spec;
      pending_[static_cast<std::size_t>(to_end.block)].inputs.push_back(
          {link.to.port, producer, producer_spec.storage_port(link.from.port)});
    }
  }

  void check_required_inputs() {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      const Pending& pending = pending_[i];
      for (const PortSpec* port : pending.spec->inputs()) {
        if (port->kind != PortKind::Tensor || !port->required) continue;
        if (!attempted_inputs_.count({static_cast<int>(i), port}))
          report(pending.block->id, port->name, "required input is not linked");
      }
    }
  }

  // Kahn's algorithm, stable in page order. Blocks on a cycle are reported with the cycle's path.
  std::vector<int> dependency_order() {
    const auto count = pending_.size();
    std::vector<int> indegree(count, 0);
    std::vector<std::vector<int>> consumers(count);
    for (std::size_t i = 0; i < count; ++i) {
      std::set<int> producers;
      for (const auto& input : pending_[i].inputs) producers.insert(input.producer);
      for (int p : producers) {
        consumers[static_cast<std::size_t>(p)].push_back(static_cast<int>(i));
        ++indegree[i];
      }
    }
    std::vector<int> order;
    std::set<int> ready;
    for (std::size_t i = 0; i < count; ++i)
      if (indegree[i] == 0) ready.insert(static_cast<int>(i));
    while (!ready.empty()) {
      const int node = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(node);
      for (int c : consumers[static_cast<std::size_t>(node)])
        if (--indegree[static_cast<std::size_t>(c)] == 0) ready.insert(c);
    }
    if (order.size() < count) report_cycles(indegree);
    return order;
  }

  void report_cycles(const std::vector<int>& indegree) {
    // Walk backwards along producers among the blocks left over until a block repeats.
    std::set<int> reported;
    for (std::size_t start = 0; start < pending_.size(); ++start) {
      if (indegree[start] == 0 || reported.count(static_cast<int>(start))) continue;
      std::vector<int> path;
      std::map<int, std::size_t> seen;
      int node = static_cast<int>(start);
      while (!seen.count(node)) {
        seen[node] = path.size();
        path.push_back(node);
        for (const auto& input : pending_[static_cast<std::size_t>(node)].inputs) {
          if (indegree[static_cast<std::size_t>(input.producer)] > 0) {
            node = input.producer;
            break;
          }
        }
      }
      std::vector<int> cycle(path.begin() + static_cast<std::ptrdiff_t>(seen[node]), path.end());
      std::reverse(cycle.begin(), cycle.end());  // in the direction data flows
      // Start at the block that comes first on the page, so the message is stable.
      std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
      bool fresh = true;
      for (int n : cycle) fresh = fresh && !reported.count(n);
      for (int n : path) reported.insert(n);
      if (!fresh) continue;
      std::string text;
      for (int n : cycle) text += pending_[static_cast<std::size_t>(n)].block->id + " -> ";
      text += pending_[static_cast<std::size_t>(cycle.front())].block->id;
      report(pending_[static_cast<std::size_t>(cycle.front())].block->id, "",
             "links form a cycle: " + text);
    }
  }

  void build_nodes(CompiledGraph& compiled, const std::vector<int>& order) {
    std::vector<int> new_index(pending_.size(), -1);
    for (std::size_t i = 0; i < order.size(); ++i) new_index[static_cast<std::size_t>(order[i])] = static_cast<int>(i);
    for (int old : order) {
      auto& pending = pending_[static_cast<std::size_t>(old)];
      CompiledNode node;
      node.id = pending.block->id;
      node.spec = pending.spec;
      node.values = std::move(pending.values);
      node.values_text = pending.block->values.dump();
      for (auto input : pending.inputs) {
        input.producer = new_index[static_cast<std::size_t>(input.producer)];
        node.inputs.push_back(std::move(input));
      }
      compiled.index[node.id] = static_cast<int>(compiled.nodes.size());
      compiled.nodes.push_back(std::move(node));
    }
    for (std::size_t i = 0; i < compiled.nodes.size(); ++i) {
      std::set<int> producers;
      for (const auto& input : compiled.nodes[i].inputs) producers.insert(input.producer);
      for (int p : producers) compiled.nodes[static_cast<std::size_t>(p)].consumers.push_back(static_cast<int>(i));
    }
  }

  // Checks a linked tensor against what the input port accepts.
  bool input_accepts(const CompiledNode& node, const PortSpec& port, const InputBinding& binding,
                     const CompiledGraph& compiled, const TensorInfo& info) {
    const auto& producer = compiled.nodes[static_cast<std::size_t>(binding.producer)];
    const std::string source = producer.id + "." + binding.producer_port;
    if (!port.allowed_dtypes.empty() &&
        std::find(port.allowed_dtypes.begin(), port.allowed_dtypes.end(), info.dtype) ==
            port.allowed_dtypes.end()) {
      report(node.id, port.name, "dtype mismatch: the port takes " + port_type_text(port) + ", but " +
                                     source + " gives " + std::string(dtype_name(info.dtype)));
      return false;
    }
    if (port.rank >= 0 && info.shape.rank_known() && info.shape.rank() != port.rank) {
      report(node.id, port.name, "rank mismatch: the port takes rank " + std::to_string(port.rank) +
                                     ", but " + source + " gives " + info.to_string());
      return false;
    }
    return true;
  }

  void infer(CompiledGraph& compiled) {
    for (auto& node : compiled.nodes) {
      std::map<std::string, TensorInfo> inputs;
      std::map<std::string, Tensor> constants;
      bool inputs_known = true;
      for (const auto& binding : node.inputs) {
        const auto& producer = compiled.nodes[static_cast<std::size_t>(binding.producer)];
        auto it = producer.outputs.find(binding.producer_port);
        if (!producer.inferred || it == producer.outputs.end()) {
          inputs_known = false;  // the upstream problem is already reported
          continue;
        }
        if (!input_accepts(node, *node.spec->find_port(binding.port), binding, compiled, it->second))
          inputs_known = false;
        inputs[binding.port] = it->second;
        auto constant = producer.constants.find(binding.producer_port);
        if (constant != producer.constants.end()) constants[binding.port] = constant->second;
      }
      if (!inputs_known || has_block_problem(node.id) || !required_inputs_present(node, inputs)) continue;
      infer_node(node, std::move(inputs), std::move(constants), compiled.env);
    }
  }

  // A required input can be absent here only when its link was broken, which is reported already.
  static bool required_inputs_present(const CompiledNode& node, const std::map<std::string, TensorInfo>& inputs) {
    for (const PortSpec* port : node.spec->inputs())
      if (port->kind == PortKind::Tensor && port->required && !inputs.count(port->name)) return false;
    return true;
  }

  bool has_block_problem(const std::string& id) const {
    return std::any_of(diagnostics_.begin(), diagnostics_.end(),
                       [&](const Diagnostic& d) { return d.block == id; });
  }

  void infer_node(CompiledNode& node, std::map<std::string, TensorInfo> inputs,
                  std::map<std::string, Tensor> constants, const BlockEnvironment& env) {
    auto feed = feeds_.find(node.id);
    InferContext context(node.values, env, std::move(inputs), feed == feeds_.end() ? nullptr : &feed->second,
                         std::move(constants));
    try {
      node.spec->infer(context);
      for (const auto& [port, info] : context.outputs()) {
        try {
          if (info.shape.fully_known()) checked_tensor_bytes(info.dtype, *info.shape.dims);
        } catch (const Error& e) {
          throw PortError(port, e.what());
        }
      }
      node.outputs = context.outputs();
      node.constants = context.constants();
      node.inferred = true;
    } catch (const PortError& e) {
      report(node.id, e.port(), e.what());
    } catch (const std::exception& e) {
      report(node.id, "", e.what());
    }
  }

  const Graph& graph_;
  const BlockRegistry& registry_;
  const Feeds& feeds_;
  std::vector<Pending> pending_;
  // Hashed, not ordered: looked up once per link end, 20,000 times on a 10,000-block chain.
  std::unordered_map<std::string, int> by_id_;
  std::unordered_set<std::string> unknown_;
  std::unordered_set<InputKey, InputKeyHash> attempted_inputs_;
  Diagnostics diagnostics_;
};

}  // namespace

CompileResult compile_graph(const Graph& graph, const BlockRegistry& registry, const Feeds& feeds) {
  return GraphCompiler(graph, registry, feeds).run();
}

}  // namespace blockflow

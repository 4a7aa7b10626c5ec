#pragma once
// Builds a runtime Graph from page-like JSON text, so engine tests need not depend on the page
// serializer: {"blocks": [{"id","type","values"}], "links": [{"from","to"}]}.
#include <string>

#include <nlohmann/json.hpp>

#include "blocks/builtin_blocks.h"
#include "runtime/compiled_graph.h"
#include "runtime/executor.h"

namespace blockflow::test {

inline Graph graph_from_text(const std::string& text) {
  const auto document = nlohmann::ordered_json::parse(text);
  Graph graph;
  for (const auto& block : document.at("blocks")) {
    graph.blocks.push_back({block.at("id").get<std::string>(), block.at("type").get<std::string>(),
                            block.value("values", nlohmann::ordered_json::object())});
  }
  if (document.contains("links")) {
    for (const auto& link : document.at("links")) {
      graph.links.push_back({*parse_port_ref(link.at("from").get<std::string>()),
                             *parse_port_ref(link.at("to").get<std::string>())});
    }
  }
  return graph;
}

inline const char* kSeedExample = R"({
  "blocks": [
    {"id": "input", "type": "Const",
     "values": {"dtype": "float", "shape": "2,2,2,2", "value": "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"}},
    {"id": "filter", "type": "Const",
     "values": {"dtype": "float", "shape": "2,2,2,2", "value": "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"}},
    {"id": "dw", "type": "DepthwiseConv2dNative",
     "values": {"strides": "1,2,2,1", "padding": "SAME", "attrs": "data_format_ = NHWC;"}}
  ],
  "links": [
    {"from": "input.output", "to": "dw.input"},
    {"from": "filter.output", "to": "dw.filter"}
  ]
})";

// Diagnostics joined one per line, for readable failures and substring checks.
inline std::string joined(const Diagnostics& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += d.to_string() + "\n";
  return text;
}

inline CompileResult compile_text(const std::string& text, const Feeds& feeds = {}) {
  return compile_graph(graph_from_text(text), builtin_registry(), feeds);
}

}  // namespace blockflow::test

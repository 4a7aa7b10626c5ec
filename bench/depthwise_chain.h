#pragma once
// The graph both engine benchmarks run: a chain of DepthwiseConv2dNative blocks.
#include <string>

#include "runtime/graph.h"

namespace blockflow::bench {

inline BlockInstance block(std::string id, std::string type, nlohmann::ordered_json values) {
  return {std::move(id), std::move(type), std::move(values)};
}

// x -> dw0 -> dw1 -> ... -> dw{n-1}, every dw sharing filter f. `shape` is NHWC "N,H,W,C".
inline Graph depthwise_chain(int blocks, const std::string& shape, const std::string& filter_shape) {
  Graph g;
  g.blocks.push_back(block("x", "Const", {{"dtype", "float"}, {"shape", shape}, {"value", "1"}}));
  g.blocks.push_back(block("f", "Const", {{"dtype", "float"}, {"shape", filter_shape}, {"value", "0.125"}}));
  std::string previous = "x";
  for (int i = 0; i < blocks; ++i) {
    const std::string id = "dw" + std::to_string(i);
    g.blocks.push_back(block(id, "DepthwiseConv2dNative", {{"strides", "1,1,1,1"}, {"padding", "SAME"}}));
    g.links.push_back({{previous, "output"}, {id, "input"}});
    g.links.push_back({{"f", "output"}, {id, "filter"}});
    previous = id;
  }
  return g;
}

}  // namespace blockflow::bench

#pragma once
// One problem found in a graph, naming the block and port at fault.
#include <string>
#include <vector>

namespace blockflow {

struct Diagnostic {
  std::string block;  // empty for problems of the whole graph
  std::string port;   // empty when the block as a whole is at fault
  std::string message;
  // "block 'dw' port 'strides': ..." 
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

}  // namespace blockflow

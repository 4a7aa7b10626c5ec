#pragma once
// Runs one block's inference and kernel directly on tensors, the way the executor would, for
// block-level tests that need no page.
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "blocks/builtin_blocks.h"
#include "tests/support/bound_values.h"

namespace blockflow::test {

inline const BlockSpec& block_spec(const std::string& type) {
  const BlockSpec* spec = builtin_registry().find(type);
  if (!spec) throw Error("no block type " + type);
  return *spec;
}

// Static inference from the inputs' dtypes and shapes.
inline std::map<std::string, TensorInfo> infer_block(const std::string& type,
                                                     const nlohmann::json& values,
                                                     const std::map<std::string, Tensor>& inputs,
                                                     const BlockEnvironment& env = {}) {
  const BlockSpec& spec = block_spec(type);
  const BoundValues bound = bind_values(spec, values);
  std::map<std::string, TensorInfo> infos;
  for (const auto& [port, tensor] : inputs)
    infos[port] = {tensor.dtype(), PartialShape::of(tensor.dims())};
  InferContext context(bound, env, infos, nullptr);
  spec.infer(context);
  return context.outputs();
}

inline std::map<std::string, Tensor> run_block(const std::string& type,
                                               const nlohmann::json& values,
                                               const std::map<std::string, Tensor>& inputs,
                                               const BlockEnvironment& env = {}) {
  const BlockSpec& spec = block_spec(type);
  const BoundValues bound = bind_values(spec, values);
  static const std::function<bool()> never_cancelled = [] { return false; };
  KernelContext context(bound, env, inputs, nullptr, nullptr, never_cancelled);
  spec.kernel(context);
  return context.outputs();
}

// The message of the PortError a call throws, as "port: message", or "" when it does not throw.
template <typename Fn>
std::string port_error(Fn&& fn) {
  try {
    fn();
  } catch (const PortError& e) {
    return e.port() + ": " + e.what();
  }
  return "";
}

}  // namespace blockflow::test

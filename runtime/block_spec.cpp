#include "runtime/block_spec.h"

#include "runtime/error.h"

namespace blockflow {

std::string TensorInfo::to_string() const {
  return std::string(dtype_name(dtype)) + " " + shape.to_string();
}

bool BoundValues::has(const std::string& port) const {
  auto it = values_.find(port);
  return it != values_.end() && !std::holds_alternative<std::monostate>(it->second);
}

const PortValue& BoundValues::get(const std::string& port) const {
  auto it = values_.find(port);
  if (it == values_.end() || std::holds_alternative<std::monostate>(it->second))
    throw PortError(port, "has no value");
  return it->second;
}

const IntList& BoundValues::int_list(const std::string& port) const { return std::get<IntList>(get(port)); }
std::int64_t BoundValues::integer(const std::string& port) const { return std::get<std::int64_t>(get(port)); }
double BoundValues::real(const std::string& port) const { return std::get<double>(get(port)); }
const std::string& BoundValues::text(const std::string& port) const { return std::get<std::string>(get(port)); }
DType BoundValues::dtype(const std::string& port) const { return std::get<DType>(get(port)); }
const Attrs& BoundValues::attrs(const std::string& port) const { return std::get<Attrs>(get(port)); }

const TensorInfo* InferContext::input(const std::string& port) const {
  auto it = inputs_.find(port);
  return it == inputs_.end() ? nullptr : &it->second;
}

const Tensor* InferContext::constant(const std::string& port) const {
  auto it = constant_inputs_.find(port);
  return it == constant_inputs_.end() ? nullptr : &it->second;
}

const Tensor& KernelContext::input(const std::string& port) const {
  auto it = inputs_.find(port);
  if (it == inputs_.end()) throw PortError(port, "is not linked");
  return it->second;
}

void KernelContext::parallel_for(std::int64_t total, std::int64_t min_chunk,
                                 const std::function<void(std::int64_t, std::int64_t)>& body) const {
  if (parallel_for_) {
    parallel_for_(total, min_chunk, body);
  } else if (total > 0) {
    body(0, total);
  }
}

void KernelContext::check_cancelled() const {
  if (cancelled_ && cancelled_()) throw CancelledError();
}

const PortSpec* BlockSpec::find_port(const std::string& port_name) const {
  for (const auto& port : ports)
    if (port.name == port_name) return &port;
  return nullptr;
}

std::vector<const PortSpec*> BlockSpec::inputs() const {
  std::vector<const PortSpec*> result;
  for (const auto& port : ports)
    if (port.is_input()) result.push_back(&port);
  return result;
}

std::vector<const PortSpec*> BlockSpec::outputs() const {
  std::vector<const PortSpec*> result;
  for (const auto& port : ports)
    if (port.is_output()) result.push_back(&port);
  return result;
}

std::string BlockSpec::storage_port(const std::string& output_port) const {
  const PortSpec* port = find_port(output_port);
  return port && !port->alias_of.empty() ? port->alias_of : output_port;
}

}  // namespace blockflow

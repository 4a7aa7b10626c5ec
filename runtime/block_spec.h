#pragma once
// A block type as the registry knows it: declared ports, a shape/dtype inference function and a
// kernel, in the spirit of TensorFlow's op registration (spec, shape function, kernel).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/port.h"
#include "runtime/shape.h"
#include "runtime/tensor.h"
#include "runtime/value.h"

namespace blockflow {

// What inference knows of a tensor before anything runs.
struct TensorInfo {
  DType dtype = DType::Float32;
  PartialShape shape;
  std::string to_string() const;  // "float32 [2,1,1,4]"
  bool operator==(const TensorInfo&) const = default;
};

// The typed values of a block's value ports, by port name.
class BoundValues {
 public:
  void set(const std::string& port, PortValue value) { values_[port] = std::move(value); }
  bool has(const std::string& port) const;
  const IntList& int_list(const std::string& port) const;
  std::int64_t integer(const std::string& port) const;
  double real(const std::string& port) const;
  const std::string& text(const std::string& port) const;  // enum or string
  DType dtype(const std::string& port) const;
  const Attrs& attrs(const std::string& port) const;
  const std::map<std::string, PortValue>& all() const { return values_; }

 private:
  const PortValue& get(const std::string& port) const;
  std::map<std::string, PortValue> values_;
};

// Things a block may need from the host, e.g. where the page lives for relative file paths.
struct BlockEnvironment {
  std::string base_dir;  // folder of the page; relative paths in values resolve against it
  // Files outside base_dir (../, absolute paths, symlinks leading out) are refused unless allowed.
  bool allow_outside_files = false;
};

class InferContext {
 public:
  // constant_inputs: the values of linked inputs already known at validation (see constant()).
  InferContext(const BoundValues& values, const BlockEnvironment& env,
               std::map<std::string, TensorInfo> inputs, const Tensor* feed,
               std::map<std::string, Tensor> constant_inputs = {})
      : values_(values), env_(env), inputs_(std::move(inputs)), feed_(feed),
        constant_inputs_(std::move(constant_inputs)) {}
  const BoundValues& values() const { return values_; }
  const BlockEnvironment& env() const { return env_; }
  // Info for a linked tensor input, or nullptr when the input is not linked.
  const TensorInfo* input(const std::string& port) const;
  // The tensor fed to this block for inference, if any (Placeholder).
  const Tensor* feed() const { return feed_; }
  void set_output(const std::string& port, TensorInfo info) { outputs_[port] = std::move(info); }
  const std::map<std::string, TensorInfo>& outputs() const { return outputs_; }
  // The value of a linked input when its producer knew it at validation (a small Const), else
  // nullptr. Lets a block whose shape depends on a tensor's values (the depthwise gradients'
  // input_sizes) infer that shape before anything runs.
  const Tensor* constant(const std::string& port) const;
  // Publishes an output's value for the consumers' constant(); only for small tensors that the
  // kernel will produce unchanged.
  void set_constant(const std::string& port, Tensor value) { constants_[port] = std::move(value); }
  const std::map<std::string, Tensor>& constants() const { return constants_; }

 private:
  const BoundValues& values_;
  const BlockEnvironment& env_;
  std::map<std::string, TensorInfo> inputs_;
  const Tensor* feed_;
  std::map<std::string, Tensor> constant_inputs_;
  std::map<std::string, TensorInfo> outputs_;
  std::map<std::string, Tensor> constants_;
};

// Splits [0, total) into chunks run on the executor's pool; the caller takes part.
using ParallelFor = std::function<void(std::int64_t total, std::int64_t min_chunk,
                                       const std::function<void(std::int64_t, std::int64_t)>&)>;

class KernelContext {
 public:
  KernelContext(const BoundValues& values, const BlockEnvironment& env,
                std::map<std::string, Tensor> inputs, const Tensor* feed, ParallelFor parallel_for,
                const std::function<bool()>& cancelled, int workers = 1)
      : values_(values), env_(env), inputs_(std::move(inputs)), feed_(feed),
        parallel_for_(std::move(parallel_for)), cancelled_(cancelled), workers_(workers) {}
  const BoundValues& values() const { return values_; }
  const BlockEnvironment& env() const { return env_; }
  bool has_input(const std::string& port) const { return inputs_.count(port) != 0; }
  const Tensor& input(const std::string& port) const;
  const Tensor* feed() const { return feed_; }
  void set_output(const std::string& port, Tensor tensor) { outputs_[port] = std::move(tensor); }
  std::map<std::string, Tensor>& outputs() { return outputs_; }
  void parallel_for(std::int64_t total, std::int64_t min_chunk,
                    const std::function<void(std::int64_t, std::int64_t)>& body) const;
  // Throws CancelledError when the run was cancelled; long kernels call it between chunks.
  void check_cancelled() const;
  // Threads that may share a parallel_for (the caller included): kernels size their work
  // items for them.
  int workers() const { return workers_; }

 private:
  const BoundValues& values_;
  const BlockEnvironment& env_;
  std::map<std::string, Tensor> inputs_;
  const Tensor* feed_;
  ParallelFor parallel_for_;
  const std::function<bool()>& cancelled_;
  int workers_;
  std::map<std::string, Tensor> outputs_;
};

using InferFn = std::function<void(InferContext&)>;
using KernelFn = std::function<void(KernelContext&)>;

struct BlockSpec {
  std::string name;
  std::string category;
  std::string doc;
  std::vector<PortSpec> ports;
  InferFn infer;
  KernelFn kernel;
  bool takes_feed = false;  // a Placeholder: its tensor comes from the run's feeds

  const PortSpec* find_port(const std::string& port_name) const;
  std::vector<const PortSpec*> inputs() const;
  std::vector<const PortSpec*> outputs() const;
  // The output port whose tensor a port shows: itself, or what alias_of names.
  std::string storage_port(const std::string& output_port) const;
};

}  // namespace blockflow

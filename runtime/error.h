#pragma once
// Errors carry where they happened (block, port) so every message a user sees
// names the place at fault. Kernels and parsers throw; the executor and the
// validator catch and attach the block id.
#include <stdexcept>
#include <string>

namespace blockflow {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// An error in a value or tensor bound to one port of one block.
class PortError : public Error {
 public:
  PortError(std::string port, const std::string& message)
      : Error(message), port_(std::move(port)) {}
  const std::string& port() const { return port_; }

 private:
  std::string port_;
};

// Raised when a tensor would exceed the configured allocation cap.
class AllocationError : public Error {
 public:
  using Error::Error;
};

// Raised inside kernels when the run was cancelled.
class CancelledError : public Error {
 public:
  CancelledError() : Error("run cancelled") {}
};

}  // namespace blockflow

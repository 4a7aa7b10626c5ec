#pragma once
// A dense tensor: dtype, shape and a 64-byte aligned, shared, row-major buffer.
// Copying a Tensor shares the buffer (cheap); clone() makes a deep copy.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include <unsupported/Eigen/CXX11/Tensor>

#include "runtime/dtype.h"
#include "runtime/error.h"
#include "runtime/shape.h"

namespace blockflow {

inline constexpr std::size_t kTensorAlignment = 64;
// The page that uninitialized_at_page_offset places a tensor's first element within.
inline constexpr std::size_t kTensorPageBytes = 4096;

// Cap on the bytes of one tensor allocation (default 4 GiB). A shape that asks for more
// fails with AllocationError instead of taking the machine down.
std::int64_t max_tensor_bytes();
void set_max_tensor_bytes(std::int64_t bytes);
// Bytes held by all tensor buffers alive in the process (leak and release checks, benchmarks).
std::int64_t live_tensor_bytes();

// "3.5 GiB", for messages about sizes.
std::string format_bytes(std::int64_t bytes);
// Throws AllocationError naming the shape when it would exceed the cap.
std::int64_t checked_tensor_bytes(DType dtype, const Dims& dims);

class Tensor {
 public:
  Tensor() = default;
  // Allocates zero-initialised storage.
  Tensor(DType dtype, Dims dims);
  // Allocates storage without zero-filling it, for kernels that write every element.
  static Tensor uninitialized(DType dtype, Dims dims);
  // The same, with the first element `page_offset` bytes (a multiple of 64, below 4096) into a
  // 4 KiB page: a kernel that walks two tensors in steps of whole pages places its output so
  // that output and input do not share cache sets and low address bits.
  static Tensor uninitialized_at_page_offset(DType dtype, Dims dims, std::size_t page_offset);

  template <typename T>
  static Tensor from_values(Dims dims, std::span<const T> values);

  // False for a default-constructed handle that holds no tensor.
  bool is_set() const { return initialised_; }
  DType dtype() const { return dtype_; }
  const Dims& dims() const { return dims_; }
  int rank() const { return static_cast<int>(dims_.size()); }
  std::int64_t dim(int i) const { return dims_.at(static_cast<std::size_t>(i)); }
  std::int64_t element_count() const { return element_count_; }
  std::int64_t byte_size() const { return element_count_ * static_cast<std::int64_t>(dtype_size(dtype_)); }

  void* raw_data() { return buffer_.get(); }
  const void* raw_data() const { return buffer_.get(); }

  template <typename T>
  T* data() {
    check_type<T>();
    return static_cast<T*>(raw_data());
  }
  template <typename T>
  const T* data() const {
    check_type<T>();
    return static_cast<const T*>(raw_data());
  }
  template <typename T>
  std::span<T> values() {
    return {data<T>(), static_cast<std::size_t>(element_count_)};
  }
  template <typename T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<std::size_t>(element_count_)};
  }

  // Eigen view for kernels; rank must match.
  template <typename T, int Rank>
  Eigen::TensorMap<Eigen::Tensor<T, Rank, Eigen::RowMajor, Eigen::Index>, Eigen::Aligned64> eigen() {
    return {data<T>(), eigen_dims<Rank>()};
  }
  template <typename T, int Rank>
  Eigen::TensorMap<Eigen::Tensor<const T, Rank, Eigen::RowMajor, Eigen::Index>, Eigen::Aligned64>
  eigen() const {
    return {data<T>(), eigen_dims<Rank>()};
  }

  Tensor clone() const;
  // Same buffer, new dims of equal element count.
  Tensor reshaped(Dims dims) const;
  // Element i converted to double (for printing and statistics).
  double element_as_double(std::int64_t index) const;
  // Byte-for-byte equality of dtype, dims and contents.
  bool identical(const Tensor& other) const;

 private:
  template <typename T>
  void check_type() const {
    if (dtype_of<T>() != dtype_) {
      throw Error(std::string("tensor holds ") + std::string(dtype_name(dtype_)) + ", not " +
                  std::string(dtype_name(dtype_of<T>())));
    }
  }
  // `page_offset`: as in uninitialized_at_page_offset, or kAnyPageOffset.
  static constexpr std::size_t kAnyPageOffset = SIZE_MAX;
  Tensor(DType dtype, Dims dims, bool zero_fill, std::size_t page_offset = kAnyPageOffset);
  template <int Rank>
  Eigen::DSizes<Eigen::Index, Rank> eigen_dims() const {
    if (rank() != Rank) throw Error("tensor rank " + std::to_string(rank()) + " is not " + std::to_string(Rank));
    Eigen::DSizes<Eigen::Index, Rank> sizes;
    for (int i = 0; i < Rank; ++i) sizes[i] = static_cast<Eigen::Index>(dims_[static_cast<std::size_t>(i)]);
    return sizes;
  }

  DType dtype_ = DType::Float32;
  Dims dims_;
  std::int64_t element_count_ = 0;
  std::shared_ptr<std::byte> buffer_;
  bool initialised_ = false;
};

template <typename T>
Tensor Tensor::from_values(Dims dims, std::span<const T> values) {
  Tensor tensor(dtype_of<T>(), std::move(dims));
  if (static_cast<std::int64_t>(values.size()) != tensor.element_count()) {
    throw Error("expected " + std::to_string(tensor.element_count()) + " values for shape " +
                dims_to_string(tensor.dims()) + ", got " + std::to_string(values.size()));
  }
  if (!values.empty()) std::memcpy(tensor.raw_data(), values.data(), values.size() * sizeof(T));
  return tensor;
}

}  // namespace blockflow

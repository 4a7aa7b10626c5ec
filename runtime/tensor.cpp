#include "runtime/tensor.h"

#include <atomic>
#include <new>

#include "runtime/tensor_memory.h"

namespace blockflow {

namespace {
std::atomic<std::int64_t> g_max_tensor_bytes{std::int64_t{4} << 30};

std::string human_bytes(std::int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  char text[64];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

std::atomic<std::int64_t> g_live_bytes{0};

struct AlignedDelete {
  std::size_t bytes;
  void operator()(std::byte* p) const {
    g_live_bytes.fetch_sub(static_cast<std::int64_t>(bytes));
    free_tensor_block(p, bytes);
  }
};
}  // namespace

std::string format_bytes(std::int64_t bytes) { return human_bytes(bytes); }

std::int64_t live_tensor_bytes() { return g_live_bytes.load(); }

std::int64_t max_tensor_bytes() { return g_max_tensor_bytes.load(); }
void set_max_tensor_bytes(std::int64_t bytes) { g_max_tensor_bytes.store(bytes); }

std::int64_t checked_tensor_bytes(DType dtype, const Dims& dims) {
  const std::int64_t count = checked_element_count(dims);
  const auto element = static_cast<std::int64_t>(dtype_size(dtype));
  const std::int64_t cap = max_tensor_bytes();
  if (count > cap / element) {
    throw AllocationError("a " + std::string(dtype_name(dtype)) + " tensor of shape " +
                          dims_to_string(dims) + " needs " +
                          (count > INT64_MAX / element ? std::string("more than 8 EiB")
                                                       : human_bytes(count * element)) +
                          ", over the limit of " + human_bytes(cap) + " per tensor");
  }
  return count * element;
}

Tensor::Tensor(DType dtype, Dims dims) : Tensor(dtype, std::move(dims), true) {}

Tensor Tensor::uninitialized(DType dtype, Dims dims) { return Tensor(dtype, std::move(dims), false); }

Tensor Tensor::uninitialized_at_page_offset(DType dtype, Dims dims, std::size_t page_offset) {
  if (page_offset % kTensorAlignment != 0 || page_offset >= kTensorPageBytes)
    throw Error("page offset " + std::to_string(page_offset) + " is not a multiple of " +
                std::to_string(kTensorAlignment) + " below " + std::to_string(kTensorPageBytes));
  return Tensor(dtype, std::move(dims), false, page_offset);
}

Tensor::Tensor(DType dtype, Dims dims, bool zero_fill, std::size_t page_offset)
    : dtype_(dtype), dims_(std::move(dims)), initialised_(true) {
  const std::int64_t bytes = checked_tensor_bytes(dtype_, dims_);
  element_count_ = checked_element_count(dims_);
  // Round up so vector kernels may read a full last register without leaving the allocation.
  const auto padded = static_cast<std::size_t>((bytes + 63) / 64 * 64 + 64);
  // A placed tensor takes up to a page more, to start where it was asked to.
  const std::size_t lead_room = page_offset == kAnyPageOffset ? 0 : kTensorPageBytes;
  std::byte* memory = allocate_tensor_block(padded + lead_room);
  g_live_bytes.fetch_add(static_cast<std::int64_t>(padded + lead_room));
  const std::shared_ptr<std::byte> owner(memory, AlignedDelete{padded + lead_room});
  const std::size_t lead =
      lead_room == 0 ? 0 : (page_offset + kTensorPageBytes - reinterpret_cast<std::uintptr_t>(memory) % kTensorPageBytes) % kTensorPageBytes;
  if (zero_fill) std::memset(memory + lead, 0, padded);
  buffer_ = std::shared_ptr<std::byte>(owner, memory + lead);
}

Tensor Tensor::clone() const {
  Tensor copy(dtype_, dims_);
  if (byte_size() > 0) std::memcpy(copy.raw_data(), raw_data(), static_cast<std::size_t>(byte_size()));
  return copy;
}

Tensor Tensor::reshaped(Dims dims) const {
  if (checked_element_count(dims) != element_count_) {
    throw Error("cannot reshape " + dims_to_string(dims_) + " to " + dims_to_string(dims));
  }
  Tensor view = *this;
  view.dims_ = std::move(dims);
  return view;
}

double Tensor::element_as_double(std::int64_t index) const {
  return visit_dtype(dtype_, [&](auto zero) -> double {
    using T = decltype(zero);
    return static_cast<double>(static_cast<const T*>(raw_data())[index]);
  });
}

bool Tensor::identical(const Tensor& other) const {
  if (dtype_ != other.dtype_ || dims_ != other.dims_) return false;
  if (byte_size() == 0) return true;
  return std::memcmp(raw_data(), other.raw_data(), static_cast<std::size_t>(byte_size())) == 0;
}

}  // namespace blockflow

#pragma once
// NumPy .npy files (format versions 1, 2 and 3): float16/32/64, int32/64, uint8, bool, either
// byte order; Fortran-order arrays are transposed into row-major on reading.
#include <filesystem>
#include <string>

#include "runtime/tensor.h"

namespace blockflow {

// Throws Error naming the file and what is wrong with it.
Tensor read_npy(const std::filesystem::path& path);
Tensor parse_npy(const std::string& bytes, const std::string& name_for_errors);
// Only the dtype and shape, from the header (for inference without loading the data).
struct NpyHeader {
  DType dtype = DType::Float32;
  Dims dims;
  bool fortran_order = false;
  bool big_endian = false;
  std::size_t data_offset = 0;
};
NpyHeader read_npy_header(const std::filesystem::path& path);
NpyHeader parse_npy_header(const std::string& bytes, const std::string& name_for_errors);

// Little-endian, C order, version 1 (2 when the header needs it). bfloat16 has no .npy dtype
// and is refused; cast it first.
std::string encode_npy(const Tensor& tensor);
// Written atomically: a temporary file next to the target, flushed, then renamed.
void write_npy(const std::filesystem::path& path, const Tensor& tensor);

}  // namespace blockflow

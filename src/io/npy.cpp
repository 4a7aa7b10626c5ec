#include "src/io/npy.h"

#include <algorithm>
#include <cstring>
#include <regex>

#include "runtime/error.h"
#include "src/io/atomic_file.h"

namespace blockflow {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
constexpr std::size_t kMaxHeaderBytes = 1 << 20;

struct DescrEntry {
  char kind;
  int size;
  DType dtype;
};
constexpr DescrEntry kDescrs[] = {
    {'f', 2, DType::Float16}, {'f', 4, DType::Float32}, {'f', 8, DType::Float64},
    {'i', 4, DType::Int32},   {'i', 8, DType::Int64},   {'u', 1, DType::UInt8},
    {'b', 1, DType::Bool},
};

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw Error(name + ": not a readable .npy file: " + what);
}

std::uint32_t little_endian(const std::string& bytes, std::size_t offset, int width) {
  std::uint32_t value = 0;
  for (int i = width - 1; i >= 0; --i)
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
  return value;
}

std::string dict_field(const std::string& header, const std::string& key) {
  // 'key': value   where value runs to the next top-level comma or brace
  const std::string quoted_single = "'" + key + "'";
  const std::string quoted_double = "\"" + key + "\"";
  std::size_t at = header.find(quoted_single);
  std::size_t key_size = quoted_single.size();
  if (at == std::string::npos) {
    at = header.find(quoted_double);
    key_size = quoted_double.size();
  }
  if (at == std::string::npos) return {};
  std::size_t pos = header.find(':', at + key_size);
  if (pos == std::string::npos) return {};
  ++pos;
  int depth = 0;
  std::size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(' || c == '[') ++depth;
    else if (c == ')' || c == ']') --depth;
    else if ((c == ',' || c == '}') && depth == 0) break;
  }
  std::string value = header.substr(pos, end - pos);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t") + 1);
  return value;
}

DType parse_descr(const std::string& value, bool& big_endian, const std::string& name) {
  std::smatch match;
  // At most three digits of item size: std::stoi must never see a number it cannot hold.
  static const std::regex pattern(R"(^['"]([<>|=])([a-zA-Z])(\d{1,3})['"]$)");
  if (!std::regex_match(value, match, pattern)) fail(name, "unsupported descr " + value);
  big_endian = match[1] == ">";
  const char kind = match[2].str()[0];
  const int size = std::stoi(match[3].str());
  for (const auto& entry : kDescrs)
    if (entry.kind == kind && entry.size == size) return entry.dtype;
  fail(name, "unsupported dtype " + value +
                 " (supported: float16, float32, float64, int32, int64, uint8, bool)");
}

Dims parse_shape(const std::string& value, const std::string& name) {
  if (value.size() < 2 || value.front() != '(' || value.back() != ')') fail(name, "malformed shape " + value);
  Dims dims;
  std::string token;
  for (std::size_t i = 1; i + 1 <= value.size() - 1; ++i) {
    const char c = value[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      token += c;
    } else if (c == ',' || c == ' ' || c == 'L') {
      if (!token.empty()) {
        if (token.size() > 18) fail(name, "dimension too large in shape " + value);
        dims.push_back(std::stoll(token));
        token.clear();
      }
    } else {
      fail(name, "malformed shape " + value);
    }
  }
  if (!token.empty()) {
    if (token.size() > 18) fail(name, "dimension too large in shape " + value);
    dims.push_back(std::stoll(token));
  }
  if (dims.size() > static_cast<std::size_t>(max_tensor_rank()))
    fail(name, "rank " + std::to_string(dims.size()) + " is over the maximum " + std::to_string(max_tensor_rank()));
  return dims;
}

void swap_bytes(std::byte* data, std::int64_t count, std::size_t width) {
  if (width == 1) return;
  for (std::int64_t i = 0; i < count; ++i) std::reverse(data + i * static_cast<std::int64_t>(width), data + (i + 1) * static_cast<std::int64_t>(width));
}

// Fortran order stores the array with its axes reversed; reverse them back into row-major.
void fortran_to_row_major(const std::byte* source, std::byte* target, const Dims& dims, std::size_t width) {
  const std::int64_t count = checked_element_count(dims);
  const std::size_t rank = dims.size();
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t linear = 0; linear < count; ++linear) {
    // index is the row-major multi-index of `linear`; its column-major offset reads the source.
    std::int64_t offset = 0;
    std::int64_t stride = 1;
    for (std::size_t axis = 0; axis < rank; ++axis) {
      offset += index[axis] * stride;
      stride *= dims[axis];
    }
    std::memcpy(target + linear * static_cast<std::int64_t>(width), source + offset * static_cast<std::int64_t>(width), width);
    for (std::size_t axis = rank; axis-- > 0;) {
      if (++index[axis] < dims[axis]) break;
      index[axis] = 0;
    }
  }
}

std::string descr_of(DType dtype) {
  switch (dtype) {
    case DType::Float16: return "<f2";
    case DType::Float32: return "<f4";
    case DType::Float64: return "<f8";
    case DType::Int32: return "<i4";
    case DType::Int64: return "<i8";
    case DType::UInt8: return "|u1";
    case DType::Bool: return "|b1";
    case DType::BFloat16: break;
  }
  throw Error("bfloat16 has no .npy dtype; cast the tensor to float32 first");
}

}  // namespace

NpyHeader parse_npy_header(const std::string& bytes, const std::string& name) {
  if (bytes.size() < kMagicSize + 4 || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
    fail(name, "missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) fail(name, "format version " + std::to_string(major) + " is not supported");
  const int length_width = major == 1 ? 2 : 4;
  const std::size_t prefix = kMagicSize + 2 + static_cast<std::size_t>(length_width);
  if (bytes.size() < prefix) fail(name, "truncated header");
  const std::size_t header_length = little_endian(bytes, kMagicSize + 2, length_width);
  if (header_length > kMaxHeaderBytes || prefix + header_length > bytes.size()) fail(name, "truncated header");
  const std::string header = bytes.substr(prefix, header_length);

  NpyHeader result;
  result.data_offset = prefix + header_length;
  const std::string descr = dict_field(header, "descr");
  const std::string order = dict_field(header, "fortran_order");
  const std::string shape = dict_field(header, "shape");
  if (descr.empty() || order.empty() || shape.empty()) fail(name, "header lacks descr, fortran_order or shape");
  result.dtype = parse_descr(descr, result.big_endian, name);
  if (order != "True" && order != "False") fail(name, "malformed fortran_order " + order);
  result.fortran_order = order == "True";
  result.dims = parse_shape(shape, name);
  return result;
}

NpyHeader read_npy_header(const std::filesystem::path& path) {
  // The header sits in the first bytes; reading the whole file is avoided for big arrays.
  std::string bytes = read_file(path).substr(0, kMaxHeaderBytes + 16);
  return parse_npy_header(bytes, path.string());
}

Tensor parse_npy(const std::string& bytes, const std::string& name) {
  const NpyHeader header = parse_npy_header(bytes, name);
  std::int64_t payload = 0;
  try {
    payload = checked_tensor_bytes(header.dtype, header.dims);
  } catch (const Error& e) {
    fail(name, e.what());
  }
  if (bytes.size() - header.data_offset != static_cast<std::size_t>(payload)) {
    fail(name, "shape " + dims_to_string(header.dims) + " needs " + std::to_string(payload) +
                   " data bytes, the file has " + std::to_string(bytes.size() - header.data_offset));
  }
  Tensor tensor(header.dtype, header.dims);
  const std::size_t width = dtype_size(header.dtype);
  auto* target = static_cast<std::byte*>(tensor.raw_data());
  const auto* source = reinterpret_cast<const std::byte*>(bytes.data() + header.data_offset);
  if (header.fortran_order && header.dims.size() > 1) {
    fortran_to_row_major(source, target, header.dims, width);
  } else if (payload > 0) {
    std::memcpy(target, source, static_cast<std::size_t>(payload));
  }
  if (header.big_endian) swap_bytes(target, tensor.element_count(), width);
  if (header.dtype == DType::Bool) {
    for (std::int64_t i = 0; i < tensor.element_count(); ++i) {
      if (static_cast<unsigned char>(target[i]) > 1) fail(name, "bool element " + std::to_string(i) + " is neither 0 nor 1");
    }
  }
  return tensor;
}

Tensor read_npy(const std::filesystem::path& path) { return parse_npy(read_file(path), path.string()); }

std::string encode_npy(const Tensor& tensor) {
  std::string shape = "(";
  for (std::size_t i = 0; i < tensor.dims().size(); ++i) shape += std::to_string(tensor.dims()[i]) + ", ";
  if (tensor.dims().size() > 1) shape.erase(shape.size() - 2);
  else if (tensor.dims().size() == 1) shape.erase(shape.size() - 1);
  shape += ")";
  std::string header = "{'descr': '" + descr_of(tensor.dtype()) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const bool version2 = header.size() + 1 + kMagicSize + 4 > 65535;
  const std::size_t prefix = kMagicSize + 2 + (version2 ? 4 : 2);
  const std::size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  std::string bytes(kMagic, kMagicSize);
  bytes += static_cast<char>(version2 ? 2 : 1);
  bytes += '\0';
  const std::size_t length = header.size();
  for (int i = 0; i < (version2 ? 4 : 2); ++i) bytes += static_cast<char>((length >> (8 * i)) & 0xff);
  bytes += header;
  bytes.append(static_cast<const char*>(tensor.raw_data()), static_cast<std::size_t>(tensor.byte_size()));
  return bytes;
}

void write_npy(const std::filesystem::path& path, const Tensor& tensor) {
  write_file_atomically(path, encode_npy(tensor));
}

}  // namespace blockflow

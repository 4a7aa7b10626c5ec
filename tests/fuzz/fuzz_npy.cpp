// .npy reading: any bytes give a tensor or an Error naming the file; a tensor read must write and
// read back identically.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "runtime/error.h"
#include "src/io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  blockflow::set_max_tensor_bytes(1 << 24);
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const blockflow::Tensor tensor = blockflow::parse_npy(bytes, "fuzz.npy");
    if (!blockflow::parse_npy(blockflow::encode_npy(tensor), "again.npy").identical(tensor)) std::abort();
  } catch (const blockflow::Error&) {
  }
  return 0;
}

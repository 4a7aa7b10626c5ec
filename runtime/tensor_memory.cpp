#include "runtime/tensor_memory.h"

#include <deque>
#include <mutex>
#include <new>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "runtime/tensor.h"

#if defined(__SANITIZE_ADDRESS__)
#define BLOCKFLOW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BLOCKFLOW_ASAN 1
#endif
#endif

namespace blockflow {

namespace {

// glibc's ceiling for M_MMAP_THRESHOLD: blocks this large are always mmap'd.
constexpr std::size_t kMmapCeiling = std::size_t{32} << 20;
// Blocks from this size on are kept on the shelf when freed.
constexpr std::size_t kLargeBlock = std::size_t{1} << 20;

// A graph run frees each intermediate just after allocating the next one. glibc's defaults would
// hand tensors above 128 KiB to mmap, or trim the freed heap top back to the kernel, so every
// block paid fresh page faults on its output (measured: 1.6 MiB output, 140 us kernel, +390 us
// of faults). Tensors below 32 MiB now come from the heap, and up to 256 MiB of freed heap is
// kept for the next allocation.
bool keep_freed_heap_memory() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapCeiling));
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  return true;
}

// Freed large blocks, oldest first.
class LargeBlockShelf {
 public:
  std::byte* take(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
      if (it->bytes != bytes) continue;
      std::byte* block = it->block;
      kept_bytes_ -= static_cast<std::int64_t>(bytes);
      blocks_.erase(std::next(it).base());
      return block;
    }
    return nullptr;
  }
  void put(std::byte* block, std::size_t bytes) {
    std::deque<Entry> evicted;
    {
      std::lock_guard lock(mutex_);
      blocks_.push_back({block, bytes});
      kept_bytes_ += static_cast<std::int64_t>(bytes);
      while (kept_bytes_ > kMaxKeptTensorBlockBytes) {
        evicted.push_back(blocks_.front());
        kept_bytes_ -= static_cast<std::int64_t>(blocks_.front().bytes);
        blocks_.pop_front();
      }
    }
    for (const Entry& e : evicted) release(e.block);
  }
  std::int64_t kept_bytes() {
    std::lock_guard lock(mutex_);
    return kept_bytes_;
  }
 private:
  struct Entry {
    std::byte* block;
    std::size_t bytes;
  };
  static void release(std::byte* block) { ::operator delete[](block, std::align_val_t{kTensorAlignment}); }
  std::mutex mutex_;
  std::deque<Entry> blocks_;
  std::int64_t kept_bytes_ = 0;
};

// Never destroyed: tensors held by static objects may be freed after static destruction.
LargeBlockShelf& shelf() {
  static auto* instance = new LargeBlockShelf;
  return *instance;
}

}  // namespace

bool tensor_blocks_are_kept() {
#if defined(BLOCKFLOW_ASAN)
  return false;
#else
  return true;
#endif
}

std::byte* allocate_tensor_block(std::size_t bytes) {
  static const bool tuned = keep_freed_heap_memory();
  (void)tuned;
  if (bytes >= kLargeBlock && tensor_blocks_are_kept())
    if (std::byte* block = shelf().take(bytes)) return block;
  return static_cast<std::byte*>(::operator new[](bytes, std::align_val_t{kTensorAlignment}));
}

void free_tensor_block(std::byte* block, std::size_t bytes) {
  if (bytes >= kLargeBlock && tensor_blocks_are_kept() && static_cast<std::int64_t>(bytes) <= kMaxKeptTensorBlockBytes) {
    shelf().put(block, bytes);
    return;
  }
  ::operator delete[](block, std::align_val_t{kTensorAlignment});
}

std::int64_t kept_tensor_block_bytes() { return shelf().kept_bytes(); }

}  // namespace blockflow

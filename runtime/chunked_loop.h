#pragma once
// One parallel loop over [0, total) split into `chunks` equal pieces that any thread may claim
// through counters, so threads that arrive late, or not at all, cost nothing. The first
// exception a piece throws is kept for the caller; the other pieces still run.
//
// The pieces are dealt into one contiguous share per expected thread (a lane). A thread works
// through its own lane first, in order, and only then takes what is left in the others. Claimed
// from one shared counter, the pieces went to the threads in turn (0, 2, 4, ... to one, 1, 3,
// ... to the other), so neither thread's pieces were neighbours: a depthwise layer's row blocks
// share their border input rows with the blocks next to them, and the next layer reads the rows
// this one wrote, both from the cache of the thread that touched them, when each thread keeps to
// one part of the image.
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

namespace blockflow {

class ChunkedLoop {
 public:
  using Body = std::function<void(std::int64_t, std::int64_t)>;

  // `body` must outlive every call of work() that can still claim a piece (until done()).
  // `lanes`: the threads expected to take part (at least 1).
  ChunkedLoop(const Body& body, std::int64_t total, std::int64_t chunks, int lanes = 1);

  // Runs pieces until none is left to claim, those of `lane` first (taken modulo the lanes).
  // True when this call finished the last piece.
  bool work(int lane = 0);

  bool done() const { return finished_.load(std::memory_order_acquire) == chunks_; }

  // Once done(): rethrows what a piece threw, if any.
  void rethrow_error() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // A lane's next piece and its end; a cache line each, as every claim writes one.
  struct alignas(64) Lane {
    std::atomic<std::int64_t> next{0};
    std::int64_t end = 0;
  };
  // Runs what is left of one lane; returns whether it finished the loop's last piece.
  bool drain(Lane& lane);

  const Body* body_;
  std::int64_t total_, chunks_;
  int lane_count_;
  std::unique_ptr<Lane[]> lanes_;
  std::atomic<std::int64_t> finished_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace blockflow

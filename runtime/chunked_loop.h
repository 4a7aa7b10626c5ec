#pragma once
// One parallel loop over [0, total) split into `chunks` equal pieces that any thread may claim
// through a counter, so threads that arrive late, or not at all, cost nothing. The first
// exception a piece throws is kept for the caller; the other pieces still run.
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>

namespace blockflow {

class ChunkedLoop {
 public:
  using Body = std::function<void(std::int64_t, std::int64_t)>;

  // `body` must outlive every call of work() that can still claim a piece (until done()).
  ChunkedLoop(const Body& body, std::int64_t total, std::int64_t chunks)
      : body_(&body), total_(total), chunks_(chunks) {}

  // Runs pieces until none is left to claim. True when this call finished the last piece.
  bool work() {
    bool finished_last = false;
    for (;;) {
      const std::int64_t chunk = next_.fetch_add(1);
      if (chunk >= chunks_) return finished_last;
      try {
        (*body_)(total_ * chunk / chunks_, total_ * (chunk + 1) / chunks_);
      } catch (...) {
        std::lock_guard lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      finished_last = finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks_;
    }
  }

  bool done() const { return finished_.load(std::memory_order_acquire) == chunks_; }

  // Once done(): rethrows what a piece threw, if any.
  void rethrow_error() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  const Body* body_;
  std::int64_t total_, chunks_;
  std::atomic<std::int64_t> next_{0}, finished_{0};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

}  // namespace blockflow

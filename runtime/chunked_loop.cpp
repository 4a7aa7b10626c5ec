#include "runtime/chunked_loop.h"

#include <algorithm>

namespace blockflow {

ChunkedLoop::ChunkedLoop(const Body& body, std::int64_t total, std::int64_t chunks, int lanes)
    : body_(&body),
      total_(total),
      chunks_(chunks),
      lane_count_(static_cast<int>(std::clamp<std::int64_t>(lanes, 1, std::max<std::int64_t>(1, chunks)))),
      lanes_(std::make_unique<Lane[]>(static_cast<std::size_t>(lane_count_))) {
  for (int i = 0; i < lane_count_; ++i) {
    lanes_[i].next.store(chunks_ * i / lane_count_, std::memory_order_relaxed);
    lanes_[i].end = chunks_ * (i + 1) / lane_count_;
  }
}

bool ChunkedLoop::work(int lane) {
  const int home = ((lane % lane_count_) + lane_count_) % lane_count_;
  bool finished_last = false;
  for (int i = 0; i < lane_count_; ++i) finished_last |= drain(lanes_[(home + i) % lane_count_]);
  return finished_last;
}

bool ChunkedLoop::drain(Lane& lane) {
  bool finished_last = false;
  for (;;) {
    const std::int64_t chunk = lane.next.fetch_add(1);
    if (chunk >= lane.end) return finished_last;
    try {
      (*body_)(total_ * chunk / chunks_, total_ * (chunk + 1) / chunks_);
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    finished_last = finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks_;
  }
}

}  // namespace blockflow

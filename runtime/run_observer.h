#pragma once
// Per-block progress of a run, for CLI progress lines and editor badges.
#include <atomic>
#include <string>
#include <string_view>

namespace blockflow {

enum class BlockStatus { Pending, Running, Done, Failed, Skipped };
std::string_view block_status_name(BlockStatus status);

struct BlockEvent {
  std::string block;
  BlockStatus status = BlockStatus::Pending;
  double seconds = 0;    // wall time of the kernel (Done, Failed)
  bool reused = false;   // Done without running: the result of an earlier run was still valid
  std::string message;   // the error (Failed) or the reason (Skipped)
};

// Called from worker threads; implementations must be thread-safe.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_block_event(const BlockEvent& event) = 0;
};

// Shared between the thread that runs and the one that may cancel.
class CancelToken {
 public:
  void cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace blockflow

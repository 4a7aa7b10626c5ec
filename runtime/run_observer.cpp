#include "runtime/run_observer.h"

namespace blockflow {

std::string_view block_status_name(BlockStatus status) {
  switch (status) {
    case BlockStatus::Pending: return "pending";
    case BlockStatus::Running: return "running";
    case BlockStatus::Done: return "done";
    case BlockStatus::Failed: return "failed";
    case BlockStatus::Skipped: return "skipped";
  }
  return "?";
}

}  // namespace blockflow

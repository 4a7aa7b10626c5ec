#pragma once
// Runs a compiled graph: dependency order, independent blocks in parallel on a thread pool
// (Eigen's ThreadPool, as TensorFlow uses), failures skip only what depends on them, and
// results of unchanged blocks are reused across runs.
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/compiled_graph.h"
#include "runtime/parallel_team.h"
#include "runtime/run_observer.h"

namespace Eigen {
class ThreadPoolInterface;
}

namespace blockflow {

struct RunOptions {
  Feeds feeds;                    // tensors for Placeholder blocks, by block id
  std::vector<PortRef> fetches;   // empty: default_fetches() of the graph
  RunObserver* observer = nullptr;
  const CancelToken* cancel = nullptr;
  // Keep every block's outputs after the run (the editor's result view and re-use). Otherwise
  // intermediates are released as soon as their consumers are done.
  bool keep_results = false;
  // Cap on the bytes of tensors the run holds at once; a block that would pass it fails.
  std::int64_t max_run_bytes = std::int64_t{16} << 30;
};

struct BlockOutcome {
  BlockStatus status = BlockStatus::Pending;
  double seconds = 0;
  bool reused = false;
  std::string message;
};

struct RunResult {
  std::map<std::string, BlockOutcome> blocks;
  std::vector<std::pair<PortRef, Tensor>> fetched;  // in the order asked for
  int computed = 0;                                 // blocks whose kernel ran
  int reused = 0;                                   // blocks whose earlier result was reused
  std::int64_t peak_bytes = 0;                      // most bytes of block outputs held at once
  bool ok() const;
  Diagnostics failures() const;  // one per failed block
  const Tensor* fetched_tensor(const PortRef& ref) const;
};

class Executor {
 public:
  // threads <= 0: one per hardware thread. threads == 1 runs everything on the calling thread.
  explicit Executor(int threads = 0);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Throws Error for a bad request (unknown fetch, missing or misfitting feed, unvalidated
  // graph); a block that fails while running is reported in the result instead.
  RunResult run(const CompiledGraph& graph, const RunOptions& options);

  int threads() const { return threads_; }
  // An output kept from an earlier run, if still valid for that block.
  std::optional<Tensor> kept_output(const PortRef& ref) const;
  void forget_results();

  // Runs body over [0,total) in chunks on the pool; the calling thread takes part, so this may
  // be called from inside a kernel without deadlock.
  void parallel_for(std::int64_t total, std::int64_t min_chunk,
                    const std::function<void(std::int64_t, std::int64_t)>& body);

 private:
  friend class GraphRun;
  struct KeptResult {
    std::size_t fingerprint = 0;
    std::map<std::string, Tensor> outputs;
  };

  int threads_;
  std::unique_ptr<Eigen::ThreadPoolInterface> pool_;
  std::unique_ptr<ParallelTeam> team_;  // kernels' parallel loops, when no other block holds it
  mutable std::mutex kept_mutex_;
  std::map<std::string, KeptResult> kept_;
};

}  // namespace blockflow

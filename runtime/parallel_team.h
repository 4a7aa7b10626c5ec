#pragma once
// A team of helper threads for one data-parallel loop at a time (a kernel's parallel_for).
//
// Why not only the executor's Eigen pool: its idle threads sleep after a few microseconds of
// spinning, so every parallel loop of a short kernel (a depthwise layer takes 20-300 us) paid a
// wake-up of a sleeping thread; on a virtual machine waking a halted vCPU takes longer than the
// loop itself. Team threads spin for a while after each loop, as OpenMP's and pthreadpool's do,
// so back-to-back loops find them awake; after that they block and cost nothing.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/chunked_loop.h"
#include "runtime/cpu_placement.h"

namespace blockflow {

class ParallelTeam {
 public:
  using Body = std::function<void(std::int64_t, std::int64_t)>;

  // `helpers` threads join whoever calls try_run.
  explicit ParallelTeam(int helpers);
  ~ParallelTeam();
  ParallelTeam(const ParallelTeam&) = delete;
  ParallelTeam& operator=(const ParallelTeam&) = delete;

  // Runs body over [0, total) as `chunks` equal pieces, claimed by the caller and the helpers.
  // Returns false at once, running nothing, when another caller has the team (blocks running
  // side by side); the caller then splits its loop some other way. Rethrows the first exception
  // a piece threw, after every piece has finished.
  bool try_run(std::int64_t total, std::int64_t chunks, const Body& body);

 private:
  void helper_loop(int lane);
  bool wait_for_new_job(std::uint64_t seen);

  std::vector<std::thread> threads_;
  HelperPlacement placement_;  // used under caller_mutex_
  std::mutex caller_mutex_;  // one loop at a time
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> epoch_{0};  // bumped for every loop (and at shutdown)
  std::atomic<ChunkedLoop*> job_{nullptr};
  std::atomic<int> helpers_inside_{0};  // helpers that may still touch *job_
  std::atomic<bool> stopping_{false};
};

}  // namespace blockflow

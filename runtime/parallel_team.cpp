#include "runtime/parallel_team.h"

#include <chrono>

namespace blockflow {

namespace {

// How long an idle helper keeps looking for the next loop before it blocks: long enough to
// bridge the gap between the loops of one kernel and between consecutive blocks.
constexpr auto kSpinTime = std::chrono::microseconds(300);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

ParallelTeam::ParallelTeam(int helpers) {
  for (int i = 0; i < helpers; ++i) threads_.emplace_back([this, i] { helper_loop(i + 1); });
}

ParallelTeam::~ParallelTeam() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_.store(true);
    epoch_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool ParallelTeam::try_run(std::int64_t total, std::int64_t chunks, const Body& body) {
  std::unique_lock caller(caller_mutex_, std::try_to_lock);
  if (!caller.owns_lock()) return false;
  placement_.keep_off_current_cpu(threads_);
  // The caller takes lane 0 and helper i lane i: the same thread gets the same part of every
  // loop of the same size, whose data it may still have in its cache.
  ChunkedLoop job(body, total, chunks, static_cast<int>(threads_.size()) + 1);
  job_.store(&job);
  {
    std::lock_guard lock(wake_mutex_);  // a helper between its check and its wait sees this
    epoch_.fetch_add(1);
  }
  wake_.notify_all();
  job.work(0);
  // The last pieces are in the helpers' hands and take a fraction of the loop: spin, then
  // yield the core in case a helper waits for it.
  for (int spins = 0; !job.done(); ++spins)
    spins < 4096 ? cpu_relax() : std::this_thread::yield();
  // No helper may touch the job once this returns: withdraw it, then wait for those that
  // picked it up (sequentially consistent, so a helper either is counted here or finds null).
  job_.store(nullptr);
  while (helpers_inside_.load() != 0) std::this_thread::yield();
  job.rethrow_error();
  return true;
}

bool ParallelTeam::wait_for_new_job(std::uint64_t seen) {
  const auto give_up = std::chrono::steady_clock::now() + kSpinTime;
  for (int spins = 0; epoch_.load(std::memory_order_acquire) == seen && !stopping_.load(); ++spins) {
    cpu_relax();
    if (spins % 64 == 63 && std::chrono::steady_clock::now() > give_up) {
      std::unique_lock lock(wake_mutex_);
      wake_.wait(lock, [&] { return epoch_.load() != seen || stopping_.load(); });
      break;
    }
  }
  return !stopping_.load();
}

void ParallelTeam::helper_loop(int lane) {
  // Epoch 0 is the team's start; a helper that starts late must still see every bump since.
  std::uint64_t seen = 0;
  while (wait_for_new_job(seen)) {
    seen = epoch_.load();
    helpers_inside_.fetch_add(1);
    if (ChunkedLoop* job = job_.load()) job->work(lane);
    helpers_inside_.fetch_sub(1);
  }
}

}  // namespace blockflow

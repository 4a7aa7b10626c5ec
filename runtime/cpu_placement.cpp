#include "runtime/cpu_placement.h"

#include <algorithm>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#endif

namespace blockflow {

#if defined(__linux__)

HelperPlacement::HelperPlacement() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  // The main thread's mask (its id is the process id): the creating thread may be pinned already,
  // and its helpers inherit that pin, which is what this class undoes.
  if (sched_getaffinity(getpid(), sizeof(mask), &mask) != 0) return;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) allowed_cpus_.push_back(cpu);
}

void HelperPlacement::keep_off_current_cpu(std::vector<std::thread>& helpers) {
  // With no CPU to spare the helpers must share the caller's anyway.
  if (helpers.empty() || helpers.size() >= allowed_cpus_.size()) return;
  const int cpu = sched_getcpu();
  if (cpu < 0 || cpu == placed_around_cpu_) return;
  if (!std::binary_search(allowed_cpus_.begin(), allowed_cpus_.end(), cpu)) return;  // mask changed since
  cpu_set_t others;
  CPU_ZERO(&others);
  for (int allowed : allowed_cpus_)
    if (allowed != cpu) CPU_SET(allowed, &others);
  for (auto& helper : helpers) pthread_setaffinity_np(helper.native_handle(), sizeof(others), &others);
  placed_around_cpu_ = cpu;
}

#else

HelperPlacement::HelperPlacement() = default;
void HelperPlacement::keep_off_current_cpu(std::vector<std::thread>&) {}

#endif

}  // namespace blockflow

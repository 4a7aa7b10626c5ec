#pragma once
// Where a parallel loop's helper threads may run, relative to the thread that calls the loop.
//
// Why: on a machine with few cores (and on virtual machines above all) the scheduler often
// wakes a sleeping helper on the caller's own CPU, behind the caller, and takes milliseconds to
// move it to the idle CPU next door; meanwhile the caller does every piece of the loop alone or
// is preempted by its own helper. Keeping helpers off the caller's CPU removes that placement.
#include <thread>
#include <vector>

namespace blockflow {

class HelperPlacement {
 public:
  // Captures the CPUs this process may use (the main thread's affinity mask at construction).
  HelperPlacement();

  // Keeps `helpers` off the CPU the calling thread runs on now, within the process's CPUs.
  // Cheap when nothing changed since the last call (no system call); does nothing where there
  // is no spare CPU for the helpers or the platform has no thread affinity.
  void keep_off_current_cpu(std::vector<std::thread>& helpers);

 private:
  std::vector<int> allowed_cpus_;
  int placed_around_cpu_ = -1;
};

}  // namespace blockflow

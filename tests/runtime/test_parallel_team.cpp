#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "runtime/executor.h"
#include "runtime/parallel_team.h"

using namespace blockflow;

TEST_CASE("A parallel team covers every index exactly once, loop after loop", "[executor]") {
  ParallelTeam team(1);
  for (int loop = 0; loop < 200; ++loop) {
    const std::int64_t total = 1 + loop * 37 % 1000;
    std::vector<std::atomic<int>> hits(static_cast<std::size_t>(total));
    std::atomic<int> pieces{0};
    REQUIRE(team.try_run(total, 8, [&](std::int64_t begin, std::int64_t end) {
      pieces.fetch_add(1);
      for (std::int64_t i = begin; i < end; ++i) hits[static_cast<std::size_t>(i)].fetch_add(1);
    }));
    CHECK(pieces.load() == 8);
    for (auto& h : hits) REQUIRE(h.load() == 1);
  }
}

TEST_CASE("A parallel team's helper really takes pieces", "[executor]") {
  ParallelTeam team(1);
  const auto caller = std::this_thread::get_id();
  std::atomic<bool> helper_ran{false};
  // Each piece waits a little, so the helper, awake or not, gets to claim some.
  for (int attempt = 0; attempt < 20 && !helper_ran; ++attempt)
    team.try_run(16, 16, [&](std::int64_t, std::int64_t) {
      if (std::this_thread::get_id() != caller) helper_ran = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  CHECK(helper_ran);
}

TEST_CASE("A parallel team rethrows a piece's exception after every piece is done", "[executor]") {
  ParallelTeam team(1);
  std::atomic<int> finished{0};
  auto failing = [&](std::int64_t begin, std::int64_t) {
    if (begin == 0) throw std::runtime_error("piece 0 failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    finished.fetch_add(1);
  };
  CHECK_THROWS_WITH(team.try_run(4, 4, failing), "piece 0 failed");
  CHECK(finished.load() == 3);
  // The team is usable afterwards.
  std::atomic<std::int64_t> sum{0};
  REQUIRE(team.try_run(100, 4, [&](std::int64_t b, std::int64_t e) { sum += e - b; }));
  CHECK(sum.load() == 100);
}

TEST_CASE("A busy parallel team declines a second caller, which the executor then serves from its pool",
          "[executor]") {
  ParallelTeam team(1);
  std::atomic<bool> inside{false}, release{false};
  std::thread first([&] {
    team.try_run(2, 2, [&](std::int64_t, std::int64_t) {
      inside = true;
      while (!release) std::this_thread::yield();
    });
  });
  while (!inside) std::this_thread::yield();
  CHECK_FALSE(team.try_run(10, 2, [](std::int64_t, std::int64_t) {}));
  release = true;
  first.join();

  // Two kernels looping at once on one executor both get every index.
  Executor executor(2);
  std::vector<std::atomic<int>> a(5000), b(5000);
  std::thread other([&] {
    executor.parallel_for(5000, 10, [&](std::int64_t s, std::int64_t e) {
      for (auto i = s; i < e; ++i) a[static_cast<std::size_t>(i)]++;
    });
  });
  executor.parallel_for(5000, 10, [&](std::int64_t s, std::int64_t e) {
    for (auto i = s; i < e; ++i) b[static_cast<std::size_t>(i)]++;
  });
  other.join();
  for (std::size_t i = 0; i < a.size(); ++i) REQUIRE((a[i] == 1 && b[i] == 1));
}

#if defined(__linux__)
// The scheduler used to wake the helper on the caller's own CPU, where it either sat behind the
// caller (which then did every piece alone) or preempted it; helpers are now kept off that CPU.
// Here the helper starts out pinned to the caller's CPU (threads inherit their creator's mask),
// the worst case: it must be moved before it takes a piece.
TEST_CASE("A parallel team's helper runs its pieces off the caller's CPU", "[executor]") {
  cpu_set_t process_cpus;
  REQUIRE(sched_getaffinity(0, sizeof(process_cpus), &process_cpus) == 0);
  if (CPU_COUNT(&process_cpus) < 2) {
    WARN("not checked: this process may use one CPU only");
    return;
  }
  int caller_cpu = 0;
  while (!CPU_ISSET(caller_cpu, &process_cpus)) ++caller_cpu;
  std::atomic<int> helper_pieces{0}, helper_pieces_on_caller_cpu{0};
  bool caller_pinned = false;
  std::thread caller_thread([&] {
    cpu_set_t only_caller_cpu;
    CPU_ZERO(&only_caller_cpu);
    CPU_SET(caller_cpu, &only_caller_cpu);
    caller_pinned = sched_setaffinity(0, sizeof(only_caller_cpu), &only_caller_cpu) == 0;  // checked after join
    ParallelTeam team(1);
    const auto caller = std::this_thread::get_id();
    for (int loop = 0; loop < 20; ++loop)
      team.try_run(8, 8, [&](std::int64_t, std::int64_t) {
        if (std::this_thread::get_id() != caller) {
          helper_pieces.fetch_add(1);
          if (sched_getcpu() == caller_cpu) helper_pieces_on_caller_cpu.fetch_add(1);
        }
        const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
        while (std::chrono::steady_clock::now() < until) {
        }
      });
  });
  caller_thread.join();
  REQUIRE(caller_pinned);
  CHECK(helper_pieces.load() > 0);
  CHECK(helper_pieces_on_caller_cpu.load() == 0);
}
#endif

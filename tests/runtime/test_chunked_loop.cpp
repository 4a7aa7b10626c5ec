#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/chunked_loop.h"

using namespace blockflow;

TEST_CASE("a thread works through its own lane of pieces first, then takes the others' in order", "[executor]") {
  std::vector<std::int64_t> order;  // the first index of every piece, as one thread ran them
  const ChunkedLoop::Body record = [&](std::int64_t begin, std::int64_t) { order.push_back(begin); };

  ChunkedLoop two_lanes(record, 80, 8, 2);
  two_lanes.work(1);
  CHECK(order == std::vector<std::int64_t>{40, 50, 60, 70, 0, 10, 20, 30});
  CHECK(two_lanes.done());

  order.clear();
  ChunkedLoop three_lanes(record, 9, 9, 3);
  three_lanes.work(2);
  CHECK(order == std::vector<std::int64_t>{6, 7, 8, 0, 1, 2, 3, 4, 5});

  order.clear();
  ChunkedLoop one_lane(record, 4, 4);
  one_lane.work(5);
  CHECK(order == std::vector<std::int64_t>{0, 1, 2, 3});
}

TEST_CASE("lanes split the pieces into contiguous shares, never more lanes than pieces", "[executor]") {
  std::vector<std::int64_t> order;
  const ChunkedLoop::Body record = [&](std::int64_t begin, std::int64_t end) {
    order.push_back(begin);
    order.push_back(end);
  };
  ChunkedLoop loop(record, 10, 2, 4);  // 2 pieces: 2 lanes of one piece each
  loop.work(3);                        // lane 3 of 2 is lane 1
  CHECK(order == std::vector<std::int64_t>{5, 10, 0, 5});
}

TEST_CASE("threads on their own lanes cover every index once and the last one is told so", "[executor]") {
  for (int round = 0; round < 50; ++round) {
    const std::int64_t total = 1000 + round;
    std::vector<std::atomic<int>> hits(static_cast<std::size_t>(total));
    const ChunkedLoop::Body body = [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) hits[static_cast<std::size_t>(i)].fetch_add(1);
    };
    ChunkedLoop loop(body, total, 32, 2);
    std::atomic<int> last_count{0};
    std::thread helper([&] { last_count += loop.work(1) ? 1 : 0; });
    last_count += loop.work(0) ? 1 : 0;
    helper.join();
    REQUIRE(loop.done());
    CHECK(last_count.load() == 1);
    for (auto& h : hits) REQUIRE(h.load() == 1);
  }
}

TEST_CASE("a piece's exception is kept while the other lanes still run", "[executor]") {
  std::atomic<int> ran{0};
  const ChunkedLoop::Body body = [&](std::int64_t begin, std::int64_t) {
    ran.fetch_add(1);
    if (begin == 3) throw std::runtime_error("piece at 3 failed");
  };
  ChunkedLoop loop(body, 8, 8, 2);
  loop.work(1);
  CHECK(ran.load() == 8);
  CHECK_THROWS_WITH(loop.rethrow_error(), "piece at 3 failed");
}

#include "blocks/depthwise_work_items.h"

namespace blockflow {

// Output rows per work item. On one thread 16: consecutive rows reuse their input rows from
// cache, the taller the column of tiles the better (on small images a whole image per item:
// 14x14x512 s2 7.2 -> 6.4 us, 7x7x1024 10.4 -> 9.5 us on Zen 4 with 8 rows, 14x14x512 s1
// 22.2 -> 20.7 us on the Intel machine with 16). When threads share the job, at most 8, and
// - where 8 rows are a lot of work (`row_cost` multiply-adds per row), as many as leave at
//   least 4 items per thread in a number the threads share out evenly: each thread works through
//   one contiguous share of the items (runtime/chunked_loop.h), so 7 items of 8 rows
//   (56x56x128) went 4 and 3, three quarters of the speed-up two threads could have, where 8 of
//   7 rows go 4 and 4; halving the rows until there were 32 items, as below, left the columns
//   of tiles one row tall (5x5 56x56x96 ran x1.76 on two threads, x1.94 now);
// - on the short layers, as few as make 32 items, which share out best however late the other
//   thread starts (7x7x1024 7.9 us on two threads, 9.3 with 8 items of whole images).
std::int64_t rows_per_work_item(std::int64_t row_sets, std::int64_t out_rows, std::int64_t row_cost, int workers) {
  if (workers <= 1) return 16;
  auto items_of = [&](std::int64_t rows) { return row_sets * ((out_rows + rows - 1) / rows); };
  constexpr std::int64_t kLargeItem = 200000;  // multiply-adds in 8 rows
  if (8 * row_cost >= kLargeItem) {
    for (std::int64_t rows = 8; rows > 1; --rows)
      if (items_of(rows) >= 4 * workers && items_of(rows) % workers == 0) return rows;
    return 1;
  }
  std::int64_t rows = 8;
  while (rows > 1 && items_of(rows) < 32) rows /= 2;
  return rows;
}

}  // namespace blockflow

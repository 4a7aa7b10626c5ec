// How the NHWC depthwise kernel cuts its output rows into work items for one thread and for two.
#include <catch2/catch.hpp>

#include "blocks/depthwise_work_items.h"

using blockflow::rows_per_work_item;

namespace {

std::int64_t items_of(std::int64_t row_sets, std::int64_t out_rows, std::int64_t rows) {
  return row_sets * ((out_rows + rows - 1) / rows);
}

}  // namespace

TEST_CASE("one thread takes 16 output rows per work item, whatever the layer", "[depthwise][work items]") {
  CHECK(rows_per_work_item(1, 56, 56 * 128 * 9, 1) == 16);
  CHECK(rows_per_work_item(8, 7, 7 * 128 * 9, 1) == 16);
  CHECK(rows_per_work_item(1, 512, 512 * 16 * 9, 1) == 16);
}

TEST_CASE("two threads get large items in a number they share evenly", "[depthwise][work items]") {
  // 56x56x128 3x3, one channel group: 8 rows would make 7 items (4 and 3); 7 rows make 8.
  CHECK(rows_per_work_item(1, 56, 56 * 128 * 9, 2) == 7);
  // 5x5 on 56x56x96: the same.
  CHECK(rows_per_work_item(1, 56, 56 * 96 * 25, 2) == 7);
  // Batch 8 of 56x56x128: 8 rows make 56 items.
  CHECK(rows_per_work_item(8, 56, 56 * 128 * 9, 2) == 8);
  // Three rows of one image can only be shared as single rows.
  CHECK(rows_per_work_item(1, 3, 1000000, 2) == 1);
}

TEST_CASE("short layers on two threads are cut into at least 32 items", "[depthwise][work items]") {
  // 7x7x1024: 8 channel groups of 128, rows of 8064 multiply-adds.
  CHECK(rows_per_work_item(8, 7, 7 * 128 * 9, 2) == 2);
  // 14x14x512 s2 (7x7 output): 4 groups, 7 rows; 1 row each gives 28 items, the most there are.
  CHECK(rows_per_work_item(4, 7, 7 * 128 * 9, 2) == 1);
}

TEST_CASE("large items always share out evenly over the workers, at least 4 each", "[depthwise][work items]") {
  for (int workers = 2; workers <= 4; ++workers)
    for (std::int64_t row_sets = 1; row_sets <= 9; ++row_sets)
      for (std::int64_t out_rows = 1; out_rows <= 130; ++out_rows) {
        const std::int64_t rows = rows_per_work_item(row_sets, out_rows, 100000, workers);
        INFO("workers " << workers << ", row sets " << row_sets << ", rows " << out_rows << ": " << rows << " per item");
        REQUIRE(rows >= 1);
        REQUIRE(rows <= 8);
        if (rows > 1) {
          CHECK(items_of(row_sets, out_rows, rows) % workers == 0);
          CHECK(items_of(row_sets, out_rows, rows) >= 4 * workers);
        }
      }
}

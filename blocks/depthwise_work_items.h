#pragma once
// How many output rows each work item of the NHWC depthwise kernel covers, for one thread or for
// several sharing the job.
#include <cstdint>

namespace blockflow {

// `row_sets` rows of work items side by side (images x channel groups), each `out_rows` rows
// tall, each row `row_cost` multiply-adds; `workers` threads share them.
std::int64_t rows_per_work_item(std::int64_t row_sets, std::int64_t out_rows, std::int64_t row_cost, int workers);

}  // namespace blockflow

#pragma once
// When the depthwise kernel writes its output around the caches (streaming stores): input and
// output together beyond a quarter of the last-level cache the system reports. Tests move the
// threshold so that the streaming paths run on every machine, whatever its cache.
#include <cstdint>

namespace blockflow {

// Input plus output bytes beyond which the output is streamed; 0 restores the cache's rule.
void set_depthwise_streaming_threshold_for_testing(std::int64_t bytes);

}  // namespace blockflow

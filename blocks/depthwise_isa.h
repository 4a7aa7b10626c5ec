#pragma once
// Which instruction set the depthwise kernel runs on. Auto picks the best the CPU supports;
// the others exist so tests and benchmarks can check every path the machine can run.
#include <string_view>
#include <vector>

namespace blockflow {

enum class DepthwiseIsa { Auto, Portable, Avx2, Avx512 };

// The paths this CPU can run, portable first.
std::vector<DepthwiseIsa> supported_depthwise_isas();
// Forces a path for the whole process (Auto restores the default choice). The environment
// variable BLOCKFLOW_DEPTHWISE_ISA=portable|avx2|avx512 does the same at start-up.
// Throws Error when the CPU cannot run the requested path.
void set_depthwise_isa_for_testing(DepthwiseIsa isa);
// The path depthwise_conv2d uses now (never Auto).
DepthwiseIsa active_depthwise_isa();
std::string_view depthwise_isa_name(DepthwiseIsa isa);

}  // namespace blockflow

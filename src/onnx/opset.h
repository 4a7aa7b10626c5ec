#pragma once
// The opsets an export may target.
namespace blockflow::onnx_export {

// 11 is the first opset where Clip takes its bounds as inputs (Relu6) and where the remaining
// operators all have the form written here; older models are rare in serving engines today.
inline constexpr int kMinOpset = 11;
// 13: understood by every maintained ONNX Runtime, TensorRT and Triton release.
inline constexpr int kDefaultOpset = 13;
// The newest opset of the ONNX library we build with (17 for Debian 12's ONNX 1.12).
int newest_known_opset();

// Throws ExportError unless kMinOpset <= opset <= newest_known_opset().
void check_opset(int opset);

}  // namespace blockflow::onnx_export

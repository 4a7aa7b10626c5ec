#include "src/cli/run_command.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <mutex>
#include <ostream>

#include "runtime/executor.h"
#include "src/cli/page_input.h"
#include "src/cli/tensor_printer.h"
#include "src/io/npy.h"
#include "src/page/page.h"

namespace blockflow {

namespace {

constexpr std::int64_t kMaxJsonValues = 1 << 20;

void apply_limits(const RunCommandOptions& options) {
  set_max_tensor_bytes(options.max_tensor_bytes);
  set_max_tensor_rank(options.max_rank);
}

Page load_page_or_throw(const RunCommandOptions& options) {
  apply_limits(options);
  return ::blockflow::load_page_or_throw(options.page_path, options.allow_outside_files);
}

Feeds read_feeds(const std::vector<std::string>& specs, const std::string& page_path) {
  Feeds feeds;
  for (const auto& spec : specs) {
    const auto equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size())
      invalid(page_path + ": --feed \"" + spec + "\": expected BLOCK=FILE.npy");
    const std::string block = spec.substr(0, equals);
    const std::string file = spec.substr(equals + 1);
    if (feeds.count(block)) invalid(page_path + ": --feed: block '" + block + "' is fed twice");
    try {
      feeds[block] = read_npy(file);
    } catch (const Error& e) {
      invalid(page_path + ": --feed " + block + ": " + e.what());
    }
  }
  return feeds;
}


// Shows which block is running, on one line of a terminal's stderr.
class ProgressLine : public RunObserver {
 public:
  ProgressLine(std::ostream& err, std::size_t total) : err_(err), total_(total), enabled_(::isatty(2) == 1) {}
  ~ProgressLine() override {
    if (enabled_ && shown_) err_ << "\r\033[K" << std::flush;
  }
  void on_block_event(const BlockEvent& event) override {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (event.status == BlockStatus::Done || event.status == BlockStatus::Failed || event.status == BlockStatus::Skipped) ++finished_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    err_ << "\r\033[K[" << finished_ << "/" << total_ << "] " << block_status_name(event.status) << " " << event.block << std::flush;
  }

 private:
  std::ostream& err_;
  std::size_t total_;
  bool enabled_;
  bool shown_ = false;
  std::size_t finished_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::mutex mutex_;
};

void write_outputs(const RunResult& result, const std::string& out_dir, const std::string& path, std::ostream& err) {
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) invalid(path + ": --out " + out_dir + ": " + error.message());
  for (const auto& [ref, tensor] : result.fetched) {
    Tensor stored = tensor;
    if (tensor.dtype() == DType::BFloat16) {
      // .npy has no bfloat16; float32 holds every bfloat16 value exactly.
      stored = Tensor(DType::Float32, tensor.dims());
      auto source = tensor.values<Eigen::bfloat16>();
      auto target = stored.values<float>();
      for (std::size_t i = 0; i < source.size(); ++i) target[i] = static_cast<float>(source[i]);
      err << "blockflow: note: " << ref.to_string() << " is bfloat16, written as float32 (exact)\n";
    }
    const auto file = std::filesystem::path(out_dir) / (ref.to_string() + ".npy");
    try {
      write_npy(file, stored);
    } catch (const Error& e) {
      invalid(path + ": --out: " + e.what());
    }
  }
}

void print_text(const RunResult& result, std::ostream& out) {
  for (const auto& [ref, tensor] : result.fetched) {
    out << ref.to_string() << ": " << dtype_name(tensor.dtype()) << " " << dims_to_string(tensor.dims()) << "\n"
        << format_tensor_values(tensor) << "\n";
  }
}

void print_json(const RunResult& result, const std::string& path, const CompiledGraph& graph, std::ostream& out) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  doc["page"] = path;
  doc["ok"] = result.ok();
  nlohmann::ordered_json blocks = nlohmann::ordered_json::object();
  for (const auto& node : graph.nodes) {
    auto it = result.blocks.find(node.id);
    if (it == result.blocks.end()) continue;
    nlohmann::ordered_json b = nlohmann::ordered_json::object();
    b["status"] = block_status_name(it->second.status);
    b["seconds"] = it->second.seconds;
    if (!it->second.message.empty()) b["message"] = it->second.message;
    blocks[node.id] = std::move(b);
  }
  doc["blocks"] = std::move(blocks);
  nlohmann::ordered_json fetches = nlohmann::ordered_json::object();
  for (const auto& [ref, tensor] : result.fetched) fetches[ref.to_string()] = tensor_to_json(tensor, kMaxJsonValues);
  doc["fetches"] = std::move(fetches);
  out << doc.dump(2) << "\n";
}

void print_profile(const RunResult& result, const CompiledGraph& graph, std::ostream& err) {
  err << "profile (wall time per block):\n";
  double total = 0;
  for (const auto& node : graph.nodes) {
    auto it = result.blocks.find(node.id);
    if (it == result.blocks.end()) continue;
    total += it->second.seconds;
    err << "  " << std::left << std::setw(24) << node.id << " " << std::setw(24) << node.spec->name << std::right
        << std::fixed << std::setprecision(3) << std::setw(10) << it->second.seconds * 1e3 << " ms  "
        << block_status_name(it->second.status) << "\n";
  }
  err << "  total kernel time " << std::fixed << std::setprecision(3) << total * 1e3 << " ms\n";
  err.unsetf(std::ios::fixed);
}


}  // namespace

int run_page_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.page_path;
  try {
    const Page page = load_page_or_throw(options);
    const Feeds feeds = read_feeds(options.feeds, path);
    const CompileResult compiled = compile_or_throw(page, feeds, path);
    RunOptions run;
    run.feeds = feeds;
    run.max_run_bytes = options.max_run_bytes;
    run.fetches = parse_fetches(options.fetches, *compiled.graph, path);
    Executor executor(options.threads);
    ProgressLine progress(err, compiled.graph->nodes.size());
    run.observer = &progress;
    RunResult result;
    try {
      result = executor.run(*compiled.graph, run);
    } catch (const Error& e) {
      invalid(path + ": " + e.what());
    }
    if (options.json) print_json(result, path, *compiled.graph, out);
    else print_text(result, out);
    if (!options.out_dir.empty()) write_outputs(result, options.out_dir, path, err);
    if (options.profile) print_profile(result, *compiled.graph, err);
    for (const auto& failure : result.failures())
      err << "blockflow: " << page_problem_for(page, failure).to_string(path) << "\n";
    return result.failures().empty() && result.ok() ? kExitOk : kExitBlockFailed;
  } catch (const InvalidInput& problems) {
    return report_invalid(problems, err);
  }
}

int validate_page_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& path = options.page_path;
  try {
    const Page page = load_page_or_throw(options);
    const Feeds feeds = read_feeds(options.feeds, path);
    const CompileResult compiled = compile_or_throw(page, feeds, path);
    out << "ok\n";
    for (const auto& node : compiled.graph->nodes) {
      for (const PortSpec* port : node.spec->outputs()) {
        const TensorInfo* info = compiled.graph->output_info({node.id, port->name});
        if (info) out << node.id << "." << port->name << ": " << info->to_string() << "\n";
      }
    }
    return kExitOk;
  } catch (const InvalidInput& problems) {
    return report_invalid(problems, err);
  }
}

}  // namespace blockflow

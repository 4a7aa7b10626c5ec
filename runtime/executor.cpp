#include "runtime/executor.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/ThreadPool>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <set>
#include <string_view>
#include <thread>

namespace blockflow {

bool RunResult::ok() const {
  return std::all_of(blocks.begin(), blocks.end(),
                     [](const auto& entry) { return entry.second.status == BlockStatus::Done; });
}

Diagnostics RunResult::failures() const {
  Diagnostics list;
  for (const auto& [id, outcome] : blocks)
    if (outcome.status == BlockStatus::Failed) list.push_back({id, "", outcome.message});
  return list;
}

const Tensor* RunResult::fetched_tensor(const PortRef& ref) const {
  for (const auto& [fetch, tensor] : fetched)
    if (fetch == ref) return &tensor;
  return nullptr;
}

Executor::Executor(int threads)
    : threads_(threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  if (threads_ > 1) {
    pool_ = std::make_unique<Eigen::ThreadPool>(threads_);
    team_ = std::make_unique<ParallelTeam>(threads_ - 1);
  }
}

Executor::~Executor() = default;

std::optional<Tensor> Executor::kept_output(const PortRef& ref) const {
  std::lock_guard lock(kept_mutex_);
  auto it = kept_.find(ref.block);
  if (it == kept_.end()) return std::nullopt;
  auto out = it->second.outputs.find(ref.port);
  if (out == it->second.outputs.end()) return std::nullopt;
  return out->second;
}

void Executor::forget_results() {
  std::lock_guard lock(kept_mutex_);
  kept_.clear();
}

void Executor::parallel_for(std::int64_t total, std::int64_t min_chunk,
                            const std::function<void(std::int64_t, std::int64_t)>& body) {
  if (total <= 0) return;
  min_chunk = std::max<std::int64_t>(1, min_chunk);
  const std::int64_t max_chunks = std::max<std::int64_t>(1, total / min_chunk);
  // Many more pieces than threads, so a thread that starts late or is preempted leaves a short
  // tail; min_chunk keeps each piece worth claiming.
  const std::int64_t chunks = std::min<std::int64_t>(max_chunks, static_cast<std::int64_t>(threads_) * 16);
  if (!pool_ || chunks <= 1) {
    body(0, total);
    return;
  }
  if (team_->try_run(total, chunks, body)) return;
  // Another block's kernel has the team: split over the pool instead. Pool tasks that start
  // after every piece is claimed find nothing to do; the shared state outlives them.
  struct Shared {
    Shared(const ChunkedLoop::Body& body, std::int64_t total, std::int64_t chunks, int lanes)
        : loop(body, total, chunks, lanes) {}
    ChunkedLoop loop;
    std::atomic<int> arrivals{0};  // lanes go by order of arrival: pool tasks have no fixed thread
    std::mutex mutex;
    std::condition_variable done;
  };
  const int helpers = static_cast<int>(std::min<std::int64_t>(chunks - 1, threads_ - 1));
  auto shared = std::make_shared<Shared>(body, total, chunks, helpers + 1);
  auto work = [shared] {
    if (shared->loop.work(shared->arrivals.fetch_add(1))) {
      std::lock_guard lock(shared->mutex);
      shared->done.notify_all();
    }
  };
  for (int i = 0; i < helpers; ++i) pool_->Schedule(work);
  work();
  std::unique_lock lock(shared->mutex);
  shared->done.wait(lock, [&] { return shared->loop.done(); });
  shared->loop.rethrow_error();
}

// One run of one graph: bookkeeping of what runs, what is reused, and what may be released.
class GraphRun {
 public:
  GraphRun(Executor& executor, const CompiledGraph& graph, const RunOptions& options)
      : executor_(executor), graph_(graph), options_(options), nodes_(graph.nodes.size()) {}

  RunResult run() {
    check_graph();
    resolve_fetches();
    compute_fingerprints();
    plan();
    check_feeds();
    execute();
    return collect();
  }

 private:
  enum class Plan { NotNeeded, Reuse, Compute };
  struct NodeState {
    std::size_t fingerprint = 0;
    Plan plan = Plan::NotNeeded;
    int waiting_producers = 0;
    int pending_consumers = 0;  // consumers that still have to run
    bool fetched = false;
    std::int64_t bytes = 0;  // of the outputs this run holds for the block
    BlockOutcome outcome;
    std::map<std::string, Tensor> outputs;
  };

  const CompiledNode& node(int i) const { return graph_.nodes[static_cast<std::size_t>(i)]; }
  NodeState& state(int i) { return nodes_[static_cast<std::size_t>(i)]; }

  void check_graph() {
    for (const auto& n : graph_.nodes)
      if (!n.inferred) throw Error("block '" + n.id + "' has validation problems; the page cannot run");
  }

  void resolve_fetches() {
    fetches_ = options_.fetches.empty() ? graph_.default_fetches() : options_.fetches;
    for (const auto& ref : fetches_) {
      const CompiledNode* n = graph_.find(ref.block);
      if (!n) throw Error("fetch " + ref.to_string() + ": no block '" + ref.block + "' on the page");
      const PortSpec* port = n->spec->find_port(ref.port);
      if (!port || !port->is_output())
        throw Error("fetch " + ref.to_string() + ": block '" + ref.block + "' (" + n->spec->name +
                    ") has no output port '" + ref.port + "'");
      state(graph_.index.at(ref.block)).fetched = true;
    }
  }

  static std::size_t text_hash(std::string_view text) { return std::hash<std::string_view>{}(text); }

  // Folds `value` into `seed` so that order matters (the usual shift-and-add mix, with the
  // 64-bit golden-ratio constant to spread small values).
  static void mix(std::size_t& seed, std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  }

  static std::size_t hash_tensor(const Tensor& t) {
    std::size_t h = text_hash({static_cast<const char*>(t.raw_data()), static_cast<std::size_t>(t.byte_size())});
    for (const auto dim : t.dims()) mix(h, static_cast<std::size_t>(dim));
    mix(h, static_cast<std::size_t>(t.dtype()));
    return h;
  }

  // What a block's result depends on: its type, values, base directory, inputs (each producer's
  // own fingerprint) and feed. Hashed piece by piece, without building a key string: this runs
  // for every block of every run, and the string cost a few allocations per block.
  void compute_fingerprints() {
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const auto& n = graph_.nodes[i];
      std::size_t h = text_hash(n.spec->name);
      mix(h, text_hash(n.values_text));
      mix(h, text_hash(graph_.env.base_dir));
      for (const auto& input : n.inputs) {
        mix(h, text_hash(input.port));
        mix(h, state(input.producer).fingerprint);
        mix(h, text_hash(input.producer_port));
      }
      if (n.spec->takes_feed) {
        auto feed = options_.feeds.find(n.id);
        const bool fed = feed != options_.feeds.end();
        mix(h, fed);
        if (fed) mix(h, hash_tensor(feed->second));
      }
      nodes_[i].fingerprint = h;
    }
  }

  bool can_reuse(int i) {
    std::lock_guard lock(executor_.kept_mutex_);
    auto it = executor_.kept_.find(node(i).id);
    if (it == executor_.kept_.end() || it->second.fingerprint != state(i).fingerprint) return false;
    for (const auto& [port, info] : node(i).outputs)
      if (!it->second.outputs.count(port)) return false;
    state(i).outputs = it->second.outputs;
    return true;
  }

  // Walks back from the fetches: a block is computed unless an earlier result is still valid.
  void plan() {
    std::vector<bool> needed(graph_.nodes.size(), false);
    for (const auto& ref : fetches_) needed[static_cast<std::size_t>(graph_.index.at(ref.block))] = true;
    for (int i = static_cast<int>(graph_.nodes.size()) - 1; i >= 0; --i) {
      if (!needed[static_cast<std::size_t>(i)]) continue;
      if (can_reuse(i)) {
        state(i).plan = Plan::Reuse;
        continue;
      }
      state(i).plan = Plan::Compute;
      for (const auto& input : node(i).inputs) needed[static_cast<std::size_t>(input.producer)] = true;
    }
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      if (nodes_[i].plan != Plan::Compute) continue;
      std::set<int> producers;
      for (const auto& input : graph_.nodes[i].inputs) producers.insert(input.producer);
      for (int p : producers) {
        ++state(p).pending_consumers;
        // A reused producer's result is there already: nothing to wait for.
        if (state(p).plan == Plan::Compute) ++nodes_[i].waiting_producers;
      }
    }
  }

  void check_feeds() {
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const auto& n = graph_.nodes[i];
      if (!n.spec->takes_feed || nodes_[i].plan != Plan::Compute) continue;
      if (!options_.feeds.count(n.id))
        throw Error("block '" + n.id + "' (Placeholder) needs a feed, and none was given");
    }
    for (const auto& [id, tensor] : options_.feeds) {
      const CompiledNode* n = graph_.find(id);
      if (!n || !n->spec->takes_feed)
        throw Error("a feed names block '" + id + "', which is not a Placeholder on the page");
    }
  }

  void notify(int i, BlockStatus status) {
    auto& outcome = state(i).outcome;
    outcome.status = status;
    if (options_.observer)
      options_.observer->on_block_event({node(i).id, status, outcome.seconds, outcome.reused, outcome.message});
  }

  void execute() {
    std::vector<int> ready;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      auto& s = nodes_[i];
      if (s.plan == Plan::Reuse) {
        s.outcome.reused = true;
        notify(static_cast<int>(i), BlockStatus::Done);
      } else if (s.plan == Plan::Compute) {
        ++unresolved_;
        notify(static_cast<int>(i), BlockStatus::Pending);
        if (s.waiting_producers == 0) ready.push_back(static_cast<int>(i));
      }
    }
    if (!executor_.pool_) {
      std::deque<int> queue(ready.begin(), ready.end());
      while (!queue.empty()) {
        const int i = queue.front();
        queue.pop_front();
        for (int next : process(i)) queue.push_back(next);
      }
      return;
    }
    for (int i : ready) schedule(i);
    std::unique_lock lock(mutex_);
    all_done_.wait(lock, [&] { return unresolved_ == 0; });
  }

  void schedule(int i) {
    executor_.pool_->Schedule([this, i] { run_from(i); });
  }

  // Runs block i, then goes on on this thread with one of the blocks that made ready, and hands
  // the others to the pool: a chain then runs without a trip through the pool's queues (and
  // often a wake-up of the other thread) per block.
  void run_from(int i) {
    for (;;) {
      const std::vector<int> next = process(i);
      if (next.empty()) return;
      for (std::size_t k = 1; k < next.size(); ++k) schedule(next[k]);
      i = next.front();
    }
  }

  // Runs (or skips) one block, then returns the consumers that became ready.
  std::vector<int> process(int i) {
    const std::string upstream_problem = failed_producer(i);
    if (options_.cancel && options_.cancel->cancelled()) {
      state(i).outcome.message = "run cancelled";
      notify(i, BlockStatus::Skipped);
    } else if (!upstream_problem.empty()) {
      state(i).outcome.message = upstream_problem;
      notify(i, BlockStatus::Skipped);
    } else {
      run_kernel(i);
    }
    return finish(i);
  }

  std::string failed_producer(int i) {
    std::lock_guard lock(mutex_);
    for (const auto& input : node(i).inputs) {
      const auto& outcome = state(input.producer).outcome;
      if (outcome.status == BlockStatus::Failed)
        return "upstream block '" + node(input.producer).id + "' failed";
      if (outcome.status == BlockStatus::Skipped)
        return "upstream block '" + node(input.producer).id + "' was skipped";
    }
    return {};
  }

  void run_kernel(int i) {
    const auto& n = node(i);
    std::map<std::string, Tensor> inputs;
    {
      std::lock_guard lock(mutex_);
      for (const auto& input : n.inputs) inputs[input.port] = state(input.producer).outputs.at(input.producer_port);
    }
    const std::string over_limit = check_run_bytes(n);
    if (!over_limit.empty()) {
      {
        std::lock_guard lock(mutex_);
        state(i).outcome.message = over_limit;
      }
      notify(i, BlockStatus::Failed);
      return;
    }
    notify(i, BlockStatus::Running);
    auto feed = options_.feeds.find(n.id);
    std::function<bool()> cancelled = [this] { return options_.cancel && options_.cancel->cancelled(); };
    KernelContext context(
        n.values, graph_.env, std::move(inputs), feed == options_.feeds.end() ? nullptr : &feed->second,
        [this](std::int64_t total, std::int64_t chunk, const std::function<void(std::int64_t, std::int64_t)>& body) {
          executor_.parallel_for(total, chunk, body);
        },
        cancelled, executor_.threads());
    const auto start = std::chrono::steady_clock::now();
    BlockStatus status = BlockStatus::Done;
    std::string message;
    try {
      n.spec->kernel(context);
      check_outputs(n, context.outputs());
    } catch (const CancelledError& e) {
      status = BlockStatus::Skipped;
      message = e.what();
    } catch (const PortError& e) {
      status = BlockStatus::Failed;
      message = "port '" + e.port() + "': " + e.what();
    } catch (const std::exception& e) {
      status = BlockStatus::Failed;
      message = e.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    {
      std::lock_guard lock(mutex_);
      if (status == BlockStatus::Done) {
        const std::int64_t bytes = output_bytes(context.outputs());
        if (live_bytes_ + bytes > options_.max_run_bytes) {
          status = BlockStatus::Failed;
          message = run_limit_message(live_bytes_ + bytes);
        } else {
          live_bytes_ += bytes;
          state(i).bytes = bytes;
          result_peak_bytes_ = std::max(result_peak_bytes_, live_bytes_);
        }
      }
      state(i).outputs = status == BlockStatus::Done ? std::move(context.outputs()) : std::map<std::string, Tensor>{};
      state(i).outcome.seconds = seconds;
      state(i).outcome.message = message;
    }
    notify(i, status);
  }

  static std::int64_t output_bytes(const std::map<std::string, Tensor>& outputs) {
    std::int64_t total = 0;
    for (const auto& [port, tensor] : outputs) total += tensor.byte_size();
    return total;
  }

  std::string run_limit_message(std::int64_t bytes) const {
    return "the run would hold " + format_bytes(bytes) + " of tensors, over the limit of " +
           format_bytes(options_.max_run_bytes) + " per run";
  }

  // Refuses a block before it runs when the outputs inference promised cannot fit.
  std::string check_run_bytes(const CompiledNode& n) {
    std::int64_t promised = 0;
    for (const auto& [port, info] : n.outputs)
      if (info.shape.fully_known()) promised += checked_element_count(*info.shape.dims) * static_cast<std::int64_t>(dtype_size(info.dtype));
    std::lock_guard lock(mutex_);
    return live_bytes_ + promised > options_.max_run_bytes ? run_limit_message(live_bytes_ + promised) : std::string();
  }

  // A kernel must produce what inference promised; a mismatch is a bug worth reporting clearly.
  static void check_outputs(const CompiledNode& n, const std::map<std::string, Tensor>& outputs) {
    for (const auto& [port, info] : n.outputs) {
      auto it = outputs.find(port);
      if (it == outputs.end()) throw PortError(port, "the kernel produced no tensor");
      if (it->second.dtype() != info.dtype || !info.shape.accepts(it->second.dims()))
        throw PortError(port, "the kernel produced " + std::string(dtype_name(it->second.dtype())) + " " +
                                  dims_to_string(it->second.dims()) + ", but inference promised " +
                                  info.to_string());
    }
  }

  std::vector<int> finish(int i) {
    std::vector<int> ready;
    std::lock_guard lock(mutex_);
    std::set<int> producers;
    for (const auto& input : node(i).inputs) producers.insert(input.producer);
    for (int p : producers) {
      if (--state(p).pending_consumers == 0 && !state(p).fetched && !options_.keep_results) {
        state(p).outputs.clear();  // the last consumer is done: release the intermediate
        live_bytes_ -= state(p).bytes;
        state(p).bytes = 0;
      }
    }
    for (int c : node(i).consumers) {
      if (state(c).plan == Plan::Compute && --state(c).waiting_producers == 0) ready.push_back(c);
    }
    if (--unresolved_ == 0) all_done_.notify_all();
    return ready;
  }

  RunResult collect() {
    RunResult result;
    result.peak_bytes = result_peak_bytes_;
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const auto& s = nodes_[i];
      if (s.plan == Plan::NotNeeded) continue;
      result.blocks[graph_.nodes[i].id] = s.outcome;
      if (s.plan == Plan::Compute && s.outcome.status == BlockStatus::Done) ++result.computed;
      if (s.plan == Plan::Reuse) ++result.reused;
    }
    for (const auto& ref : fetches_) {
      const int i = graph_.index.at(ref.block);
      auto it = state(i).outputs.find(node(i).spec->storage_port(ref.port));
      if (it != state(i).outputs.end()) result.fetched.emplace_back(ref, it->second);
    }
    remember_results();
    return result;
  }

  // Keeps what this run holds for the next one; drops what an edit made stale.
  void remember_results() {
    std::lock_guard lock(executor_.kept_mutex_);
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const auto& s = nodes_[i];
      const auto& id = graph_.nodes[i].id;
      auto it = executor_.kept_.find(id);
      if (it != executor_.kept_.end() && it->second.fingerprint != s.fingerprint) executor_.kept_.erase(it);
      if (s.outcome.status == BlockStatus::Done && !s.outputs.empty() && s.plan == Plan::Compute)
        executor_.kept_[id] = {s.fingerprint, s.outputs};
    }
    for (auto it = executor_.kept_.begin(); it != executor_.kept_.end();) {
      it = graph_.index.count(it->first) ? std::next(it) : executor_.kept_.erase(it);
    }
  }

  Executor& executor_;
  const CompiledGraph& graph_;
  const RunOptions& options_;
  std::vector<NodeState> nodes_;
  std::vector<PortRef> fetches_;
  std::mutex mutex_;
  std::condition_variable all_done_;
  int unresolved_ = 0;
  std::int64_t live_bytes_ = 0;  // outputs this run holds now (guarded by mutex_)
  std::int64_t result_peak_bytes_ = 0;
};

RunResult Executor::run(const CompiledGraph& graph, const RunOptions& options) {
  return GraphRun(*this, graph, options).run();
}

}  // namespace blockflow

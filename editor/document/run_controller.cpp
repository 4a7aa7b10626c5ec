#include "editor/document/run_controller.h"

#include <QMetaObject>
#include <QPointer>

namespace blockflow::editor {

// Forwards executor events (from worker threads) to the GUI thread.
class RunController::Observer : public RunObserver {
 public:
  explicit Observer(RunController* owner) : owner_(owner) {}
  void on_block_event(const BlockEvent& event) override {
    QPointer<RunController> owner(owner_);
    QMetaObject::invokeMethod(owner_, [owner, event] {
      if (owner) owner->onBlockEvent(event);
    }, Qt::QueuedConnection);
  }

 private:
  RunController* owner_;
};

RunController::RunController(PageDocument& document, QObject* parent)
    : QObject(parent), document_(document), executor_(0), observer_(std::make_unique<Observer>(this)) {}

RunController::~RunController() {
  cancel();
  wait();
}

bool RunController::start() {
  if (running_) return false;
  const CompileResult& analysis = document_.analysis();
  if (!analysis.ok()) {
    for (const auto& d : analysis.diagnostics) emit logMessage("error: " + QString::fromStdString(d.to_string()));
    emit logMessage("the page has problems; fix them to run it");
    return false;
  }
  wait();
  graph_ = analysis.graph;
  states_.clear();
  for (const auto& node : graph_->nodes) states_[QString::fromStdString(node.id)] = {};
  cancel_ = std::make_unique<CancelToken>();
  running_ = true;
  emit started();
  emit logMessage("run started");
  RunOptions options;
  options.keep_results = true;
  options.observer = observer_.get();
  options.cancel = cancel_.get();
  worker_ = std::thread([this, options, graph = graph_] {
    RunResult result;
    QString error;
    try {
      result = executor_.run(*graph, options);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(this, [this, result, error] { onFinished(result, error); }, Qt::QueuedConnection);
  });
  return true;
}

void RunController::cancel() {
  if (cancel_) cancel_->cancel();
}

void RunController::wait() {
  if (worker_.joinable()) worker_.join();
}

std::optional<Tensor> RunController::result(const QString& block, const QString& port) const {
  if (!graph_) return std::nullopt;
  const CompiledNode* node = graph_->find(block.toStdString());
  if (!node) return std::nullopt;
  return executor_.kept_output({node->id, node->spec->storage_port(port.toStdString())});
}

void RunController::onBlockEvent(const BlockEvent& event) {
  auto& state = states_[QString::fromStdString(event.block)];
  state.status = event.status;
  state.seconds = event.seconds;
  state.reused = event.reused;
  state.message = QString::fromStdString(event.message);
  if (event.status == BlockStatus::Failed)
    emit logMessage(QString("error: block '%1': %2").arg(QString::fromStdString(event.block), state.message));
  emit blockStateChanged(QString::fromStdString(event.block));
}

void RunController::onFinished(const RunResult& result, const QString& error) {
  wait();
  running_ = false;
  if (!error.isEmpty()) emit logMessage("error: " + error);
  else
    emit logMessage(QString("run %1: %2 computed, %3 reused")
                        .arg(result.ok() ? "finished" : "ended with problems")
                        .arg(result.computed)
                        .arg(result.reused));
  emit finished(error.isEmpty() && result.ok());
}

}  // namespace blockflow::editor

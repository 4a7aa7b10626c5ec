#pragma once
// Runs a document's page off the GUI thread through the executor and reports per-block status
// back on the GUI thread. Keeps results between runs, so a re-run recomputes only what changed.
#include <QObject>
#include <QString>

#include <map>
#include <memory>
#include <thread>

#include "editor/document/page_document.h"
#include "runtime/executor.h"

namespace blockflow::editor {

struct BlockRunState {
  BlockStatus status = BlockStatus::Pending;
  double seconds = 0;
  bool reused = false;
  QString message;
};

class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(PageDocument& document, QObject* parent = nullptr);
  ~RunController() override;

  // Starts a run; returns false (and logs why) when the page has problems or a run is going.
  bool start();
  void cancel();
  bool isRunning() const { return running_; }
  // Waits for a running run to end (used on close and in tests).
  void wait();

  const std::map<QString, BlockRunState>& states() const { return states_; }
  // The tensor a block's output port holds after the last run, if any.
  std::optional<Tensor> result(const QString& block, const QString& port) const;

 signals:
  void blockStateChanged(const QString& block);
  void started();
  void finished(bool ok);
  void logMessage(const QString& text);

 private:
  class Observer;
  void onBlockEvent(const BlockEvent& event);
  void onFinished(const RunResult& result, const QString& error);

  PageDocument& document_;
  Executor executor_;
  std::shared_ptr<const CompiledGraph> graph_;
  std::map<QString, BlockRunState> states_;
  std::unique_ptr<CancelToken> cancel_;
  std::unique_ptr<Observer> observer_;
  std::thread worker_;
  bool running_ = false;
};

}  // namespace blockflow::editor

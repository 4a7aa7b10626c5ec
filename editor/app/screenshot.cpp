#include "editor/app/screenshot.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTabWidget>
#include <QThread>

#include "editor/app/main_window.h"
#include "editor/app/page_editor.h"

namespace blockflow::editor {

bool save_screenshot_after_run(MainWindow& window, const QString& path) {
  PageEditor* editor = window.currentEditor();
  if (!editor) return false;
  window.resize(1500, 900);
  window.runCurrent();
  QElapsedTimer clock;
  clock.start();
  do {
    QApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(10);
  } while (editor->runs().isRunning() && clock.elapsed() < 60000);
  QApplication::processEvents();
  const auto& blocks = editor->document().page().graph.blocks;
  if (!blocks.empty()) editor->scene()->selectIds({QString::fromStdString(blocks.back().id)});
  editor->view()->fitToContents();
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
  return window.grab().save(path);
}

}  // namespace blockflow::editor

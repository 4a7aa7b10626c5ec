// blockflow-editor [PAGE...] [--run] [--screenshot FILE]
#include <QApplication>
#include <QCommandLineParser>
#include <algorithm>
#include <QTimer>

#include "blocks/builtin_blocks.h"
#include "editor/app/main_window.h"
#include "editor/app/page_editor.h"
#include "editor/app/screenshot.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Blockflow");
  QApplication::setApplicationName("blockflow-editor");
  QApplication::setApplicationVersion(BLOCKFLOW_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("Build, run and inspect Blockflow pages by drag and drop.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("pages", "page files to open");
  const QCommandLineOption run({"r", "run"}, "run the current page once it is open");
  const QCommandLineOption screenshot("screenshot", "run, save a picture of the window to FILE, and quit", "FILE");
  const QCommandLineOption autosave("autosave-ms", "autosave unsaved pages every MS milliseconds (default 30000)", "MS");
  const QCommandLineOption add_block("add-block", "add a block of TYPE to the current page once it is open", "TYPE");
  parser.addOption(run);
  parser.addOption(screenshot);
  parser.addOption(autosave);
  parser.addOption(add_block);
  parser.process(app);

  blockflow::editor::MainWindow window(blockflow::builtin_registry());
  window.show();
  if (!parser.isSet(screenshot)) window.offerRecovery();
  for (const QString& page : parser.positionalArguments()) {
    const QString error = window.openPage(page);
    if (!error.isEmpty()) window.log(error);
  }
  if (window.tabs()->count() == 0) window.newPage();
  if (parser.isSet(autosave)) window.setAutosaveInterval(std::max(50, parser.value(autosave).toInt()));
  for (const QString& type : parser.values(add_block)) {
    auto* editor = window.currentEditor();
    const QString error = editor->document().addBlock(type, editor->view()->visibleCentre());
    if (!error.isEmpty()) window.log(error);
  }
  if (parser.isSet(screenshot)) {
    return blockflow::editor::save_screenshot_after_run(window, parser.value(screenshot)) ? 0 : 1;
  }
  if (parser.isSet(run)) QTimer::singleShot(0, &window, [&window] { window.runCurrent(); });
  return app.exec();
}

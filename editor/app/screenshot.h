#pragma once
// Runs the current page, selects its last block so the result panel shows it, and saves a
// picture of the window: the README's screenshot is made this way, headless.
#include <QString>

namespace blockflow::editor {

class MainWindow;
bool save_screenshot_after_run(MainWindow& window, const QString& path);

}  // namespace blockflow::editor

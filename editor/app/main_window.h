#pragma once
// The editor's main window: pages in tabs around a shared palette, property, result and log
// panels; menus with the platform's standard shortcuts; run (F5) and cancel; recent files;
// autosave and recovery.
#include <QMainWindow>

class QAction;
class QMenu;
class QPlainTextEdit;
class QTabWidget;
class QTimer;

namespace blockflow {
class BlockRegistry;
}

namespace blockflow::editor {

class PageEditor;
class PaletteWidget;
class PropertyPanel;
class ResultPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const BlockRegistry& registry, QWidget* parent = nullptr);
  ~MainWindow() override;

  PageEditor* currentEditor() const;
  PageEditor* newPage();
  // Opens a page in a new tab (or switches to it when open); returns the error text.
  QString openPage(const QString& path);
  bool saveCurrent();
  bool saveCurrentAs(const QString& path);
  void runCurrent();
  void cancelCurrent();
  // Closes a tab, asking first when it has unsaved changes (unless `force`).
  bool closeTab(int index, bool force = false);
  void autosaveNow();
  void setAutosaveInterval(int milliseconds);
  // Offers recovery copies left by a session that did not end cleanly; returns how many opened.
  int offerRecovery(bool ask = true);

  PaletteWidget* palette() const { return palette_; }
  PropertyPanel* properties() const { return properties_; }
  ResultPanel* results() const { return results_; }
  QPlainTextEdit* logView() const { return log_; }
  QTabWidget* tabs() const { return tabs_; }
  QAction* runAction() const { return run_action_; }
  QAction* cancelAction() const { return cancel_action_; }
  QStringList recentFiles() const;
  void log(const QString& text);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void buildDocks();
  PageEditor* addEditor(PageEditor* editor);
  void bindCurrent();
  void updateTitles();
  void showSelection(const QString& id);
  void rememberRecent(const QString& path);
  void rebuildRecentMenu();
  bool saveEditor(PageEditor* editor, const QString& path);

  const BlockRegistry& registry_;
  QTabWidget* tabs_;
  PaletteWidget* palette_;
  PropertyPanel* properties_;
  ResultPanel* results_;
  QPlainTextEdit* log_;
  QMenu* recent_menu_ = nullptr;
  QAction* run_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QTimer* autosave_timer_;
};

}  // namespace blockflow::editor

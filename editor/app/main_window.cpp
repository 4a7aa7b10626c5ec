#include "editor/app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include "editor/app/page_editor.h"
#include "editor/app/recovery.h"
#include "editor/panels/palette_widget.h"
#include "editor/panels/property_panel.h"
#include "editor/panels/result_panel.h"

namespace blockflow::editor {

namespace {
constexpr int kMaxRecent = 8;
constexpr int kAutosaveMilliseconds = 30000;
}  // namespace

MainWindow::MainWindow(const BlockRegistry& registry, QWidget* parent)
    : QMainWindow(parent), registry_(registry), tabs_(new QTabWidget(this)), palette_(new PaletteWidget(registry, this)),
      properties_(new PropertyPanel(this)), results_(new ResultPanel(this)), log_(new QPlainTextEdit(this)),
      autosave_timer_(new QTimer(this)) {
  setWindowTitle("Blockflow");
  tabs_->setTabsClosable(true);
  tabs_->setDocumentMode(true);
  setCentralWidget(tabs_);
  log_->setReadOnly(true);
  buildDocks();
  buildMenus();
  connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::bindCurrent);
  connect(tabs_, &QTabWidget::tabCloseRequested, this, [this](int index) { closeTab(index); });
  connect(palette_, &PaletteWidget::addRequested, this, [this](const QString& type) {
    if (PageEditor* editor = currentEditor()) editor->document().addBlock(type, editor->view()->visibleCentre());
  });
  connect(properties_, &PropertyPanel::message, this, &MainWindow::log);
  connect(results_, &ResultPanel::message, this, &MainWindow::log);
  autosave_timer_->setInterval(kAutosaveMilliseconds);
  connect(autosave_timer_, &QTimer::timeout, this, &MainWindow::autosaveNow);
  autosave_timer_->start();
  resize(1400, 860);
}

MainWindow::~MainWindow() {
  // Pages are destroyed with the tab widget; stop their runs and signals before this window goes.
  for (int i = 0; i < tabs_->count(); ++i) {
    auto* editor = qobject_cast<PageEditor*>(tabs_->widget(i));
    if (!editor) continue;
    editor->runs().cancel();
    editor->runs().wait();
    for (QObject* source : std::initializer_list<QObject*>{&editor->document(), editor->document().undoStack(),
                                                           &editor->runs(), editor->scene(), editor->view()})
      QObject::disconnect(source, nullptr, this, nullptr);
  }
  properties_->setDocument(nullptr);
  results_->setSource(nullptr);
}

void MainWindow::buildDocks() {
  auto dock = [this](const QString& title, QWidget* widget, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, this);
    d->setObjectName(title);
    d->setWidget(widget);
    addDockWidget(area, d);
    return d;
  };
  auto* blocks = dock("Blocks", palette_, Qt::LeftDockWidgetArea);
  auto* properties = dock("Properties", properties_, Qt::RightDockWidgetArea);
  auto* results = dock("Results", results_, Qt::RightDockWidgetArea);
  auto* log = dock("Log", log_, Qt::BottomDockWidgetArea);
  resizeDocks({blocks, properties}, {220, 380}, Qt::Horizontal);
  resizeDocks({properties, results}, {300, 420}, Qt::Vertical);
  resizeDocks({log}, {120}, Qt::Vertical);
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu("&File");
  file->addAction("&New", QKeySequence::New, this, [this] { newPage(); });
  file->addAction("&Open…", QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, "Open page", {}, "Blockflow pages (*.json)");
    if (!path.isEmpty()) {
      const QString error = openPage(path);
      if (!error.isEmpty()) QMessageBox::warning(this, "Cannot open page", error);
    }
  });
  recent_menu_ = file->addMenu("Open &Recent");
  rebuildRecentMenu();
  file->addAction("&Save", QKeySequence::Save, this, [this] { saveCurrent(); });
  file->addAction("Save &As…", QKeySequence::SaveAs, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, "Save page as", {}, "Blockflow pages (*.json)");
    if (!path.isEmpty()) saveCurrentAs(path);
  });
  file->addAction("&Close", QKeySequence::Close, this, [this] { closeTab(tabs_->currentIndex()); });
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  auto* edit = menuBar()->addMenu("&Edit");
  auto* undo = edit->addAction("&Undo", QKeySequence::Undo, this, [this] {
    if (auto* e = currentEditor()) e->document().undoStack()->undo();
  });
  auto* redo = edit->addAction("&Redo", QKeySequence::Redo, this, [this] {
    if (auto* e = currentEditor()) e->document().undoStack()->redo();
  });
  Q_UNUSED(undo);
  Q_UNUSED(redo);
  edit->addSeparator();
  edit->addAction("Cu&t", QKeySequence::Cut, this, [this] { if (auto* e = currentEditor()) e->cutSelection(); });
  edit->addAction("&Copy", QKeySequence::Copy, this, [this] { if (auto* e = currentEditor()) e->copySelection(); });
  edit->addAction("&Paste", QKeySequence::Paste, this, [this] { if (auto* e = currentEditor()) e->paste(); });
  edit->addAction("&Duplicate", QKeySequence(Qt::CTRL | Qt::Key_D), this, [this] { if (auto* e = currentEditor()) e->duplicateSelection(); });
  edit->addAction("De&lete", QKeySequence::Delete, this, [this] { if (auto* e = currentEditor()) e->deleteSelection(); });
  edit->addAction("Select &All", QKeySequence::SelectAll, this, [this] { if (auto* e = currentEditor()) e->selectAll(); });

  auto* view = menuBar()->addMenu("&View");
  view->addAction("&Fit to View", QKeySequence(Qt::Key_F), this, [this] { if (auto* e = currentEditor()) e->view()->fitToContents(); });
  view->addAction("Zoom &In", QKeySequence::ZoomIn, this, [this] { if (auto* e = currentEditor()) e->view()->scale(1.2, 1.2); });
  view->addAction("Zoom &Out", QKeySequence::ZoomOut, this, [this] { if (auto* e = currentEditor()) e->view()->scale(1 / 1.2, 1 / 1.2); });

  auto* run = menuBar()->addMenu("&Run");
  run_action_ = run->addAction("&Run Page", QKeySequence(Qt::Key_F5), this, &MainWindow::runCurrent);
  cancel_action_ = run->addAction("&Cancel Run", QKeySequence(Qt::SHIFT | Qt::Key_F5), this, &MainWindow::cancelCurrent);
  cancel_action_->setEnabled(false);

  auto* toolbar = addToolBar("Run");
  toolbar->setObjectName("RunToolbar");
  toolbar->addAction(run_action_);
  toolbar->addAction(cancel_action_);
}

PageEditor* MainWindow::currentEditor() const { return qobject_cast<PageEditor*>(tabs_->currentWidget()); }

PageEditor* MainWindow::addEditor(PageEditor* editor) {
  auto& document = editor->document();
  connect(&document, &PageDocument::changed, this, &MainWindow::updateTitles);
  connect(&document, &PageDocument::fileChanged, this, &MainWindow::updateTitles);
  connect(document.undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitles);
  connect(&document, &PageDocument::changed, this, [this, editor] {
    // After every edit: report the page's problems in the log (validation runs in the document).
    QStringList problems;
    for (const auto& d : editor->document().analysis().diagnostics) problems << QString::fromStdString(d.to_string());
    for (const QString& problem : problems)
      if (!editor->reportedProblems.contains(problem)) log("problem: " + problem);
    editor->reportedProblems = problems;
    if (editor != currentEditor()) return;
    statusBar()->showMessage(editor->document().analysis().ok()
                                 ? "ok"
                                 : QString("%1 problem(s)").arg(editor->document().analysis().diagnostics.size()));
  });
  connect(editor->scene(), &PageScene::connectionRefused, this, [this](const QString& reason) {
    log(reason);
    statusBar()->showMessage(reason, 8000);
  });
  connect(editor->scene(), &PageScene::selectedBlockChanged, this, [this, editor](const QString& id) {
    if (editor == currentEditor()) showSelection(id);
  });
  connect(editor->view(), &PageView::message, this, &MainWindow::log);
  connect(&editor->runs(), &RunController::logMessage, this, &MainWindow::log);
  connect(&editor->runs(), &RunController::finished, this, [this, editor] {
    if (editor == currentEditor()) {
      results_->refresh();
      cancel_action_->setEnabled(false);
      run_action_->setEnabled(true);
    }
  });
  tabs_->addTab(editor, editor->document().displayName());
  tabs_->setCurrentWidget(editor);
  updateTitles();
  return editor;
}

PageEditor* MainWindow::newPage() { return addEditor(new PageEditor(registry_, tabs_)); }

QString MainWindow::openPage(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  for (int i = 0; i < tabs_->count(); ++i) {
    auto* editor = qobject_cast<PageEditor*>(tabs_->widget(i));
    if (editor && editor->document().filePath() == absolute) {
      tabs_->setCurrentIndex(i);
      return {};
    }
  }
  auto* editor = new PageEditor(registry_, tabs_);
  const QString error = editor->document().load(absolute);
  if (!error.isEmpty()) {
    delete editor;
    log("error: " + error);
    return error;
  }
  addEditor(editor);
  editor->view()->fitToContents();
  rememberRecent(absolute);
  for (const auto& d : editor->document().analysis().diagnostics) {
    editor->reportedProblems << QString::fromStdString(d.to_string());
    log("problem: " + editor->reportedProblems.back());
  }
  return {};
}

bool MainWindow::saveEditor(PageEditor* editor, const QString& path) {
  const QString error = editor->document().save(path);
  if (!error.isEmpty()) {
    log("error: " + error);
    QMessageBox::warning(this, "Cannot save page", error + "\n\nThe file on disk was not changed.");
    return false;
  }
  remove_recovery(editor->recoveryPath);
  editor->recoveryPath.clear();
  rememberRecent(path);
  log("saved " + path);
  return true;
}

bool MainWindow::saveCurrent() {
  PageEditor* editor = currentEditor();
  if (!editor) return false;
  if (editor->document().filePath().isEmpty()) {
    const QString path = QFileDialog::getSaveFileName(this, "Save page", {}, "Blockflow pages (*.json)");
    return !path.isEmpty() && saveEditor(editor, path);
  }
  return saveEditor(editor, editor->document().filePath());
}

bool MainWindow::saveCurrentAs(const QString& path) {
  PageEditor* editor = currentEditor();
  return editor && saveEditor(editor, QFileInfo(path).absoluteFilePath());
}

void MainWindow::runCurrent() {
  PageEditor* editor = currentEditor();
  if (!editor) return;
  if (editor->runs().start()) {
    run_action_->setEnabled(false);
    cancel_action_->setEnabled(true);
  }
}

void MainWindow::cancelCurrent() {
  if (PageEditor* editor = currentEditor()) {
    editor->runs().cancel();
    log("cancelling the run");
  }
}

bool MainWindow::closeTab(int index, bool force) {
  auto* editor = qobject_cast<PageEditor*>(tabs_->widget(index));
  if (!editor) return true;
  if (!force && editor->document().isDirty()) {
    tabs_->setCurrentIndex(index);
    const auto answer = QMessageBox::question(
        this, "Unsaved changes", editor->document().displayName() + " has unsaved changes. Save them?",
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Save && !saveCurrent()) return false;
  }
  editor->runs().cancel();
  editor->runs().wait();
  remove_recovery(editor->recoveryPath);
  tabs_->removeTab(index);
  editor->deleteLater();
  return true;
}

void MainWindow::setAutosaveInterval(int milliseconds) { autosave_timer_->setInterval(milliseconds); }

void MainWindow::autosaveNow() {
  for (int i = 0; i < tabs_->count(); ++i) {
    auto* editor = qobject_cast<PageEditor*>(tabs_->widget(i));
    if (!editor || !editor->document().isDirty()) continue;
    try {
      const QString text = QString::fromStdString(serialize_page(editor->document().page(), &registry_));
      editor->recoveryPath = write_recovery(editor->recoveryPath, editor->document().filePath(), text);
    } catch (const std::exception& e) {
      log(QString("autosave failed: ") + e.what());
    }
  }
}

int MainWindow::offerRecovery(bool ask) {
  const auto pages = find_recoverable();
  if (pages.isEmpty()) return 0;
  if (ask) {
    const auto answer = QMessageBox::question(
        this, "Recover unsaved work", QString("Blockflow did not close cleanly. Recover %1 unsaved page(s)?").arg(pages.size()),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
      for (const auto& page : pages) remove_recovery(page.recovery_file);
      return 0;
    }
  }
  int opened = 0;
  for (const auto& page : pages) {
    auto* editor = new PageEditor(registry_, tabs_);
    if (!editor->document().load(page.recovery_file).isEmpty()) {
      delete editor;
      continue;
    }
    // Recovered work is unsaved: it belongs to the original file (if any), and is dirty.
    editor->document().markRecovered(page.original_path);
    editor->recoveryPath = page.recovery_file;
    addEditor(editor);
    log("recovered " + (page.original_path.isEmpty() ? QString("an unsaved page") : page.original_path));
    ++opened;
  }
  return opened;
}

void MainWindow::bindCurrent() {
  PageEditor* editor = currentEditor();
  properties_->setDocument(editor ? &editor->document() : nullptr);
  results_->setSource(editor ? &editor->runs() : nullptr);
  const QStringList ids = editor ? editor->scene()->selectedIds() : QStringList();
  showSelection(ids.size() == 1 ? ids.front() : QString());
  if (editor) {
    run_action_->setEnabled(!editor->runs().isRunning());
    cancel_action_->setEnabled(editor->runs().isRunning());
  }
  updateTitles();
}

void MainWindow::showSelection(const QString& id) {
  PageEditor* editor = currentEditor();
  properties_->showBlock(id);
  QStringList outputs;
  bool channels_first = false;
  if (editor && !id.isEmpty()) {
    const BlockInstance* block = editor->document().page().graph.find_block(id.toStdString());
    const BlockSpec* spec = block ? registry_.find(block->type) : nullptr;
    if (spec)
      for (const PortSpec* port : spec->outputs()) outputs << QString::fromStdString(port->name);
    channels_first = editor->document().valueText(id, "attrs").contains("NCHW", Qt::CaseInsensitive);
  }
  results_->showBlock(id, outputs, channels_first);
}

void MainWindow::updateTitles() {
  for (int i = 0; i < tabs_->count(); ++i) {
    auto* editor = qobject_cast<PageEditor*>(tabs_->widget(i));
    if (!editor) continue;
    const QString name = editor->document().displayName() + (editor->document().isDirty() ? " *" : "");
    tabs_->setTabText(i, name);
    tabs_->setTabToolTip(i, editor->document().filePath());
  }
  PageEditor* editor = currentEditor();
  setWindowTitle(editor ? editor->document().displayName() + (editor->document().isDirty() ? " *" : "") + " — Blockflow"
                        : QString("Blockflow"));
}

QStringList MainWindow::recentFiles() const { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::rememberRecent(const QString& path) {
  QStringList recent = recentFiles();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue("recentFiles", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  if (!recent_menu_) return;
  recent_menu_->clear();
  for (const QString& path : recentFiles())
    recent_menu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openPage(path); })->setToolTip(path);
  recent_menu_->setEnabled(!recent_menu_->isEmpty());
}

void MainWindow::log(const QString& text) { log_->appendPlainText(text); }

void MainWindow::closeEvent(QCloseEvent* event) {
  while (tabs_->count() > 0) {
    if (!closeTab(tabs_->count() - 1)) {
      event->ignore();
      return;
    }
  }
  event->accept();
}

}  // namespace blockflow::editor

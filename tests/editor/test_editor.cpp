// The editor driven as a user drives it, headless (QT_QPA_PLATFORM=offscreen): palette drops,
// mouse-drag connections, the property panel, F5, the result view, undo/redo, save and reopen,
// copy and paste, recovery.
#include <QAbstractItemModel>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QDropEvent>
#include <QProcess>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include "blocks/builtin_blocks.h"
#include "editor/app/main_window.h"
#include "editor/app/page_editor.h"
#include "editor/app/recovery.h"
#include "editor/canvas/canvas_style.h"
#include "editor/panels/palette_widget.h"
#include "editor/panels/property_panel.h"
#include "editor/panels/result_panel.h"

using namespace blockflow;
using namespace blockflow::editor;

namespace {

const char* kSixteen = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16";

void settle() {
  for (int i = 0; i < 5; ++i) QApplication::processEvents();
}

// Drags a block type out of the palette (its own MIME data) and drops it on the canvas.
void dropFromPalette(MainWindow& window, const QString& type, QPoint at) {
  QTreeWidgetItem* item = window.palette()->itemFor(type);
  QVERIFY(item);
  QTreeWidget* tree = window.palette()->tree();
  const QModelIndex index = tree->model()->index(tree->indexOfTopLevelItem(item->parent()), 0);
  const QModelIndex child = tree->model()->index(item->parent()->indexOfChild(item), 0, index);
  std::unique_ptr<QMimeData> mime(tree->model()->mimeData({child}));
  QVERIFY(mime && mime->hasFormat(kBlockTypeMime));
  QWidget* viewport = window.currentEditor()->view()->viewport();
  QDragEnterEvent enter(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &enter);
  QDragMoveEvent move(at, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &move);
  QDropEvent drop(QPointF(at), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(viewport, &drop);
  settle();
}

QPoint portOnScreen(PageEditor* editor, const QString& block, const QString& port) {
  BlockItem* item = editor->scene()->blockItem(block);
  if (!item) return {};
  return editor->view()->mapFromScene(item->portScenePos(port));
}

// Presses on one port, drags, and releases on another, as a user connects two blocks.
void dragWire(PageEditor* editor, const QString& from_block, const QString& from_port, const QString& to_block,
              const QString& to_port) {
  QWidget* viewport = editor->view()->viewport();
  const QPoint start = portOnScreen(editor, from_block, from_port);
  const QPoint end = portOnScreen(editor, to_block, to_port);
  QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, start);
  QTest::mouseMove(viewport, (start + end) / 2);
  QTest::mouseMove(viewport, end);
  QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, end);
  settle();
}

void typeInto(PropertyPanel* panel, const QString& key, const QString& text) {
  auto* line = qobject_cast<QLineEdit*>(panel->editorFor(key));
  QVERIFY2(line, qPrintable("no line edit for " + key));
  line->setFocus();
  line->selectAll();
  QTest::keyClicks(line, text);
  QTest::keyClick(line, Qt::Key_Return);
  settle();
}

void choose(PropertyPanel* panel, const QString& key, const QString& text) {
  auto* box = qobject_cast<QComboBox*>(panel->editorFor(key));
  QVERIFY2(box, qPrintable("no combo box for " + key));
  box->setCurrentText(text);
  emit box->textActivated(text);
  settle();
}

void select(PageEditor* editor, const QString& id) {
  editor->scene()->selectIds({id});
  settle();
}

std::string pageText(PageEditor* editor) {
  return serialize_page(editor->document().page(), &builtin_registry());
}

bool waitForRun(PageEditor* editor) {
  for (int i = 0; i < 500 && editor->runs().isRunning(); ++i) QTest::qWait(20);
  settle();
  return !editor->runs().isRunning();
}

std::vector<double> resultValues(MainWindow& window) {
  // Reads the result view's model, walking the index selectors over the leading dimensions.
  std::vector<double> values;
  TensorSliceModel* model = window.results()->model();
  QSpinBox* batch = window.results()->selector(0);
  const int batches = batch ? batch->maximum() + 1 : 1;
  for (int n = 0; n < batches; ++n) {
    if (batch) batch->setValue(n);
    settle();
    for (int r = 0; r < model->rowCount(); ++r)
      for (int c = 0; c < model->columnCount(); ++c)
        values.push_back(model->data(model->index(r, c), Qt::UserRole).toDouble());
  }
  return values;
}

}  // namespace

class EditorTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir scratch_;

  // Builds the seed example by hand; leaves the window with the three blocks wired and set.
  void buildSeedByHand(MainWindow& window) {
    window.newPage();
    PageEditor* editor = window.currentEditor();
    editor->view()->resize(1200, 800);
    editor->view()->centerOn(QPointF(300, 150));
    settle();
    dropFromPalette(window, "Const", editor->view()->mapFromScene(QPointF(0, 0)));
    dropFromPalette(window, "Const", editor->view()->mapFromScene(QPointF(0, 220)));
    dropFromPalette(window, "DepthwiseConv2dNative", editor->view()->mapFromScene(QPointF(400, 80)));
    QCOMPARE(editor->document().page().graph.blocks.size(), std::size_t(3));
    QVERIFY(editor->document().page().graph.find_block("const"));
    QVERIFY(editor->document().page().graph.find_block("const_2"));
    QVERIFY(editor->document().page().graph.find_block("dw"));

    dragWire(editor, "const", "output", "dw", "input");
    dragWire(editor, "const_2", "output", "dw", "filter");
    QCOMPARE(editor->document().page().graph.links.size(), std::size_t(2));

    for (const QString id : {"const", "const_2"}) {
      select(editor, id);
      QCOMPARE(window.properties()->blockId(), id);
      choose(window.properties(), "dtype", "float");
      typeInto(window.properties(), "shape", "2,2,2,2");
      typeInto(window.properties(), "value", kSixteen);
    }
    select(editor, "dw");
    typeInto(window.properties(), "strides", "1,2,2,1");
    choose(window.properties(), "padding", "SAME");
    typeInto(window.properties(), "attrs", "data_format_ = NHWC;");
  }

 private slots:
  void initTestCase() {
    QVERIFY(scratch_.isValid());
    qputenv("BLOCKFLOW_RECOVERY_DIR", scratch_.filePath("recovery").toUtf8());
  }

  void dragConnectSetRunAndReadResults() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    QVERIFY2(editor->document().analysis().ok(), qPrintable(window.logView()->toPlainText()));
    QCOMPARE(editor->scene()->wireLabel({"dw", "input"}), QString("float32 [2,2,2,2]"));

    QTest::keyClick(&window, Qt::Key_F5);  // the shortcut of the Run action
    QVERIFY(editor->runs().isRunning() || !editor->runs().states().empty());
    QVERIFY(waitForRun(editor));
    QCOMPARE(editor->runs().states().at("dw").status, BlockStatus::Done);
    select(editor, "dw");
    QCOMPARE(resultValues(window), (std::vector<double>{152, 168, 220, 240, 376, 424, 508, 560}));
    QVERIFY(window.results()->statistics()->text().startsWith("float32 [2,1,1,4]   min 152   max 560   mean 331"));
    QVERIFY(!window.results()->heatmap().isNull());

    // An edit recomputes only what changed: the input Const is reused.
    select(editor, "const_2");
    typeInto(window.properties(), "value", "1");
    window.runAction()->trigger();
    QVERIFY(waitForRun(editor));
    QVERIFY(editor->runs().states().at("const").reused);
    QVERIFY(!editor->runs().states().at("const_2").reused);
    QVERIFY(!editor->runs().states().at("dw").reused);
    QVERIFY(window.logView()->toPlainText().contains("run finished: 2 computed, 1 reused"));

    const QString exported = scratch_.filePath("dw.npy");
    select(editor, "dw");
    QCOMPARE(window.results()->exportTo(exported), QString());
    QVERIFY(QFile::exists(exported));
  }

  void undoEverythingThenRedo() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    const std::string built = pageText(editor);
    QUndoStack* stack = editor->document().undoStack();
    QVERIFY(stack->count() >= 14);
    while (stack->canUndo()) stack->undo();
    QVERIFY(editor->document().page().graph.blocks.empty());
    QVERIFY(editor->document().page().graph.links.empty());
    QVERIFY(!editor->document().isDirty());
    while (stack->canRedo()) stack->redo();
    QCOMPARE(pageText(editor), built);
  }

  void refusesTensorOnEnumPort() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    const auto links_before = editor->document().page().graph.links.size();
    const int steps_before = editor->document().undoStack()->count();
    dragWire(editor, "const", "output", "dw", "padding");
    QCOMPARE(editor->document().page().graph.links.size(), links_before);
    QCOMPARE(editor->document().undoStack()->count(), steps_before);
    QVERIFY2(window.logView()->toPlainText().contains(
                 "cannot connect const.output to dw.padding: port 'padding' takes enum{SAME|VALID|EXPLICIT}, not a tensor"),
             qPrintable(window.logView()->toPlainText()));
  }

  void invalidTextIsShownAndNotApplied() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    typeInto(window.properties(), "strides", "1,x,2,1");
    QCOMPARE(editor->document().valueText("dw", "strides"), QString("1,2,2,1"));
    QVERIFY(window.properties()->editorFor("strides")->property("invalid").toBool());
    QVERIFY(window.logView()->toPlainText().contains("\"x\" is not an integer"));

    // A page problem made by an edit outlines the block in red, with the message as tooltip and in the log.
    select(editor, "const_2");
    typeInto(window.properties(), "shape", "2,2,3,2");
    typeInto(window.properties(), "value", "1");
    const QString problem = "block 'dw' port 'filter': input and filter must have the same depth: 2 vs 3";
    QCOMPARE(editor->scene()->blockItem("dw")->toolTip(), problem);
    QVERIFY(window.logView()->toPlainText().contains("problem: " + problem));
  }

  void replacingALinkIsOneStep() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    const int steps = editor->document().undoStack()->count();
    dragWire(editor, "const_2", "output", "dw", "input");  // input already linked from const
    QCOMPARE(editor->document().undoStack()->count(), steps + 1);
    bool from_const_2 = false;
    for (const auto& link : editor->document().page().graph.links)
      if (link.to == PortRef{"dw", "input"}) from_const_2 = link.from.block == "const_2";
    QVERIFY(from_const_2);
    editor->document().undoStack()->undo();
    for (const auto& link : editor->document().page().graph.links)
      if (link.to == PortRef{"dw", "input"}) QCOMPARE(QString::fromStdString(link.from.block), QString("const"));
  }

  void saveReopenSamePage() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    const QString path = scratch_.filePath("seed_by_hand.json");
    QVERIFY(window.saveCurrentAs(path));
    QVERIFY(!editor->document().isDirty());
    QVERIFY(!window.tabs()->tabText(window.tabs()->currentIndex()).endsWith("*"));
    const std::string saved = pageText(editor);

    MainWindow other(builtin_registry());
    QCOMPARE(other.openPage(path), QString());
    QCOMPARE(pageText(other.currentEditor()), saved);
    QVERIFY(other.currentEditor()->document().analysis().ok());
    QVERIFY(other.recentFiles().contains(QFileInfo(path).absoluteFilePath()));
    // What the editor saves is a valid page for the CLI's loader too.
    QVERIFY(load_page_file(path.toStdString()).ok());
  }

  void pasteGivesFreshIds() {
    MainWindow window(builtin_registry());
    window.show();
    buildSeedByHand(window);
    PageEditor* editor = window.currentEditor();
    select(editor, "const_2");
    editor->copySelection();
    editor->paste();
    settle();
    const BlockInstance* pasted = editor->document().page().graph.find_block("const_3");
    QVERIFY(pasted);
    QVERIFY(pasted->values == editor->document().page().graph.find_block("const_2")->values);
    QCOMPARE(editor->scene()->selectedIds(), QStringList{"const_3"});
    editor->document().undoStack()->undo();
    QVERIFY(!editor->document().page().graph.find_block("const_3"));
  }

  void quickAddPopupAddsABlock() {
    MainWindow window(builtin_registry());
    window.show();
    window.newPage();
    PageEditor* editor = window.currentEditor();
    editor->view()->showQuickAdd(QPointF(50, 50));
    QTest::keyClicks(editor->view()->quickAdd()->searchField(), "truncated");
    QTest::keyClick(editor->view()->quickAdd()->searchField(), Qt::Key_Return);
    settle();
    QVERIFY(editor->document().page().graph.find_block("truncatednormal"));
    QCOMPARE(editor->document().position("truncatednormal"), QPointF(50, 50));
  }

  void killedEditorIsRecovered() {
    // A real editor process edits a page, autosaves, and is killed without warning.
    const QString folder = scratch_.filePath("killed");
    QDir().mkpath(folder);
    const QString page = folder + "/page.json";
    QVERIFY(QFile::copy(BLOCKFLOW_SOURCE_DIR "/examples/seed_depthwise.json", page));
    const QByteArray saved_recovery = qgetenv("BLOCKFLOW_RECOVERY_DIR");
    qputenv("BLOCKFLOW_RECOVERY_DIR", (folder + "/recovery").toUtf8());
    QProcess editor;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    editor.setProcessEnvironment(env);
    editor.start(BLOCKFLOW_EDITOR_BIN, {"--autosave-ms", "100", "--add-block", "RandomUniform", page});
    QVERIFY(editor.waitForStarted(10000));
    // Generous: a loaded machine (or a sanitizer build) starts the editor slowly.
    for (int i = 0; i < 1200 && find_recoverable().isEmpty(); ++i) QTest::qWait(50);
    QCOMPARE(find_recoverable().size(), 1);
    editor.kill();
    QVERIFY(editor.waitForFinished(10000));

    // The next start offers the work back, attached to the original file and unsaved.
    MainWindow next(builtin_registry());
    QCOMPARE(next.offerRecovery(false), 1);
    PageDocument& document = next.currentEditor()->document();
    QVERIFY(document.page().graph.find_block("randomuniform"));
    QCOMPARE(document.filePath(), QFileInfo(page).absoluteFilePath());
    QVERIFY(document.isDirty());
    QVERIFY(next.saveCurrent());
    QCOMPARE(find_recoverable().size(), 0);
    QVERIFY(load_page_file(page.toStdString()).page->graph.find_block("randomuniform"));
    qputenv("BLOCKFLOW_RECOVERY_DIR", saved_recovery);
  }

  void autosaveIsOfferedAfterACrash() {
    QString recovered_text;
    {
      MainWindow crashed(builtin_registry());
      buildSeedByHand(crashed);
      crashed.autosaveNow();
      recovered_text = QString::fromStdString(pageText(crashed.currentEditor()));
      QCOMPARE(find_recoverable().size(), 1);
      // The window goes away without closing its tabs: as if the process had died.
      crashed.currentEditor()->recoveryPath.clear();
    }
    MainWindow next(builtin_registry());
    QCOMPARE(next.offerRecovery(false), 1);
    QVERIFY(next.currentEditor()->document().isDirty());
    QCOMPARE(QString::fromStdString(pageText(next.currentEditor())), recovered_text);
    QVERIFY(next.closeTab(0, true));
    QCOMPARE(find_recoverable().size(), 0);
  }
};

int main(int argc, char** argv) {
  // Set here too: test discovery and plain runs must work without a display.
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName("BlockflowTests");
  QApplication::setApplicationName("blockflow-editor-tests");
  EditorTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_editor.moc"

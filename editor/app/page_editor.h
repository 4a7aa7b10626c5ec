#pragma once
// One open page: its document, run controller, canvas and view, as one tab of the main window.
#include <QWidget>

#include "editor/canvas/page_scene.h"
#include "editor/canvas/page_view.h"
#include "editor/document/page_document.h"
#include "editor/document/run_controller.h"

namespace blockflow::editor {

class PageEditor : public QWidget {
  Q_OBJECT

 public:
  PageEditor(const BlockRegistry& registry, QWidget* parent = nullptr);
  PageDocument& document() { return document_; }
  RunController& runs() { return runs_; }
  PageScene* scene() const { return scene_; }
  PageView* view() const { return view_; }

  // Edit commands shared by menus and shortcuts.
  void copySelection();
  void cutSelection();
  void paste();
  void duplicateSelection();
  void deleteSelection();
  void selectAll();
  // Where a recovery copy of this page is autosaved (empty until the first autosave).
  QString recoveryPath;
  // Problems already reported in the log, so each new one is logged once.
  QStringList reportedProblems;

 private:
  PageDocument document_;
  RunController runs_;
  PageScene* scene_;
  PageView* view_;
  int paste_count_ = 0;
};

}  // namespace blockflow::editor

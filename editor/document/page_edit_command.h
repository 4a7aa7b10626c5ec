#pragma once
// One undoable edit of a page: the state before and after. Pages are small, so whole snapshots
// keep every command trivially correct, whatever it changed.
#include <QUndoCommand>

#include "src/page/page.h"

namespace blockflow::editor {

class PageDocument;

class PageEditCommand : public QUndoCommand {
 public:
  PageEditCommand(PageDocument& document, const QString& text, Page before, Page after);
  void undo() override;
  void redo() override;

 private:
  PageDocument& document_;
  Page before_;
  Page after_;
};

}  // namespace blockflow::editor

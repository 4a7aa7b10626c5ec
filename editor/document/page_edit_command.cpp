#include "editor/document/page_edit_command.h"

#include "editor/document/page_document.h"

namespace blockflow::editor {

PageEditCommand::PageEditCommand(PageDocument& document, const QString& text, Page before, Page after)
    : QUndoCommand(text), document_(document), before_(std::move(before)), after_(std::move(after)) {}

void PageEditCommand::undo() { document_.restore(before_); }
void PageEditCommand::redo() { document_.restore(after_); }

}  // namespace blockflow::editor

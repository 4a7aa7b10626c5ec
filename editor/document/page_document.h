#pragma once
// The editor's document: owns one page (blocks, links, values, layout) and its undo stack.
// Every user action goes through one method here and becomes one undo command, whichever view
// it came from; views only draw the document and forward input.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QUndoStack>

#include <map>
#include <memory>
#include <optional>

#include "runtime/compiled_graph.h"
#include "src/page/page.h"

namespace blockflow::editor {

class PageDocument : public QObject {
  Q_OBJECT

 public:
  explicit PageDocument(const BlockRegistry& registry, QObject* parent = nullptr);

  const BlockRegistry& registry() const { return registry_; }
  const Page& page() const { return page_; }
  QUndoStack* undoStack() { return &undo_; }

  // Files. load/save report problems as text (empty on success); nothing is lost on failure.
  QString load(const QString& path);
  QString save(const QString& path);
  QString filePath() const { return file_path_; }
  // After loading a recovery copy: the page belongs to `original_path` and has unsaved changes.
  void markRecovered(const QString& original_path);
  bool isDirty() const { return !undo_.isClean(); }
  QString displayName() const;

  // Edits, each one undo step. They return an error text when refused (and change nothing).
  QString addBlock(const QString& type, QPointF position, QString* new_id = nullptr);
  void removeBlocks(const QStringList& ids);
  void moveBlocks(const std::map<QString, QPointF>& new_positions);
  QString connectPorts(const PortRef& from, const PortRef& to);
  void disconnect(const PortRef& to);
  QString setValue(const QString& block, const QString& port, const QString& text);
  void clearValue(const QString& block, const QString& port);
  // Copy / paste as JSON (a page fragment); pasted blocks get fresh ids, links among them kept.
  QString copyBlocks(const QStringList& ids) const;
  QString paste(const QString& json, QPointF offset, QStringList* new_ids = nullptr);

  // Whether a link from -> to would be accepted; the reason when not.
  QString connectionProblem(const PortRef& from, const PortRef& to) const;

  QPointF position(const QString& block) const;
  QString valueText(const QString& block, const QString& port) const;

  // Validation and inference of the current page, redone after every edit.
  const CompileResult& analysis() const { return analysis_; }
  QStringList problemsOf(const QString& block) const;

 signals:
  // The page changed (any edit, undo or redo); views redraw from page().
  void changed();
  void fileChanged();

 private:
  friend class PageEditCommand;
  // Applies a whole new page state as one undo step named `text`.
  void commit(const QString& text, Page after);
  void restore(const Page& state);
  void analyse();
  QString freshId(const QString& type) const;
  QPointF automaticPosition(const QString& block) const;
  void setPosition(Page& page, const QString& block, QPointF position) const;

  const BlockRegistry& registry_;
  Page page_;
  QUndoStack undo_;
  QString file_path_;
  CompileResult analysis_;
};

}  // namespace blockflow::editor

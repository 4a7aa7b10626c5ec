#pragma once
// Autosave and crash recovery: dirty pages are written to a recovery folder now and then; a clean
// exit removes the copies, so copies found at start-up mean the last session ended abnormally.
#include <QString>
#include <QStringList>

namespace blockflow::editor {

struct RecoveredPage {
  QString recovery_file;  // the autosaved page
  QString original_path;  // where it was saved last, empty for an unsaved page
};

QString recovery_folder();  // $BLOCKFLOW_RECOVERY_DIR, or the app data folder's "recovery"
// Writes text atomically as a recovery copy for original_path; returns the copy's path.
QString write_recovery(const QString& existing_copy, const QString& original_path, const QString& page_text);
void remove_recovery(const QString& copy);
QList<RecoveredPage> find_recoverable();

}  // namespace blockflow::editor

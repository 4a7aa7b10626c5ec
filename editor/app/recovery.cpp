#include "editor/app/recovery.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QUuid>

#include "src/io/atomic_file.h"

namespace blockflow::editor {

QString recovery_folder() {
  const QString overridden = qEnvironmentVariable("BLOCKFLOW_RECOVERY_DIR");
  const QString folder = !overridden.isEmpty() ? overridden
                                               : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/recovery";
  QDir().mkpath(folder);
  return folder;
}

QString write_recovery(const QString& existing_copy, const QString& original_path, const QString& page_text) {
  const QString copy = !existing_copy.isEmpty()
                           ? existing_copy
                           : recovery_folder() + "/" + QUuid::createUuid().toString(QUuid::WithoutBraces) + ".json";
  write_file_atomically(copy.toStdString(), page_text.toStdString());
  write_file_atomically((copy + ".origin").toStdString(), original_path.toStdString());
  return copy;
}

void remove_recovery(const QString& copy) {
  if (copy.isEmpty()) return;
  QFile::remove(copy);
  QFile::remove(copy + ".origin");
}

QList<RecoveredPage> find_recoverable() {
  QList<RecoveredPage> pages;
  const QDir folder(recovery_folder());
  for (const QString& name : folder.entryList({"*.json"}, QDir::Files, QDir::Name)) {
    RecoveredPage page{folder.filePath(name), {}};
    QFile origin(page.recovery_file + ".origin");
    if (origin.open(QIODevice::ReadOnly)) page.original_path = QString::fromUtf8(origin.readAll());
    pages << page;
  }
  return pages;
}

}  // namespace blockflow::editor

#include "editor/panels/tensor_slice_model.h"

#include "src/cli/tensor_printer.h"

namespace blockflow::editor {

void TensorSliceModel::setTensor(const Tensor& tensor) {
  beginResetModel();
  tensor_ = tensor;
  selectors_.assign(static_cast<std::size_t>(selectorCount()), 0);
  endResetModel();
}

int TensorSliceModel::selectorCount() const { return tensor_.is_set() ? std::max(0, tensor_.rank() - 2) : 0; }

void TensorSliceModel::setSelector(int dimension, std::int64_t index) {
  if (dimension < 0 || dimension >= selectorCount()) return;
  beginResetModel();
  selectors_[static_cast<std::size_t>(dimension)] = std::clamp<std::int64_t>(index, 0, tensor_.dim(dimension) - 1);
  endResetModel();
}

int TensorSliceModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !tensor_.is_set() || tensor_.element_count() == 0) return 0;
  return tensor_.rank() < 2 ? 1 : static_cast<int>(tensor_.dim(tensor_.rank() - 2));
}

int TensorSliceModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid() || !tensor_.is_set() || tensor_.element_count() == 0) return 0;
  return tensor_.rank() == 0 ? 1 : static_cast<int>(tensor_.dim(tensor_.rank() - 1));
}

std::int64_t TensorSliceModel::flatIndex(int row, int column) const {
  if (tensor_.rank() <= 1) return column;
  std::int64_t index = 0;
  for (int d = 0; d < tensor_.rank() - 2; ++d) index = index * tensor_.dim(d) + selectors_[static_cast<std::size_t>(d)];
  index = index * tensor_.dim(tensor_.rank() - 2) + row;
  return index * tensor_.dim(tensor_.rank() - 1) + column;
}

double TensorSliceModel::valueAt(int row, int column) const { return tensor_.element_as_double(flatIndex(row, column)); }

QVariant TensorSliceModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  if (role == Qt::DisplayRole) return QString::fromStdString(format_element(tensor_, flatIndex(index.row(), index.column())));
  if (role == Qt::UserRole) return valueAt(index.row(), index.column());
  if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant TensorSliceModel::headerData(int section, Qt::Orientation, int role) const {
  return role == Qt::DisplayRole ? QVariant(section) : QVariant();
}

}  // namespace blockflow::editor

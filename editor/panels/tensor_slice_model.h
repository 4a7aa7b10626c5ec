#pragma once
// A 2-D slice of a tensor as a table: the last two dimensions are rows and columns, the others
// are fixed by index selectors. Rank 0 and 1 show as one row.
#include <QAbstractTableModel>

#include <vector>

#include "runtime/tensor.h"

namespace blockflow::editor {

class TensorSliceModel : public QAbstractTableModel {
 public:
  using QAbstractTableModel::QAbstractTableModel;

  void setTensor(const Tensor& tensor);
  const Tensor& tensor() const { return tensor_; }
  bool hasTensor() const { return tensor_.is_set(); }
  // Dimensions before the last two, each fixed at an index.
  int selectorCount() const;
  void setSelector(int dimension, std::int64_t index);
  std::int64_t flatIndex(int row, int column) const;
  double valueAt(int row, int column) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  Tensor tensor_;
  std::vector<std::int64_t> selectors_;
};

}  // namespace blockflow::editor

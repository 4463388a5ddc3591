#pragma once
/// A columnar results table and its HDF5 form (README "Sweeps", hpc-conventions §2):
/// one group per table, one 1-D chunked, shuffle+deflate dataset per column, numeric only;
/// group attributes `colnames` (ordered), `n_rows`, `primary_key`; per-column attributes
/// `units`, `enum_labels` (code i = labels[i]) and `dictionary` (the path of a string
/// dictionary dataset, e.g. /dims/workload).

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "stream/io/h5.hpp"

namespace stream::io {

struct Column {
  std::string name;
  h5::Type type = h5::Type::kF64;
  std::string units;
  std::vector<std::string> enum_labels;
  std::string dictionary;           ///< path of the dictionary dataset, empty for plain numbers
  std::vector<unsigned char> data;  ///< n_rows * type_size(type) bytes, native order

  std::size_t elem_size() const { return h5::type_size(type); }
  std::size_t size() const { return data.size() / elem_size(); }
  template <typename T>
  void push(T v) {
    const auto n = data.size();
    data.resize(n + sizeof(T));
    std::memcpy(data.data() + n, &v, sizeof(T));
  }
  template <typename T>
  T get(std::size_t i) const {
    T v;
    std::memcpy(&v, data.data() + i * sizeof(T), sizeof(T));
    return v;
  }
  /// The value at row i as a double (any type).
  double as_double(std::size_t i) const;
  /// Appends row i of `other` (same type).
  void append_from(const Column& other, std::size_t i);
};

struct Table {
  std::vector<Column> columns;
  std::string primary_key = "point_id";

  int index(const std::string& name) const;  ///< -1 when absent
  Column& at(const std::string& name);
  const Column& at(const std::string& name) const;
  std::size_t n_rows() const { return columns.empty() ? 0 : columns.front().size(); }
  /// An empty table with the same columns.
  Table empty_like() const;
};

/// Writes `t` as group `name` of `parent` (the group must not exist).
void write_table(const h5::Group& parent, const std::string& name, const Table& t);
/// Reads a table written by write_table. With `only` non-empty, reads just those columns.
Table read_table(const h5::Group& group, const std::vector<std::string>& only = {});

}  // namespace stream::io

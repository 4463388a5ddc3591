#include "stream/io/result_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace stream::io {

double Column::as_double(std::size_t i) const {
  switch (type) {
    case h5::Type::kU8:
      return get<std::uint8_t>(i);
    case h5::Type::kU16:
      return get<std::uint16_t>(i);
    case h5::Type::kI32:
      return get<std::int32_t>(i);
    case h5::Type::kI64:
      return static_cast<double>(get<std::int64_t>(i));
    case h5::Type::kU64:
      return static_cast<double>(get<std::uint64_t>(i));
    default:
      return get<double>(i);
  }
}

void Column::append_from(const Column& other, std::size_t i) {
  const std::size_t es = elem_size();
  const auto n = data.size();
  data.resize(n + es);
  std::memcpy(data.data() + n, other.data.data() + i * es, es);
}

int Table::index(const std::string& name) const {
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (columns[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

Column& Table::at(const std::string& name) {
  const int k = index(name);
  if (k < 0) throw h5::H5Error("no column '" + name + "' in the table");
  return columns[static_cast<std::size_t>(k)];
}

const Column& Table::at(const std::string& name) const {
  const int k = index(name);
  if (k < 0) throw h5::H5Error("no column '" + name + "' in the table");
  return columns[static_cast<std::size_t>(k)];
}

Table Table::empty_like() const {
  Table t;
  t.primary_key = primary_key;
  for (const auto& c : columns) {
    Column e = c;
    e.data.clear();
    t.columns.push_back(std::move(e));
  }
  return t;
}

void write_table(const h5::Group& parent, const std::string& name, const Table& t) {
  const h5::Group g = parent.create_group(name);
  std::vector<std::string> names;
  const std::size_t n = t.n_rows();
  for (const auto& c : t.columns) {
    if (c.size() != n) {
      throw h5::H5Error("column '" + c.name + "' has " + std::to_string(c.size()) +
                        " rows, expected " + std::to_string(n));
    }
    names.push_back(c.name);
    g.write_dataset(c.name, c.type, c.data.data(), n);
    if (!c.units.empty()) g.set_dataset_attr(c.name, "units", c.units);
    if (!c.enum_labels.empty()) g.set_dataset_attr(c.name, "enum_labels", c.enum_labels);
    if (!c.dictionary.empty()) g.set_dataset_attr(c.name, "dictionary", c.dictionary);
  }
  g.set_attr("colnames", names);
  g.set_attr("n_rows", static_cast<std::int64_t>(n));
  g.set_attr("primary_key", t.primary_key);
}

Table read_table(const h5::Group& g, const std::vector<std::string>& only) {
  Table t;
  if (g.has_attr("primary_key")) t.primary_key = g.attr_string("primary_key");
  for (const auto& name : g.attr_strings("colnames")) {
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    Column c;
    c.name = name;
    c.type = g.dataset_type(name);
    c.data = g.read_dataset(name, c.type, nullptr);
    t.columns.push_back(std::move(c));
  }
  return t;
}

}  // namespace stream::io

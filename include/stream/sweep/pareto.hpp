#pragma once
/// Pareto fronts of a results table: the rows with status ok that no other ok row dominates
/// (<= in every objective, < in one; all objectives minimised), optionally per value of a
/// grouping column (e.g. per workload).

#include <cstddef>
#include <string>
#include <vector>

#include "stream/io/result_table.hpp"

namespace stream::sweep {

/// Row indices of the front(s), ordered by group value, then by the objectives. Throws
/// InputError naming an unknown objective or grouping column.
std::vector<std::size_t> pareto_front(const io::Table& t,
                                      const std::vector<std::string>& objectives,
                                      const std::string& by = "");

}  // namespace stream::sweep

#include "stream/sweep/pareto.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include "stream/common/error.hpp"

namespace stream::sweep {

std::vector<std::size_t> pareto_front(const io::Table& t,
                                      const std::vector<std::string>& objectives,
                                      const std::string& by) {
  if (objectives.empty()) throw InputError("--objectives", "", "no objective given");
  std::vector<const io::Column*> obj;
  for (const auto& o : objectives) {
    if (t.index(o) < 0) {
      throw InputError("--objectives", o, "no such column in the results table");
    }
    obj.push_back(&t.at(o));
  }
  const io::Column* group = nullptr;
  if (!by.empty()) {
    if (t.index(by) < 0) throw InputError("--by", by, "no such column in the results table");
    group = &t.at(by);
  }
  const io::Column* status = t.index("status") >= 0 ? &t.at("status") : nullptr;
  std::map<double, std::vector<std::size_t>> groups;
  for (std::size_t r = 0; r < t.n_rows(); ++r) {
    if (status && status->get<std::uint8_t>(r) != 0) continue;
    groups[group ? group->as_double(r) : 0.0].push_back(r);
  }
  std::vector<std::size_t> out;
  for (auto& [g, rows] : groups) {
    std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      for (const auto* c : obj) {
        const double x = c->as_double(a), y = c->as_double(b);
        if (x != y) return x < y;
      }
      return a < b;
    });
    std::vector<std::size_t> front;
    for (std::size_t r : rows) {
      bool dominated = false;
      for (std::size_t f : front) {
        bool all_le = true, one_lt = false;
        for (const auto* c : obj) {
          const double x = c->as_double(f), y = c->as_double(r);
          all_le &= x <= y;
          one_lt |= x < y;
        }
        if (all_le && one_lt) {
          dominated = true;
          break;
        }
      }
      if (!dominated) front.push_back(r);
    }
    out.insert(out.end(), front.begin(), front.end());
  }
  return out;
}

}  // namespace stream::sweep

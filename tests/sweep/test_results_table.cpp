// The HDF5 table layer (round trip, chunking, attributes, checked errors) and Pareto fronts.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "stream/common/error.hpp"
#include "stream/io/h5.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/pareto.hpp"

namespace {

namespace fs = std::filesystem;
using namespace stream::io;

Column col(const std::string& name, h5::Type type, const std::string& units = "") {
  Column c;
  c.name = name;
  c.type = type;
  c.units = units;
  return c;
}

Table two_objectives(const std::vector<std::pair<double, double>>& xy,
                     const std::vector<int>& group = {}, const std::vector<int>& status = {}) {
  Table t;
  Column st = col("status", h5::Type::kU8);
  Column a = col("a", h5::Type::kF64);
  Column b = col("b", h5::Type::kI64);
  Column g = col("g", h5::Type::kI32);
  for (std::size_t i = 0; i < xy.size(); ++i) {
    st.push<std::uint8_t>(static_cast<std::uint8_t>(status.empty() ? 0 : status[i]));
    a.push<double>(xy[i].first);
    b.push<std::int64_t>(static_cast<std::int64_t>(xy[i].second));
    g.push<std::int32_t>(group.empty() ? 0 : group[i]);
  }
  t.columns = {st, a, b, g};
  return t;
}

TEST(ResultTable, RoundTripWithAttributes) {
  const auto path =
      fs::temp_directory_path() / ("stream_table_" + std::to_string(::getpid()) + ".h5");
  Table t;
  Column id = col("point_id", h5::Type::kU64);
  Column x = col("x", h5::Type::kF64, "pJ");
  for (std::uint64_t i = 0; i < 40000; ++i) {
    id.push<std::uint64_t>(0xfedcba9876543210ULL - i);
    x.push<double>(static_cast<double>(i) * 0.5);
  }
  t.columns = {id, x};
  {
    auto f = h5::File::create(path.string());
    write_table(f.root(), "points", t);
    f.root().set_attr("note", std::string("hello"));
    f.close();
  }
  const auto f = h5::File::open_read(path.string());
  const auto g = f.root().open_group("points");
  EXPECT_EQ(g.attr_strings("colnames"), (std::vector<std::string>{"point_id", "x"}));
  EXPECT_EQ(g.attr_int("n_rows"), 40000);
  EXPECT_EQ(g.attr_string("primary_key"), "point_id");
  EXPECT_EQ(g.dataset_attr_string("x", "units"), "pJ");
  EXPECT_EQ(g.dataset_type("point_id"), h5::Type::kU64);
  const auto back = read_table(g);
  ASSERT_EQ(back.n_rows(), 40000u);
  EXPECT_EQ(back.at("point_id").data, t.at("point_id").data);
  EXPECT_EQ(back.at("x").get<double>(39999), 39999 * 0.5);
  EXPECT_EQ(f.root().attr_string("note"), "hello");
  // Checked calls: a missing dataset is an exception carrying HDF5's reason, not a crash.
  try {
    g.read_dataset("nope", h5::Type::kF64, nullptr);
    ADD_FAILURE() << "no exception";
  } catch (const h5::H5Error& e) {
    EXPECT_NE(std::string(e.what()).find("H5Dopen2 failed on 'nope'"), std::string::npos)
        << e.what();
  }
  fs::remove(path);
}

TEST(Pareto, TwoObjectivesWithTiesAndInfeasible) {
  // (1,9) (2,5) (3,5) dominated by (2,5); (4,1); (2,5) twice: both stay (neither dominates);
  // (0,0) is not ok and ignored.
  const auto t = two_objectives({{1, 9}, {2, 5}, {3, 5}, {4, 1}, {2, 5}, {0, 0}, {5, 2}}, {},
                                {0, 0, 0, 0, 0, 1, 0});
  const auto f = stream::sweep::pareto_front(t, {"a", "b"});
  EXPECT_EQ(f, (std::vector<std::size_t>{0, 1, 4, 3}));
}

TEST(Pareto, PerGroupAndThreeObjectives) {
  const auto t = two_objectives({{1, 1}, {2, 2}, {3, 0}, {0, 3}}, {0, 0, 1, 1});
  EXPECT_EQ(stream::sweep::pareto_front(t, {"a", "b"}, "g"), (std::vector<std::size_t>{0, 3, 2}));
  // With g as a third objective, row 1 (2,2,0) is dominated by row 0 (1,1,0); rows 2 and 3
  // (group 1) are not dominated: 3 rows.
  EXPECT_EQ(stream::sweep::pareto_front(t, {"a", "b", "g"}).size(), 3u);
  EXPECT_THROW(stream::sweep::pareto_front(t, {"a", "zz"}), stream::InputError);
  EXPECT_THROW(stream::sweep::pareto_front(t, {"a"}, "zz"), stream::InputError);
}

}  // namespace

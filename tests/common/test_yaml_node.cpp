#include <gtest/gtest.h>

#include <cmath>

#include "stream/common/error.hpp"
#include "stream/common/yaml_node.hpp"

using stream::InputError;
using stream::yaml::Node;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(YamlNode, ReadsScalarsWithUnits) {
  const auto n = Node::load_string("size: 1e10\nbw: .inf\ncost: 0.5\nflag: true\n", "t.yaml");
  EXPECT_EQ(n.required("size").as_int(), 10000000000LL);
  EXPECT_TRUE(std::isinf(n.required("bw").as_double(/*allow_inf=*/true)));
  EXPECT_DOUBLE_EQ(n.required("cost").as_double(), 0.5);
  EXPECT_TRUE(n.required("flag").as_bool());
}

TEST(YamlNode, TabErrorNamesFileAndLine) {
  const auto msg = error_of([] { Node::load_string("a:\n\tb: 1\n", "tabs.yaml"); });
  EXPECT_NE(msg.find("tabs.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 2"), std::string::npos) << msg;
}

TEST(YamlNode, MissingFieldNamesPath) {
  const auto n = Node::load_string("outer:\n  inner: {x: 1}\n", "f.yaml");
  const auto msg = error_of([&] { n.required("outer").required("inner").required("size"); });
  EXPECT_NE(msg.find("f.yaml: outer.inner (line 2): missing field 'size'"), std::string::npos)
      << msg;
}

TEST(YamlNode, RejectsNonIntegersAndRanges) {
  const auto n = Node::load_string("a: 1.5\nb: abc\nc: -3\nd: .nan\n", "f.yaml");
  EXPECT_NE(error_of([&] { n.required("a").as_int(); }).find("expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] { n.required("b").as_int(); }).find("expected an integer, got 'abc'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { n.required("c").as_int(0); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([&] { n.required("d").as_double(); }).find("NaN"), std::string::npos);
  EXPECT_NE(error_of([&] { n.required("c").as_non_negative(); }).find("non-negative"),
            std::string::npos);
}

TEST(YamlNode, UnknownKeyListsAllowedOnes) {
  const auto n = Node::load_string("sise: 3\n", "f.yaml");
  const auto msg = error_of([&] { n.check_keys({"size", "name"}); });
  EXPECT_NE(msg.find("unknown field 'sise' (allowed here: size, name)"), std::string::npos) << msg;
}

TEST(YamlNode, DuplicateKeysAreErrors) {
  const auto n = Node::load_string("a: 1\na: 2\n", "f.yaml");
  EXPECT_NE(error_of([&] { n.entries(); }).find("duplicate key 'a'"), std::string::npos);
}

TEST(YamlNode, MissingFileAndEmptyFile) {
  EXPECT_NE(error_of([] { Node::load_file("/nonexistent/x.yaml"); }).find("cannot open file"),
            std::string::npos);
  EXPECT_NE(error_of([] { Node::load_string("", "e.yaml"); }).find("empty"), std::string::npos);
}

}  // namespace

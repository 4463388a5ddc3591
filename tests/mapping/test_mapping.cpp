#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "stream/common/error.hpp"
#include "stream/mapping/check.hpp"
#include "stream/mapping/mapping_spec.hpp"

namespace fs = std::filesystem;
using namespace stream;
using namespace stream::mapping;

namespace {

const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Mapping, MapFormWithCutoffs) {
  const auto m =
      read_mapping(kRef + "/stream2023/inputs/mapping/tpu_like_single_core_hybrid24.yaml");
  EXPECT_EQ(m.entries.size(), 8u);
  EXPECT_TRUE(m.has_scheduler);
  EXPECT_EQ(m.scheduler.priority, SchedulerPriority::kMemory);
  EXPECT_TRUE(m.scheduler.prefetch.empty());
  ASSERT_EQ(m.tiling_cutoffs.size(), 2u);
  EXPECT_EQ(*m.tiling_cutoffs[0].below_layer, 24);
  // Layer 23 takes the first item (OY all), layer 24 the catch-all (layer by layer).
  const auto* conv = m.lookup("/conv1/Conv", "Conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->name, "Conv");
  EXPECT_EQ(m.intra_core_tiling_for(LayerId(23), conv),
            (std::vector<TilingLoop>{{"OY", 1, true, false}}));
  EXPECT_TRUE(m.intra_core_tiling_for(LayerId(24), conv).empty());
  EXPECT_EQ(m.lookup("x", "Softmax")->name, "default");
}

TEST(Mapping, ListFormAndLookupOrder) {
  const auto m = parse_mapping(R"(
- {name: default, core_allocation: [0, 1, 2, 3], intra_core_tiling: [[OY, all]]}
- {name: Conv, core_allocation: 0}
- {name: /layer1/conv, core_allocation: [2], intra_core_tiling: ["OX, 28", [OY, 56]], inter_core_tiling: [[K, "*"]]}
)",
                               "m.yaml");
  EXPECT_FALSE(m.has_scheduler);
  EXPECT_EQ(m.lookup("/layer1/conv", "Conv")->core_allocation, (std::vector<CoreId>{CoreId(2)}));
  EXPECT_EQ(m.lookup("/other", "Conv")->name, "Conv");
  EXPECT_EQ(m.lookup("/other", "Gemm")->name, "default");
  const auto* e = m.lookup("/layer1/conv", "Conv");
  EXPECT_EQ(*e->intra_core_tiling,
            (std::vector<TilingLoop>{{"OX", 28, false, false}, {"OY", 56, false, false}}));
  EXPECT_TRUE(e->inter_core_tiling[0].any);
  // An entry without intra_core_tiling is layer by layer.
  EXPECT_TRUE(m.intra_core_tiling_for(LayerId(3), m.lookup("", "Conv")).empty());
}

TEST(Mapping, EveryReferenceMappingLoads) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kRef)) {
    if (e.path().filename() == "mapping.yaml" || e.path().parent_path().filename() == "mapping") {
      SCOPED_TRACE(e.path().string());
      const auto m = read_mapping(e.path().string());
      EXPECT_FALSE(m.entries.empty());
      ++n;
    }
  }
  EXPECT_EQ(n, 12);
}

TEST(Mapping, ValidationPrefetchAndPriority) {
  const auto m = read_mapping(kRef + "/validation/aimc_4x4/mapping.yaml");
  EXPECT_EQ(m.scheduler.priority, SchedulerPriority::kLatency);
  EXPECT_EQ(m.scheduler.prefetch, (std::vector<std::string>{"W"}));
}

struct BadCase {
  const char* text;
  const char* expect;
};

class BadMapping : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadMapping, FailsWithMessage) {
  const auto msg = error_of([&] { parse_mapping(GetParam().text, "bad_mapping.yaml"); });
  EXPECT_NE(msg.find("bad_mapping.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find(GetParam().expect), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadMapping,
    ::testing::Values(
        BadCase{"- {name: default}\n", "[0] (line 1): missing field 'core_allocation'"},
        BadCase{"- {name: default, core_allocation: [-1]}\n", "out of range"},
        BadCase{"- {name: default, core_allocation: [0], intra_core_tiling: [[OY, 0]]}\n",
                "tiling size must be a positive integer, 'all' or '*', got '0'"},
        BadCase{"- {name: default, core_allocation: [0], intra_core_tiling: [[OY, \"*\"]]}\n",
                "only allowed in inter_core_tiling"},
        BadCase{"- {name: default, core_allocation: [0], intra_core_tiling: [[OY]]}\n",
                "expected [DIM, SIZE]"},
        BadCase{"- {name: default, core_allocaton: [0]}\n", "unknown field 'core_allocaton'"},
        BadCase{"- {name: a, core_allocation: [0]}\n- {name: a, core_allocation: [1]}\n",
                "two entries are called 'a'"},
        BadCase{"layers: [{name: default, core_allocation: [0]}]\nscheduler: {priority: fast}\n",
                "unknown priority 'fast' (expected memory or latency)"},
        BadCase{"layers: [{name: default, core_allocation: [0]}]\ntiling_cutoffs:\n  - "
                "{intra_core_tiling: []}\n  - "
                "{below_layer: 3, intra_core_tiling: []}\n",
                "only the last tiling_cutoffs item may omit below_layer"},
        BadCase{"layers: []\n", "a mapping needs at least one entry"},
        BadCase{"name: x\n", "unknown field 'name'"},
        BadCase{"- {name: default, core_allocation: [0, 0]}\n", "core 0 is listed twice"}));

}  // namespace

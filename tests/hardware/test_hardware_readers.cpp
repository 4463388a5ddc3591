#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "stream/common/error.hpp"
#include "stream/hardware/load.hpp"
#include "support/minimal_core.hpp"

namespace fs = std::filesystem;
using namespace stream;
using namespace stream::hardware;

namespace {

const std::string kData = STREAM_TEST_DATA_DIR;
const std::string kRef = kData + "/reference";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

int channel_between(const AcceleratorSpec& acc, int a, int b) {
  const auto* r = acc.route(CoreId(a), CoreId(b));
  if (r == nullptr || r->channels.size() != 1) return -1;
  return r->channels[0];
}

TEST(CoreReader, TpuLikePaperEra) {
  const auto core = read_core(kRef + "/stream2023/inputs/hardware/cores/tpu_like.yaml");
  EXPECT_EQ(core.name, "tpu_like");
  EXPECT_EQ(core.type, CoreType::kCompute);
  ASSERT_EQ(core.levels.size(), 5u);
  EXPECT_EQ(core.array.total_units(), 1024);
  EXPECT_DOUBLE_EQ(core.array.unit_energy_pj, 0.04);
  const auto& rf = core.levels[0];
  EXPECT_EQ(rf.memory.name, "rf_64B");
  EXPECT_EQ(rf.memory.size_bits, 512);
  EXPECT_EQ(rf.instance_count(core.array.sizes), 1024);  // one per MAC
  const auto& a = core.levels[2];
  EXPECT_EQ(a.memory.name, "sram_64KB_A");
  EXPECT_DOUBLE_EQ(a.memory.r_bw_bits, 2048);
  EXPECT_DOUBLE_EQ(a.memory.r_granularity_bits, 64);
  EXPECT_DOUBLE_EQ(a.memory.w_cost_pj, 94.88);
  EXPECT_EQ(a.instance_count(core.array.sizes), 1);
  // rf_1KB serves D2: 32 instances; its O directions are on four separate ports.
  EXPECT_EQ(core.levels[1].instance_count(core.array.sizes), 32);
  const auto& pa = core.levels[1].port_alloc[static_cast<int>(MemOperand::kO)];
  EXPECT_EQ(pa[static_cast<int>(Direction::kToLow)], 0);
  EXPECT_EQ(pa[static_cast<int>(Direction::kToHigh)], 1);
  EXPECT_EQ(pa[static_cast<int>(Direction::kFromHigh)], 2);
  EXPECT_EQ(pa[static_cast<int>(Direction::kFromLow)], 3);
  // Top memories: the 1 MB W SRAM (I2) and the 1 MB A SRAM (I1, O).
  EXPECT_EQ(core.top_levels(), (std::vector<int>{3, 4}));
  EXPECT_EQ(core.top_level_for(MemOperand::kI2), 3);
  EXPECT_EQ(core.top_level_for(MemOperand::kI1), 4);
  EXPECT_EQ(core.top_level_for(MemOperand::kO), 4);
  ASSERT_EQ(core.dataflows.size(), 2u);
  EXPECT_EQ(core.dataflows[0], (Dataflow{{0, "K", 32}, {1, "C", 32}}));
  EXPECT_EQ(core.dataflows[1], (Dataflow{{0, "G", 32}}));
}

TEST(CoreReader, BothPortStylesGiveTheSameCore) {
  const auto old_style = read_core(kData + "/hardware/tpu_like_2024.yaml");
  const auto explicit_style = read_core(kData + "/hardware/tpu_like_explicit.yaml");
  ASSERT_EQ(old_style.levels.size(), explicit_style.levels.size());
  for (std::size_t i = 0; i < old_style.levels.size(); ++i) {
    const auto& a = old_style.levels[i];
    const auto& b = explicit_style.levels[i];
    EXPECT_EQ(a.memory.name, b.memory.name);
    EXPECT_EQ(a.memory.size_bits, b.memory.size_bits);
    EXPECT_DOUBLE_EQ(a.memory.r_bw_bits, b.memory.r_bw_bits);
    EXPECT_DOUBLE_EQ(a.memory.w_granularity_bits, b.memory.w_granularity_bits);
    EXPECT_EQ(a.operands, b.operands);
    EXPECT_EQ(a.served_dimensions, b.served_dimensions);
    EXPECT_EQ(a.port_alloc, b.port_alloc) << a.memory.name;
  }
  EXPECT_EQ(old_style.dataflows, explicit_style.dataflows);
  EXPECT_EQ(old_style.content_hash(), explicit_style.content_hash());
  // A different core hashes differently.
  const auto other = read_core(kRef + "/stream2023/inputs/hardware/cores/tpu_like.yaml");
  EXPECT_NE(other.content_hash(), explicit_style.content_hash());
}

TEST(CoreReader, DramAndSharedPorts) {
  const auto dram = read_core(kRef + "/stream2023/inputs/hardware/cores/offchip.yaml");
  EXPECT_EQ(dram.type, CoreType::kOffchip);
  ASSERT_EQ(dram.levels.size(), 1u);
  EXPECT_EQ(dram.levels[0].memory.size_bits, 10000000000LL);
  EXPECT_EQ(dram.levels[0].memory.rw_ports, 1);
  EXPECT_TRUE(std::isinf(dram.array.unit_energy_pj));
}

TEST(AcceleratorReader, TpuLikeQuadCore) {
  const auto acc = read_accelerator(kRef + "/stream2023/inputs/hardware/tpu_like_quad_core.yaml");
  EXPECT_EQ(acc.name, "TPU-like-quad-core");
  ASSERT_EQ(acc.cores.size(), 7u);
  EXPECT_EQ(acc.offchip_core, CoreId(6));
  // The four compute cores read from one file share one spec.
  EXPECT_EQ(acc.cores[0].spec.get(), acc.cores[3].spec.get());
  // 4 mesh links + 4 pooling links + 5 SIMD links, two channels each, + one DRAM bus.
  EXPECT_EQ(acc.channels.size(), 27u);
  const int bus = channel_between(acc, 0, 6);
  ASSERT_GE(bus, 0);
  EXPECT_EQ(bus, channel_between(acc, 6, 3));  // one channel shared by every core and direction
  EXPECT_EQ(acc.channels[static_cast<std::size_t>(bus)].kind, ChannelKind::kBus);
  EXPECT_DOUBLE_EQ(acc.channels[static_cast<std::size_t>(bus)].bandwidth_bits_per_cycle, 64);
  EXPECT_NE(channel_between(acc, 0, 1), channel_between(acc, 1, 0));  // a link = 2 channels
  EXPECT_TRUE(std::isinf(
      acc.channels[static_cast<std::size_t>(channel_between(acc, 0, 5))].bandwidth_bits_per_cycle));
  // Pinned routes between diagonal cores (Stream's choice) and fewest hops elsewhere.
  EXPECT_EQ(acc.route(CoreId(0), CoreId(3))->cores,
            (std::vector<CoreId>{CoreId(0), CoreId(1), CoreId(3)}));
  EXPECT_EQ(acc.route(CoreId(3), CoreId(0))->cores,
            (std::vector<CoreId>{CoreId(3), CoreId(2), CoreId(0)}));
  EXPECT_EQ(acc.route(CoreId(4), CoreId(6))->cores.size(), 2u);
  // Top memories: W + A per compute core, sram_128KB + rf_16B (pooling), pooling_mem, dram.
  EXPECT_EQ(acc.top_memories.size(), 4u * 2 + 2 + 1 + 1);
  const int w0 = acc.top_memory_of(CoreId(0), MemOperand::kI2);
  const int a0 = acc.top_memory_of(CoreId(0), MemOperand::kI1);
  EXPECT_EQ(acc.top_memories[static_cast<std::size_t>(w0)].name, "sram_1MB_W");
  EXPECT_EQ(acc.top_memories[static_cast<std::size_t>(a0)].name, "sram_1MB_A");
  EXPECT_EQ(a0, acc.top_memory_of(CoreId(0), MemOperand::kO));
  EXPECT_EQ(acc.top_memories[static_cast<std::size_t>(a0)].capacity_bits, 8388608);
  EXPECT_NE(a0, acc.top_memory_of(CoreId(1), MemOperand::kI1));
}

TEST(AcceleratorReader, DianaSharedMemoryAndSplitDramPorts) {
  const auto acc = read_accelerator(kRef + "/validation/diana/accelerator.yaml");
  // The 256 KB activation SRAM is one instance for cores 0-3.
  const int m0 = acc.top_memory_of(CoreId(0), MemOperand::kI1);
  ASSERT_GE(m0, 0);
  for (int c = 1; c <= 3; ++c) EXPECT_EQ(acc.top_memory_of(CoreId(c), MemOperand::kI1), m0);
  EXPECT_EQ(acc.top_memories[static_cast<std::size_t>(m0)].owners.size(), 4u);
  EXPECT_EQ(acc.top_memories[static_cast<std::size_t>(m0)].name, "sram_256KB");
  // The L2 has a read and a write port: two directed buses.
  const int rd = channel_between(acc, 4, 0);
  const int wr = channel_between(acc, 0, 4);
  ASSERT_GE(rd, 0);
  ASSERT_GE(wr, 0);
  EXPECT_NE(rd, wr);
  EXPECT_EQ(rd, channel_between(acc, 4, 2));
  EXPECT_EQ(wr, channel_between(acc, 3, 4));
  EXPECT_DOUBLE_EQ(acc.channels[static_cast<std::size_t>(rd)].bandwidth_bits_per_cycle, 128);
  // No core-to-core links: cores reach each other through the L2.
  EXPECT_EQ(acc.route(CoreId(0), CoreId(2))->cores.size(), 3u);
}

TEST(AcceleratorReader, AimcDirectedLinksAndTwoMemberBuses) {
  const auto acc = read_accelerator(kRef + "/validation/aimc_4x4/accelerator.yaml");
  EXPECT_GE(channel_between(acc, 0, 1), 0);
  EXPECT_EQ(acc.route(CoreId(1), CoreId(0))->cores.size(), 3u);  // 1 -> 5 -> 0: directed OCN
  EXPECT_EQ(channel_between(acc, 0, 5), channel_between(acc, 5, 0));
  EXPECT_NE(channel_between(acc, 0, 5), channel_between(acc, 1, 5));
  EXPECT_EQ(acc.route(CoreId(0), CoreId(2))->cores,
            (std::vector<CoreId>{CoreId(0), CoreId(1), CoreId(2)}));
}

TEST(AcceleratorReader, Form2024) {
  const auto acc = read_accelerator(kData + "/hardware/quad_core_2024.yaml");
  ASSERT_EQ(acc.cores.size(), 5u);
  EXPECT_EQ(acc.offchip_core, CoreId(4));  // max core id + 1
  // "0, 1" is a link (2 channels), "2, 3" too, "0, 2, 1, 3" a bus (1 channel), + DRAM bus.
  EXPECT_EQ(acc.channels.size(), 2u + 2u + 1u + 1u);
  const auto& link = acc.channels[static_cast<std::size_t>(channel_between(acc, 0, 1))];
  EXPECT_EQ(link.kind, ChannelKind::kLink);
  EXPECT_DOUBLE_EQ(link.bandwidth_bits_per_cycle, 32);
  EXPECT_DOUBLE_EQ(link.energy_pj_per_cycle, 0.5);
  EXPECT_EQ(acc.channels[static_cast<std::size_t>(channel_between(acc, 0, 3))].kind,
            ChannelKind::kBus);
  EXPECT_EQ(channel_between(acc, 0, 3), channel_between(acc, 2, 1));
  // 2024 sharing: cores 2 and 3 have one sram_2MB.
  EXPECT_EQ(acc.top_memory_of(CoreId(2), MemOperand::kI2),
            acc.top_memory_of(CoreId(3), MemOperand::kI2));
  EXPECT_NE(acc.top_memory_of(CoreId(1), MemOperand::kI2),
            acc.top_memory_of(CoreId(2), MemOperand::kI2));
  // DRAM: one rw port -> one shared bus as wide as the port.
  const int dram_bus = channel_between(acc, 4, 0);
  EXPECT_EQ(dram_bus, channel_between(acc, 3, 4));
  EXPECT_DOUBLE_EQ(acc.channels[static_cast<std::size_t>(dram_bus)].bandwidth_bits_per_cycle, 64);
}

TEST(AcceleratorReader, EveryReferenceAcceleratorLoads) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kRef)) {
    if (e.path().extension() != ".yaml") continue;
    const std::string text = [&] {
      std::ifstream in(e.path());
      return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    if (text.find("core_connectivity") == std::string::npos &&
        text.find("offchip_core") == std::string::npos)
      continue;
    SCOPED_TRACE(e.path().string());
    const auto acc = read_accelerator(e.path().string());
    EXPECT_GE(acc.cores.size(), 2u);
    // Every compute core reaches the DRAM and back.
    for (auto c : acc.compute_core_ids()) {
      EXPECT_NE(acc.route(c, acc.offchip_core), nullptr) << c.value;
      EXPECT_NE(acc.route(acc.offchip_core, c), nullptr) << c.value;
    }
    ++n;
  }
  EXPECT_EQ(n, 18);
}

TEST(AcceleratorReader, EveryReferenceCoreLoads) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kRef)) {
    if (e.path().extension() != ".yaml" || e.path().parent_path().filename() != "cores") continue;
    SCOPED_TRACE(e.path().string());
    const auto core = read_core(e.path().string());
    EXPECT_FALSE(core.levels.empty());
    ++n;
  }
  EXPECT_GT(n, 40);
}

// ---- bad input ------------------------------------------------------------------------------

class BadHardware : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("stream_bad_hw_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    fs::copy_file(kRef + "/stream2023/inputs/hardware/cores/offchip.yaml", dir_ / "offchip.yaml",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(kRef + "/stream2023/inputs/hardware/cores/tpu_like.yaml", dir_ / "core.yaml",
                  fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string core_error(const std::string& text) {
    const auto path = write("bad_core.yaml", text);
    return error_of([&] { read_core(path); });
  }
  std::string acc_error(const std::string& text) {
    const auto path = write("acc.yaml", text);
    return error_of([&] { read_accelerator(path); });
  }
  fs::path dir_;
};

using stream::test::kMinimalCore;

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

TEST_F(BadHardware, MinimalCoreIsValid) { EXPECT_EQ(core_error(kMinimalCore), ""); }

TEST_F(BadHardware, NegativeMemorySize) {
  const auto msg = core_error(replace(kMinimalCore, "size: 1024", "size: -5"));
  EXPECT_NE(msg.find("bad_core.yaml: memories.sram.size (line 4)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of range"), std::string::npos) << msg;
}

TEST_F(BadHardware, ZeroSizeMemory) {
  const auto msg = core_error(replace(kMinimalCore, "size: 1024", "size: 0"));
  EXPECT_NE(msg.find("memories.sram.size"), std::string::npos) << msg;
}

TEST_F(BadHardware, AbsurdMemorySize) {
  const auto msg = core_error(replace(kMinimalCore, "size: 1024", "size: 1e30"));
  EXPECT_NE(msg.find("memories.sram.size"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of range"), std::string::npos) << msg;
}

TEST_F(BadHardware, OperandWithoutPort) {
  const auto msg = core_error(replace(kMinimalCore, R"("I1, tl", )", ""));
  EXPECT_NE(msg.find("stores operand I1 but no port is allocated to its direction tl"),
            std::string::npos)
      << msg;
}

TEST_F(BadHardware, AllocationForOperandNotStored) {
  const auto msg = core_error(replace(kMinimalCore, "operands: [I1, I2, O]", "operands: [I1, O]"));
  EXPECT_NE(msg.find("port allocation for operand I2, but memory 'sram' does not store it"),
            std::string::npos)
      << msg;
}

TEST_F(BadHardware, UnknownMemoryOperand) {
  const auto msg =
      core_error(replace(kMinimalCore, "operands: [I1, I2, O]", "operands: [I1, I3, O]"));
  EXPECT_NE(msg.find("unknown memory operand 'I3'"), std::string::npos) << msg;
}

TEST_F(BadHardware, DataflowOnMissingArrayDimension) {
  const auto msg = core_error(replace(kMinimalCore, "{D1: [K, 8]}", "{D1: [K, 8], D3: [C, 4]}"));
  EXPECT_NE(msg.find("dataflow uses array dimension 'D3' but the operational array has only D1"),
            std::string::npos)
      << msg;
}

TEST_F(BadHardware, ServedDimensionNotInArray) {
  const auto msg =
      core_error(replace(kMinimalCore, "served_dimensions: [D1]", "served_dimensions: [D2]"));
  EXPECT_NE(msg.find("served dimension 'D2' is not a dimension of the operational array"),
            std::string::npos)
      << msg;
}

TEST_F(BadHardware, SizesAndDimensionsDisagree) {
  const auto msg = core_error(replace(kMinimalCore, "sizes: [8]", "sizes: [8, 8]"));
  EXPECT_NE(msg.find("'sizes' has 2 entries but 'dimensions' has 1"), std::string::npos) << msg;
}

TEST_F(BadHardware, BandwidthMinAboveMax) {
  const auto msg = core_error(
      replace(kMinimalCore, "bandwidth_min: 8, bandwidth_max: 64, allocation: [\"I1, tl\"",
              "bandwidth_min: 128, bandwidth_max: 64, allocation: [\"I1, tl\""));
  EXPECT_NE(msg.find("bandwidth_min is larger than bandwidth_max"), std::string::npos) << msg;
}

TEST_F(BadHardware, UnknownPortType) {
  const auto msg = core_error(replace(kMinimalCore, "type: read,", "type: reed,"));
  EXPECT_NE(msg.find("unknown port type 'reed'"), std::string::npos) << msg;
}

TEST_F(BadHardware, InputWithOutputDirection) {
  const auto msg = core_error(replace(kMinimalCore, R"("I1, tl")", R"("I1, th")"));
  EXPECT_NE(msg.find("direction th is only valid for operand O"), std::string::npos) << msg;
}

TEST_F(BadHardware, MistypedKey) {
  const auto msg = core_error(replace(kMinimalCore, "r_cost: 1", "r_cots: 1"));
  EXPECT_NE(msg.find("unknown field 'r_cots'"), std::string::npos) << msg;
}

TEST_F(BadHardware, NonNumericCost) {
  const auto msg = core_error(replace(kMinimalCore, "w_cost: 1", "w_cost: cheap"));
  EXPECT_NE(msg.find("memories.sram.w_cost (line 6): expected a number, got 'cheap'"),
            std::string::npos)
      << msg;
}

TEST_F(BadHardware, TabInCoreFile) {
  const auto msg = core_error(replace(kMinimalCore, "    size: 1024", "\tsize: 1024"));
  EXPECT_NE(msg.find("YAML syntax error at line 4"), std::string::npos) << msg;
}

TEST_F(BadHardware, LinkToMissingCore) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: offchip.yaml}
offchip_core_id: 1
core_connectivity:
  - {type: link, cores: [0, 7], bandwidth: 64}
)");
  EXPECT_NE(
      msg.find("acc.yaml: core_connectivity[0] (line 4): connects core 7, which does not exist"),
      std::string::npos)
      << msg;
}

TEST_F(BadHardware, LinkWithThreeCores) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: core.yaml, 2: core.yaml, 3: offchip.yaml}
offchip_core_id: 3
core_connectivity:
  - {type: link, cores: [0, 1, 2], bandwidth: 64}
)");
  EXPECT_NE(msg.find("a link joins exactly 2 cores, got 3"), std::string::npos) << msg;
}

TEST_F(BadHardware, MissingCoreFile) {
  const auto msg = acc_error("cores: {0: nothere.yaml, 1: offchip.yaml}\noffchip_core_id: 1\n");
  EXPECT_NE(msg.find("cores.0 (line 1): core file 'nothere.yaml' not found"), std::string::npos)
      << msg;
}

TEST_F(BadHardware, OffchipIdNotACore) {
  const auto msg = acc_error("cores: {0: core.yaml, 1: offchip.yaml}\noffchip_core_id: 5\n");
  EXPECT_NE(msg.find("offchip_core_id 5 is not one of the cores"), std::string::npos) << msg;
}

TEST_F(BadHardware, NoOffchipCore) {
  const auto msg = acc_error("cores: {0: core.yaml}\n");
  EXPECT_NE(msg.find("missing field 'offchip_core_id'"), std::string::npos) << msg;
}

TEST_F(BadHardware, NegativeBandwidth) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: core.yaml, 2: offchip.yaml}
offchip_core_id: 2
core_connectivity:
  - {type: link, cores: [0, 1], bandwidth: -64}
)");
  EXPECT_NE(msg.find("bandwidth must be positive"), std::string::npos) << msg;
}

TEST_F(BadHardware, StringConnectivityWithoutGlobalBandwidth) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: core.yaml, 2: offchip.yaml}
offchip_core_id: 2
core_connectivity: ["0, 1"]
)");
  EXPECT_NE(msg.find("needs the accelerator's global 'bandwidth'"), std::string::npos) << msg;
}

TEST_F(BadHardware, RouteOverMissingLink) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: core.yaml, 2: core.yaml, 3: offchip.yaml}
offchip_core_id: 3
core_connectivity:
  - {type: link, cores: [0, 1], bandwidth: 64}
routes: [[0, 2, 1]]
)");
  EXPECT_NE(msg.find("routes[0]: no link or bus connects core 0 to core 2"), std::string::npos)
      << msg;
}

TEST_F(BadHardware, SharingAMemoryTheCoreLacks) {
  const auto msg = acc_error(R"(cores: {0: core.yaml, 1: core.yaml, 2: offchip.yaml}
offchip_core_id: 2
core_memory_sharing:
  - {memory: sram_9MB, cores: [0, 1]}
)");
  EXPECT_NE(msg.find("core 0 has no top-level memory called 'sram_9MB'"), std::string::npos) << msg;
}

TEST_F(BadHardware, ErrorInsideCoreFileNamesThatFile) {
  write(
      "broken.yaml",
      "name: x\nmemories: {}\noperational_array: {unit_energy: 1, dimensions: [D1], sizes: [4]}\n");
  const auto msg = acc_error("cores: {0: broken.yaml, 1: offchip.yaml}\noffchip_core_id: 1\n");
  EXPECT_NE(msg.find("broken.yaml: memories (line 2): a core needs at least one memory"),
            std::string::npos)
      << msg;
}

}  // namespace

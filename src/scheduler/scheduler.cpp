// The paper-era Stream scheduler, step by step as stream-model.md §7 describes it (step letters
// A-K and procedure names follow the spec).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <queue>
#include <string>
#include <string_view>

#include "stream/common/error.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/scheduler/timelines.hpp"

namespace stream::scheduler {

const std::array<const char*, kNumEnergyTerms>& energy_term_names() {
  static const std::array<const char*, kNumEnergyTerms> names = {
      "total_cn_onchip_energy",
      "total_cn_offchip_link_energy",
      "total_cn_offchip_memory_energy",
      "total_eviction_to_offchip_link_energy",
      "total_eviction_to_offchip_memory_energy",
      "total_sink_layer_output_offchip_link_energy",
      "total_sink_layer_output_offchip_memory_energy",
      "total_core_to_core_link_energy",
      "total_core_to_core_memory_energy"};
  return names;
}

const std::array<const char*, kNumFixes>& fix_names() {
  static const std::array<const char*, kNumFixes> names = {"share-fetches", "wait-for-space"};
  return names;
}

Fixes Fixes::all() {
  Fixes f;
  for (int i = 0; i < kNumFixes; ++i) f.set(static_cast<Fix>(i));
  return f;
}

std::vector<std::string> Fixes::names() const {
  std::vector<std::string> out;
  for (int i = 0; i < kNumFixes; ++i)
    if (has(static_cast<Fix>(i))) out.emplace_back(fix_names()[static_cast<std::size_t>(i)]);
  return out;
}

std::string Fixes::to_string() const {
  std::string out;
  for (const auto& n : names()) out += (out.empty() ? "" : ",") + n;
  return out;
}

Fixes parse_fixes(const std::vector<std::string>& names, const std::string& file,
                  const std::string& field) {
  Fixes f;
  for (const auto& raw : names) {
    const auto b = raw.find_first_not_of(" \t");
    const std::string n =
        b == std::string::npos ? "" : raw.substr(b, raw.find_last_not_of(" \t") + 1 - b);
    if (n.empty() || n == "none") continue;
    if (n == "all") {
      f = Fixes::all();
      continue;
    }
    bool found = false;
    for (int i = 0; i < kNumFixes; ++i) {
      if (n == fix_names()[static_cast<std::size_t>(i)]) {
        f.set(static_cast<Fix>(i));
        found = true;
      }
    }
    if (!found) {
      std::string valid;
      for (const char* v : fix_names()) valid += std::string(valid.empty() ? "" : ", ") + v;
      throw InputError(file, field,
                       "unknown scheduler fix '" + n + "' (valid: " + valid + ", all, none)");
    }
  }
  return f;
}

Fixes parse_fixes(std::string_view list, const std::string& file, const std::string& field) {
  std::vector<std::string> names;
  std::size_t from = 0;
  while (from <= list.size()) {
    const auto comma = list.find(',', from);
    const auto to = comma == std::string_view::npos ? list.size() : comma;
    names.emplace_back(list.substr(from, to - from));
    from = to + 1;
  }
  return parse_fixes(names, file, field);
}

namespace {

using workload::MemOperand;

struct Infeasible {
  ScheduleStatus status;
  std::string reason;
};

/// What a transfer's energies are booked as.
enum class Bucket : std::uint8_t { kFetch, kEviction, kSink };

struct Holder {
  int inst;
  std::int64_t stored_since;
  std::int64_t available_since;
  std::uint64_t seq;
  /// The latest end of a transfer that read this copy (Fix::kShareFetches only): the copy is
  /// not freed before it.
  std::int64_t read_until = std::numeric_limits<std::int64_t>::min();
};

struct PrioEntry {
  int inst;
  std::int64_t count;
};

struct TensorState {
  std::vector<Holder> holders;
  std::vector<PrioEntry> prio;
  std::int64_t total_prio = 0;
  int owner_cn = -1;  ///< for an output tensor: the CN whose out-edges consume it
};

struct Instance {
  MemoryTimeline timeline;
  std::vector<std::pair<int, std::uint64_t>> held;  ///< (tensor, seq), insertion order
  std::size_t stale = 0;
  CoreId first_core;
  std::vector<CoreId> owners;
};

struct Candidate {
  std::array<std::int64_t, 4> key;  ///< smallest first
  std::int64_t preds_end;
  int cn;
  bool operator>(const Candidate& o) const { return key > o.key; }
};

std::int64_t ceil_div(std::int64_t bits, double bw) {
  if (std::isinf(bw)) return 0;
  if (bw <= 0) return 0;
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(bits) / bw));
}

/// Cycles a transfer of `bits` takes on channel `ch`. The reader refuses channels slower than
/// 1 / max_link_cycles_per_bit, but a huge tensor on a slow channel can still need more cycles
/// than 64-bit timestamps hold: that is an InputError naming the channel, never a wrapped
/// (negative or zero) duration.
std::int64_t transfer_cycles(std::int64_t bits, const hardware::AcceleratorSpec& acc, int ch) {
  const auto& c = acc.channels[static_cast<std::size_t>(ch)];
  if (std::isinf(c.bandwidth_bits_per_cycle)) return 0;
  const double cycles = std::ceil(static_cast<double>(bits) / c.bandwidth_bits_per_cycle);
  constexpr double kMaxCycles = 0x1p62;  // room to add start times without overflow
  if (!(cycles < kMaxCycles)) {
    char text[96];
    std::snprintf(text, sizeof text, "a transfer of %lld bits at %g bit/cycle takes %.3g cycles",
                  static_cast<long long>(bits), c.bandwidth_bits_per_cycle, cycles);
    throw InputError(acc.file, c.label,
                     std::string(text) + ", more than 2^62 (64-bit cycle counts would overflow)");
  }
  return static_cast<std::int64_t>(cycles);
}

class Engine {
 public:
  explicit Engine(const ScheduleSpec& s)
      : s_(s),
        g_(*s.graph),
        acc_(*s.accelerator),
        w_(*s.workload),
        validation_(s.options.semantics == Semantics::kValidation2023),
        share_fetches_(s.options.fixes.has(Fix::kShareFetches)),
        wait_for_space_(s.options.fixes.has(Fix::kWaitForSpace)) {}

  ScheduleResult run();

 private:
  // ---- lookups ------------------------------------------------------------------------------
  int dense(CoreId c) const { return core_dense_[static_cast<std::size_t>(c.value)]; }
  int inst_for(CoreId c, MemOperand op) const {
    return inst_of_[static_cast<std::size_t>(dense(c)) * 3 + static_cast<std::size_t>(op)];
  }
  int inst_checked(CoreId c, MemOperand op, const char* what) const {
    const int i = inst_for(c, op);
    if (i < 0) {
      throw Infeasible{ScheduleStatus::kMemoryCapacity,
                       std::string(what) + ": core " + std::to_string(c.value) +
                           " has no memory for operand " + std::string(workload::to_string(op))};
    }
    return i;
  }
  const workload::LayerSpec& layer_of(int cn) const {
    return w_.layers[static_cast<std::size_t>(g_.cns[static_cast<std::size_t>(cn)].layer_index)];
  }
  const tiler::Tensor& tensor(int t) const { return g_.tensors[static_cast<std::size_t>(t)]; }
  Holder* holder(int t, int inst) {
    for (auto& h : ts_[static_cast<std::size_t>(t)].holders)
      if (h.inst == inst) return &h;
    return nullptr;
  }
  bool holds(int t, int inst) { return holder(t, inst) != nullptr; }
  PrioEntry* prio_entry(int t, int inst) {
    for (auto& p : ts_[static_cast<std::size_t>(t)].prio)
      if (p.inst == inst) return &p;
    return nullptr;
  }
  std::string cn_name(int cn) const {
    const auto& c = g_.cns[static_cast<std::size_t>(cn)];
    return "CN (layer " + std::to_string(c.layer.value) + ", " + std::to_string(c.index) + ")";
  }
  std::string tensor_name(int t) const {
    const auto& x = tensor(t);
    const auto& l = *w_.find_layer(x.layer);
    return "tensor " + l.operands[static_cast<std::size_t>(x.operand)].name + " of layer " +
           std::to_string(x.layer.value) + " (" + std::to_string(x.size_bits) + " bit)";
  }
  std::string inst_name(int inst) const {
    const auto& m = acc_.top_memories[static_cast<std::size_t>(inst)];
    std::string cores;
    for (const auto& o : m.owners)
      cores += (cores.empty() ? "" : ",") + std::to_string(o.first.value);
    return "memory '" + m.name + "' of core(s) " + cores + " (capacity " +
           std::to_string(m.capacity_bits) + " bit)";
  }

  // ---- memory edits (§7.1) ------------------------------------------------------------------
  void insert(int t, int inst, std::int64_t ts, std::int64_t ta) {
    if (holds(t, inst)) return;
    const std::uint64_t seq = ++seq_;
    ts_[static_cast<std::size_t>(t)].holders.push_back({inst, ts, ta, seq});
    auto& m = inst_[static_cast<std::size_t>(inst)];
    m.held.emplace_back(t, seq);
    if (!m.timeline.add(ts, tensor(t).size_bits)) {
      throw Infeasible{ScheduleStatus::kMemoryCapacity,
                       "memory overflow: " + tensor_name(t) + " does not fit " + inst_name(inst) +
                           " at cycle " + std::to_string(ts) +
                           (cur_cn_ >= 0 ? " (scheduling " + cn_name(cur_cn_) + ")" : "")};
    }
  }
  /// Frees T from `inst` at `at`, or later when a transfer still reads the copy then
  /// (Fix::kShareFetches); returns the time it is freed.
  std::int64_t free(int t, int inst, std::int64_t at) {
    auto& hs = ts_[static_cast<std::size_t>(t)].holders;
    auto it = std::find_if(hs.begin(), hs.end(), [&](const Holder& h) { return h.inst == inst; });
    if (it == hs.end()) return at;
    at = std::max(at, it->read_until);
    hs.erase(it);
    auto& m = inst_[static_cast<std::size_t>(inst)];
    m.timeline.add(at, -tensor(t).size_bits);
    if (++m.stale > 64 && m.stale * 2 > m.held.size()) compact(inst);
    return at;
  }
  void compact(int inst) {
    auto& m = inst_[static_cast<std::size_t>(inst)];
    std::erase_if(m.held, [&](const auto& e) {
      const Holder* h = holder(e.first, inst);
      return h == nullptr || h->seq != e.second;
    });
    m.stale = 0;
  }
  /// Tensors held by `inst` (in insertion order) with stored_since <= t.
  std::vector<int> held_at(int inst, std::int64_t t) {
    std::vector<int> out;
    for (const auto& [x, seq] : inst_[static_cast<std::size_t>(inst)].held) {
      const Holder* h = holder(x, inst);
      if (h != nullptr && h->seq == seq && h->stored_since <= t) out.push_back(x);
    }
    return out;
  }

  // ---- procedures of §7.3 -------------------------------------------------------------------
  std::int64_t make_space(int t, CoreId core, MemOperand op, std::int64_t at);
  /// Fix::kShareFetches: the holder of T whose transfer to `rcv` (core r) would end first,
  /// estimated without side effects; -1 when no holder has a route.
  int earliest_source(int t, CoreId r, int rcv);
  std::int64_t evict(int x, CoreId core, MemOperand op, std::int64_t at, Bucket bucket);
  /// `not_before`: the June-2023 code starts a fetch no earlier than the CN's current start
  /// bound (-1 = no bound, Stream 2023).
  std::int64_t transfer(int t, CoreId r, MemOperand op_r, Bucket bucket, const CoreId* sender,
                        std::int64_t not_before = -1);
  /// The route, or an infeasible result; `why(tensor_or_cn)` builds the message only then.
  const hardware::Route& route(CoreId from, CoreId to, bool is_tensor, int id);

  /// The earliest start >= t of a d-cycle window on all channels: an idle period common to all
  /// (Stream 2023), or after the last reservation of each (June 2023: links never back-fill).
  std::int64_t window(const std::vector<int>& chans, std::int64_t t, std::int64_t d) {
    if (validation_) {
      for (int c : chans) t = std::max(t, link_free_from_[static_cast<std::size_t>(c)]);
      return t;
    }
    std::vector<const LinkTimeline*> ls;
    ls.reserve(chans.size());
    for (int c : chans) ls.push_back(&links_[static_cast<std::size_t>(c)]);
    return earliest_common_window(ls, t, d);
  }
  void reserve(const std::vector<int>& chans, std::int64_t s, std::int64_t e) {
    for (int c : chans) {
      links_[static_cast<std::size_t>(c)].reserve(s, e);
      auto& f = link_free_from_[static_cast<std::size_t>(c)];
      f = std::max(f, e);
    }
  }

  // ---- the June-2023 validation-branch procedures (Semantics::kValidation2023) -------------
  std::int64_t june_test_add(int inst, std::int64_t bits, std::int64_t test, std::int64_t worst,
                             std::int64_t duration);
  std::int64_t june_add(int t, CoreId core, MemOperand op, std::int64_t ts, std::int64_t te);
  std::int64_t june_remove(int x, CoreId core, MemOperand op, std::int64_t at, Bucket bucket,
                           bool write_back);
  std::pair<std::int64_t, std::int64_t> june_transfer_data(int x, CoreId from, CoreId to,
                                                           MemOperand op_r, std::int64_t at,
                                                           Bucket bucket);
  /// `worst`: the CN's current start bound; the transfer is placed to end there when the link,
  /// the data and the receiver's space allow (0 for prefetches: as early as possible).
  std::int64_t june_transfer(int t, CoreId r, MemOperand op_r, Bucket bucket, std::int64_t worst);
  void book_transfer(int x, CoreId from, CoreId to, MemOperand op_r, std::int64_t start,
                     std::int64_t end, double link_e, const std::vector<int>& chans, Bucket bucket);

  void prepare();
  void schedule_cn(int cn, std::int64_t preds_end);

  const ScheduleSpec& s_;
  const tiler::CnGraph& g_;
  const hardware::AcceleratorSpec& acc_;
  const workload::WorkloadSpec& w_;
  const bool validation_;
  const bool share_fetches_, wait_for_space_;

  std::vector<int> core_dense_;  ///< core id -> dense index
  std::vector<int> inst_of_;     ///< dense core * 3 + memory operand -> instance
  CoreId dram_;
  std::vector<Instance> inst_;
  std::vector<TensorState> ts_;
  std::vector<LinkTimeline> links_;
  std::vector<std::int64_t> link_free_from_;      ///< per channel: end of its last reservation
  std::vector<std::int64_t> idle_from_;           ///< per dense core
  std::vector<std::pair<int, MemOperand>> need_;  ///< Step C list of the CN being scheduled
  std::vector<char> protected_;                   ///< per tensor
  std::vector<char> scheduled_;
  std::vector<char> sink_;
  std::uint64_t seq_ = 0;
  int cur_cn_ = -1;
  std::int64_t latency_ = 0;
  ScheduleResult r_;
};

const hardware::Route& Engine::route(CoreId from, CoreId to, bool is_tensor, int id) {
  const hardware::Route* rt = acc_.route(from, to);
  if (rt == nullptr) {
    const std::string why =
        is_tensor ? "transfer of " + tensor_name(id) : "off-chip streaming of " + cn_name(id);
    throw Infeasible{ScheduleStatus::kUnreachable, why + ": no route from core " +
                                                       std::to_string(from.value) + " to core " +
                                                       std::to_string(to.value)};
  }
  return *rt;
}

std::int64_t Engine::make_space(int t, CoreId core, MemOperand op, std::int64_t at) {
  const auto& x = tensor(t);
  const int mp = inst_checked(core, x.mem_operand, "make_space");
  const int m = inst_checked(core, op, "make_space");
  const std::int64_t t_fit = inst_[static_cast<std::size_t>(mp)].timeline.fit(x.size_bits, at);
  auto& tl = inst_[static_cast<std::size_t>(m)].timeline;
  const std::int64_t used = tl.usage_at(t_fit);
  const std::int64_t cap = tl.capacity_bits();
  // Stream 2023 returns the requested time even when the tensor fits only from t_fit on;
  // Fix::kWaitForSpace returns max(t_fit, evictions' completion) as Stream does since 2024-03.
  const std::int64_t least = wait_for_space_ ? std::max(at, t_fit) : at;
  if (used + x.size_bits <= cap) return least;
  const std::string who = cur_cn_ >= 0 ? " while scheduling " + cn_name(cur_cn_) : "";
  if (x.size_bits > cap) {
    throw Infeasible{ScheduleStatus::kMemoryCapacity,
                     tensor_name(t) + " is larger than " + inst_name(m) + who};
  }
  if (core == dram_) {
    throw Infeasible{ScheduleStatus::kMemoryCapacity,
                     "the off-chip " + inst_name(m) + " is full (" + tensor_name(t) + ")" + who};
  }
  const std::int64_t need = x.size_bits - (cap - used);
  struct Cand {
    std::int64_t score, size;
    int tensor;
  };
  std::vector<Cand> cands;
  for (int y : held_at(m, t_fit)) {
    if (protected_[static_cast<std::size_t>(y)]) continue;
    const PrioEntry* p = prio_entry(y, m);
    const std::int64_t pr = p != nullptr ? p->count : ts_[static_cast<std::size_t>(y)].total_prio;
    const std::int64_t sz = tensor(y).size_bits;
    cands.push_back({pr * sz, sz, y});
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
    return a.score != b.score ? a.score < b.score : a.size < b.size;
  });
  std::int64_t sum = 0;
  std::size_t n = 0;
  while (n < cands.size() && sum < need) sum += cands[n++].size;
  if (sum < need) {
    throw Infeasible{ScheduleStatus::kMemoryCapacity,
                     "cannot make room for " + tensor_name(t) + " in " + inst_name(m) +
                         ": the tensors that may be evicted free " + std::to_string(sum) +
                         " of the " + std::to_string(need) + " bit needed" + who};
  }
  std::int64_t done = least;
  for (std::size_t i = 0; i < n; ++i)
    done = std::max(done, evict(cands[i].tensor, core, op, at, Bucket::kEviction));
  return done;
}

std::int64_t Engine::evict(int x, CoreId core, MemOperand op, std::int64_t at, Bucket bucket) {
  const int d = inst_checked(dram_, op, "evict");
  std::int64_t done = at;
  if (!holds(x, d)) done = std::max(at, transfer(x, dram_, op, bucket, &core));
  // Later than `at` only when a transfer still reads the copy (Fix::kShareFetches).
  return std::max(done, free(x, inst_checked(core, op, "evict"), at));
}

std::int64_t Engine::transfer(int t, CoreId r, MemOperand op_r, Bucket bucket, const CoreId* sender,
                              std::int64_t not_before) {
  const auto& x = tensor(t);
  const int rcv = inst_checked(r, op_r, "transfer");
  if (holds(t, rcv)) return -1;
  int src = -1;
  std::int64_t t0 = 0;
  if (sender != nullptr) {
    src = inst_checked(*sender, x.mem_operand, "transfer");
    const Holder* h = holder(t, src);
    if (h == nullptr) {
      throw Infeasible{ScheduleStatus::kMemoryCapacity,
                       tensor_name(t) + " is not in " + inst_name(src) + " to be written back"};
    }
    t0 = h->available_since;
  } else {
    for (const auto& h : ts_[static_cast<std::size_t>(t)].holders) {
      if (src < 0 || h.available_since < t0 || (h.available_since == t0 && h.inst < src)) {
        src = h.inst;
        t0 = h.available_since;
      }
    }
    if (share_fetches_ && src >= 0) {
      const int best = earliest_source(t, r, rcv);
      if (best >= 0) {
        src = best;
        t0 = holder(t, src)->available_since;
      }
    }
    if (src < 0) {
      throw Infeasible{ScheduleStatus::kMemoryCapacity,
                       tensor_name(t) + " is held by no memory" +
                           (cur_cn_ >= 0 ? " (needed by " + cn_name(cur_cn_) + ")" : "")};
    }
  }
  t0 = std::max(t0, not_before);
  const std::int64_t t_space = inst_[static_cast<std::size_t>(rcv)].timeline.fit(x.size_bits, t0);
  const std::int64_t t_ev = make_space(t, r, op_r, t_space);
  const CoreId from = inst_[static_cast<std::size_t>(src)].first_core;
  if (from == r) {
    throw Infeasible{
        ScheduleStatus::kUnreachable,
        tensor_name(t) + " would move between two memories of core " + std::to_string(r.value)};
  }
  const hardware::Route& rt = route(from, r, true, t);
  std::int64_t dur = 0;
  for (int c : rt.channels) {
    dur = std::max(dur, transfer_cycles(x.size_bits, acc_, c));
  }
  const std::int64_t start = window(rt.channels, t_ev, dur);
  const std::int64_t end = start + dur;
  insert(t, rcv, start, end);
  reserve(rt.channels, start, end);
  double link_e = 0;
  for (int c : rt.channels)
    link_e +=
        static_cast<double>(dur) * acc_.channels[static_cast<std::size_t>(c)].energy_pj_per_cycle;
  book_transfer(t, from, r, op_r, start, end, link_e, rt.channels, bucket);
  if (share_fetches_ && from != dram_) {
    // The copy the transfer reads must stay until the transfer ends, whatever frees it later.
    Holder* h = holder(t, src);
    h->read_until = std::max(h->read_until, end);
  }
  // Step 9: source clean-up.
  if (from != dram_) {
    const PrioEntry* p = prio_entry(t, src);
    if (p == nullptr || p->count == 0) free(t, src, end);
  }
  return end;
}

int Engine::earliest_source(int t, CoreId r, int rcv) {
  const auto& x = tensor(t);
  const auto& rtl = inst_[static_cast<std::size_t>(rcv)].timeline;
  int best = -1;
  std::int64_t best_end = 0, best_since = 0;
  bool best_onchip = false;
  for (const auto& h : ts_[static_cast<std::size_t>(t)].holders) {
    const CoreId from = inst_[static_cast<std::size_t>(h.inst)].first_core;
    if (from == r) continue;
    const hardware::Route* rt = acc_.route(from, r);
    if (rt == nullptr) continue;
    std::int64_t dur = 0;
    for (int c : rt->channels) dur = std::max(dur, transfer_cycles(x.size_bits, acc_, c));
    // Data availability, receiver fit (no evictions), a common idle window on the route.
    const std::int64_t t_space = rtl.fit(x.size_bits, h.available_since);
    const std::int64_t end = window(rt->channels, t_space, dur) + dur;
    const bool onchip = from != dram_;
    // Earliest end; ties -> an on-chip sender (saves DRAM traffic); then Stream's order.
    const bool better =
        best < 0 || end < best_end ||
        (end == best_end &&
         (onchip != best_onchip ? onchip
                                : (h.available_since < best_since ||
                                   (h.available_since == best_since && h.inst < best))));
    if (better) {
      best = h.inst;
      best_end = end;
      best_since = h.available_since;
      best_onchip = onchip;
    }
  }
  return best;
}

void Engine::book_transfer(int x, CoreId from, CoreId to, MemOperand op_r, std::int64_t start,
                           std::int64_t end, double link_e, const std::vector<int>& chans,
                           Bucket bucket) {
  const auto& tx = tensor(x);
  latency_ = std::max(latency_, end);
  ++r_.transfer_count;
  const auto& sc = acc_.core(from);
  const auto& rc = acc_.core(to);
  const int sl = sc.top_level_for(tx.mem_operand);
  const int rl = rc.top_level_for(op_r);
  double mem_e = 0;
  if (sl >= 0 && rl >= 0) {
    const auto& sm = sc.levels[static_cast<std::size_t>(sl)].memory;
    const auto& rm = rc.levels[static_cast<std::size_t>(rl)].memory;
    if (validation_) {
      // June 2023: the receiver's writes are counted in words of the sender's write bandwidth.
      mem_e = static_cast<double>(ceil_div(tx.size_bits, sm.r_bw_bits)) * sm.r_cost_pj +
              static_cast<double>(ceil_div(tx.size_bits, sm.w_bw_bits)) * rm.w_cost_pj;
    } else {
      mem_e = static_cast<double>(ceil_div(tx.size_bits, sm.r_bw_bits)) * sm.r_cost_pj +
              static_cast<double>(ceil_div(tx.size_bits, rm.w_bw_bits)) * rm.w_cost_pj;
    }
  }
  EnergyTerm lt = kCnOffchipLink, mt = kCnOffchipMemory;
  if (bucket == Bucket::kEviction) {
    lt = kEvictionLink;
    mt = kEvictionMemory;
  } else if (bucket == Bucket::kSink) {
    lt = kSinkLink;
    mt = kSinkMemory;
  } else if (from != dram_) {
    lt = kCoreToCoreLink;
    mt = kCoreToCoreMemory;
  }
  r_.energy_terms_pj[lt] += link_e;
  r_.energy_terms_pj[mt] += mem_e;
  if (from == dram_ || to == dram_) r_.dram_traffic_bits += tx.size_bits;
  if (s_.options.record_trace)
    r_.trace.transfers.push_back(TransferEvent{x, from, to, start, end, tx.size_bits, chans, lt});
}

std::int64_t Engine::june_test_add(int inst, std::int64_t bits, std::int64_t test,
                                   std::int64_t worst, std::int64_t duration) {
  // As close to the computation as possible: ideally the transfer ends at `worst`.
  test = std::max(test, worst - duration);
  const auto& tl = inst_[static_cast<std::size_t>(inst)].timeline;
  const auto& bp = tl.breakpoints();
  const auto n = static_cast<std::ptrdiff_t>(bp.size());
  // First breakpoint at or after `test`; the search starts one before it (a start index of -1
  // looks at the last breakpoint only, as a negative Python index does).
  const auto first = static_cast<std::ptrdiff_t>(
      std::lower_bound(bp.begin(), bp.end(), test,
                       [](const auto& b, std::int64_t v) { return b.first < v; }) -
      bp.begin());
  // Suffix maxima.
  std::vector<std::int64_t> suffix(static_cast<std::size_t>(n) + 1, 0);
  suffix[static_cast<std::size_t>(n)] = std::numeric_limits<std::int64_t>::min();
  for (auto k = n - 1; k >= 0; --k)
    suffix[static_cast<std::size_t>(k)] =
        std::max(suffix[static_cast<std::size_t>(k) + 1], bp[static_cast<std::size_t>(k)].second);
  for (auto k = first - 1; k < n; ++k) {
    const auto idx = static_cast<std::size_t>(k < 0 ? n - 1 : k);
    if (suffix[idx] + bits <= tl.capacity_bits()) return std::max(bp[idx].first, test);
  }
  return worst;
}

std::int64_t Engine::june_add(int t, CoreId core, MemOperand op, std::int64_t ts, std::int64_t te) {
  const int m = inst_checked(core, op, "store");
  if (holds(t, m)) return ts;
  const std::int64_t delta = te - ts;
  const auto& x = tensor(t);
  const std::int64_t cap = inst_[static_cast<std::size_t>(m)].timeline.capacity_bits();
  std::int64_t stored = 0;
  const auto present = held_at(m, ts);
  for (int y : present) stored += tensor(y).size_bits;
  const std::int64_t need = x.size_bits - (cap - stored);
  if (need >= 0) {
    struct Cand {
      std::int64_t score, size;
      int tensor;
    };
    std::vector<Cand> cands;
    for (int y : present) {
      if (protected_[static_cast<std::size_t>(y)]) continue;
      const PrioEntry* p = prio_entry(y, m);
      const std::int64_t pr = p != nullptr ? p->count : ts_[static_cast<std::size_t>(y)].total_prio;
      cands.push_back({pr * tensor(y).size_bits, tensor(y).size_bits, y});
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
      return a.score != b.score ? a.score < b.score : a.size < b.size;
    });
    std::int64_t sum = 0;
    std::size_t k = 0;
    while (k < cands.size() && sum < need) sum += cands[k++].size;
    if (sum < need || core == dram_) {
      throw Infeasible{ScheduleStatus::kMemoryCapacity,
                       "cannot make room for " + tensor_name(t) + " in " + inst_name(m) +
                           (cur_cn_ >= 0 ? " while scheduling " + cn_name(cur_cn_) : "")};
    }
    for (std::size_t i = 0; i < k; ++i) {
      const std::int64_t e = june_remove(cands[i].tensor, core, op, ts, Bucket::kEviction, true);
      ts = std::max(ts, e);
    }
  }
  insert(t, m, ts, ts + delta);
  Holder* h = holder(t, m);
  h->stored_since = ts + delta;
  return ts;
}

std::pair<std::int64_t, std::int64_t> Engine::june_transfer_data(int x, CoreId from, CoreId to,
                                                                 MemOperand op_r, std::int64_t at,
                                                                 Bucket bucket) {
  const hardware::Route& rt = route(from, to, true, x);
  const std::int64_t start =
      std::max(at, link_free_from_[static_cast<std::size_t>(rt.channels.front())]);
  std::int64_t end = start;
  double link_e = 0;
  for (int c : rt.channels) {
    const auto& ch = acc_.channels[static_cast<std::size_t>(c)];
    const std::int64_t d = transfer_cycles(tensor(x).size_bits, acc_, c);
    end = start + d;
    links_[static_cast<std::size_t>(c)].reserve(start, end);
    link_free_from_[static_cast<std::size_t>(c)] = end;
    link_e += static_cast<double>(d) * ch.energy_pj_per_cycle;
  }
  book_transfer(x, from, to, op_r, start, end, link_e, rt.channels, bucket);
  return {start, end};
}

std::int64_t Engine::june_remove(int x, CoreId core, MemOperand op, std::int64_t at, Bucket bucket,
                                 bool write_back) {
  std::int64_t now = at;
  const int d = inst_checked(dram_, tensor(x).mem_operand, "evict");
  if (write_back && !holds(x, d)) {
    const auto [s, e] = june_transfer_data(x, core, dram_, tensor(x).mem_operand, at, bucket);
    june_add(x, dram_, tensor(x).mem_operand, s, e);
    now = e;
  }
  free(x, inst_checked(core, op, "evict"), now);
  return now;
}

std::int64_t Engine::june_transfer(int t, CoreId r, MemOperand op_r, Bucket bucket,
                                   std::int64_t worst) {
  const auto& x = tensor(t);
  const int rcv = inst_checked(r, op_r, "transfer");
  if (holds(t, rcv)) return -1;
  int src = -1;
  std::int64_t since = 0;
  for (const auto& h : ts_[static_cast<std::size_t>(t)].holders) {
    if (src < 0 || h.stored_since < since || (h.stored_since == since && h.inst < src)) {
      src = h.inst;
      since = h.stored_since;
    }
  }
  if (src < 0) {
    throw Infeasible{ScheduleStatus::kMemoryCapacity,
                     tensor_name(t) + " is held by no memory" +
                         (cur_cn_ >= 0 ? " (needed by " + cn_name(cur_cn_) + ")" : "")};
  }
  const CoreId from = inst_[static_cast<std::size_t>(src)].first_core;
  if (from == r) {
    throw Infeasible{
        ScheduleStatus::kUnreachable,
        tensor_name(t) + " would move between two memories of core " + std::to_string(r.value)};
  }
  const hardware::Route& rt = route(from, r, true, t);
  std::int64_t link_avail = 0, dur = 0;
  for (int c : rt.channels) {
    link_avail = std::max(link_avail, link_free_from_[static_cast<std::size_t>(c)]);
    dur = std::max(dur, transfer_cycles(x.size_bits, acc_, c));
  }
  const std::int64_t consider = std::max(since, link_avail);
  const std::int64_t can_from = june_test_add(rcv, x.size_bits, consider, worst, dur);
  const std::int64_t ev_done = june_add(t, r, op_r, can_from, can_from + dur);
  const auto [start, end] = june_transfer_data(t, from, r, op_r, ev_done, bucket);
  (void)start;
  if (from != dram_) {
    const PrioEntry* p = prio_entry(t, src);
    if (p == nullptr || p->count == 0) free(t, src, end);
  }
  return end;
}

void Engine::prepare() {
  // Dense core indices and instance table.
  int max_id = 0;
  for (const auto& c : acc_.cores) max_id = std::max(max_id, c.id.value);
  core_dense_.assign(static_cast<std::size_t>(max_id) + 1, -1);
  for (std::size_t i = 0; i < acc_.cores.size(); ++i)
    core_dense_[static_cast<std::size_t>(acc_.cores[i].id.value)] = static_cast<int>(i);
  inst_of_.assign(acc_.cores.size() * 3, -1);
  for (const auto& c : acc_.cores) {
    for (int op = 0; op < 3; ++op) {
      inst_of_[static_cast<std::size_t>(dense(c.id)) * 3 + static_cast<std::size_t>(op)] =
          acc_.top_memory_of(c.id, static_cast<MemOperand>(op));
    }
  }
  for (CoreId c : s_.cn_core) {
    if (c.value < 0 || static_cast<std::size_t>(c.value) >= core_dense_.size() || dense(c) < 0)
      throw InternalError("schedule(): CN allocated to core " + std::to_string(c.value) +
                          ", which the accelerator does not have");
  }
  dram_ = acc_.offchip_core;
  inst_.resize(acc_.top_memories.size());
  for (std::size_t i = 0; i < acc_.top_memories.size(); ++i) {
    const auto& m = acc_.top_memories[i];
    inst_[i].timeline = MemoryTimeline(m.capacity_bits);
    inst_[i].first_core = m.owners.front().first;
    for (const auto& o : m.owners) inst_[i].owners.push_back(o.first);
  }
  links_.assign(acc_.channels.size(), LinkTimeline{});
  link_free_from_.assign(acc_.channels.size(), 0);
  idle_from_.assign(acc_.cores.size(), 0);
  ts_.assign(g_.tensors.size(), TensorState{});
  protected_.assign(g_.tensors.size(), 0);
  const std::size_t n = g_.cns.size();
  scheduled_.assign(n, 0);
  r_.cn_start.assign(n, 0);
  r_.cn_end.assign(n, 0);

  // Output owners, sinks.
  std::vector<char> layer_has_leaf(w_.layers.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& cn = g_.cns[i];
    bool inter_out = false;
    for (int e = g_.succ_offsets[i]; e < g_.succ_offsets[i + 1]; ++e) {
      if (g_.edges[static_cast<std::size_t>(g_.succ_edges[static_cast<std::size_t>(e)])].operand >=
          0)
        inter_out = true;
    }
    const int out = cn.tensors.front();
    if (out >= 0 && (inter_out || ts_[static_cast<std::size_t>(out)].owner_cn < 0))
      ts_[static_cast<std::size_t>(out)].owner_cn = static_cast<int>(i);
    if (g_.succ_offsets[i] == g_.succ_offsets[i + 1])
      layer_has_leaf[static_cast<std::size_t>(cn.layer_index)] = 1;
  }
  sink_.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& cn = g_.cns[i];
    sink_[i] = layer_has_leaf[static_cast<std::size_t>(cn.layer_index)] && cn.produces_final_output;
  }

  // 1. Priorities.
  for (std::size_t i = 0; i < n; ++i) {
    const auto& cn = g_.cns[i];
    const auto& layer = layer_of(static_cast<int>(i));
    const int out = cn.tensors.front();
    for (int e = g_.succ_offsets[i]; e < g_.succ_offsets[i + 1]; ++e) {
      const auto& ed =
          g_.edges[static_cast<std::size_t>(g_.succ_edges[static_cast<std::size_t>(e)])];
      if (ed.operand < 0 || out < 0) continue;
      const auto& cl = layer_of(ed.dst);
      const MemOperand op = cl.operands[static_cast<std::size_t>(ed.operand)].mem_operand;
      const int m = inst_for(s_.cn_core[static_cast<std::size_t>(ed.dst)], op);
      if (m < 0) continue;
      auto& st = ts_[static_cast<std::size_t>(out)];
      if (PrioEntry* p = prio_entry(out, m)) {
        ++p->count;
      } else {
        st.prio.push_back({m, 1});
      }
      ++st.total_prio;
    }
    for (int o : layer.constant_operands) {
      const int t = cn.tensors[static_cast<std::size_t>(o)];
      if (t < 0) continue;
      const MemOperand op = layer.operands[static_cast<std::size_t>(o)].mem_operand;
      const int m = inst_for(s_.cn_core[i], op);
      if (m < 0) continue;
      auto& st = ts_[static_cast<std::size_t>(t)];
      const std::int64_t base = tensor(t).base_priority;
      if (PrioEntry* p = prio_entry(t, m)) {
        st.total_prio += base - p->count;
        p->count = base;
      } else {
        st.prio.push_back({m, base});
        st.total_prio += base;
      }
    }
  }
  // 2. Constant tensors in DRAM from t = 0.
  for (std::size_t i = 0; i < n; ++i) {
    const auto& cn = g_.cns[i];
    for (int o : layer_of(static_cast<int>(i)).constant_operands) {
      const int t = cn.tensors[static_cast<std::size_t>(o)];
      if (t < 0) continue;
      const int d = inst_checked(dram_, tensor(t).mem_operand, "off-chip memory");
      if (!holds(t, d)) insert(t, d, 0, 0);
    }
  }
  // 3. Prefetch.
  if (!s_.options.prefetch.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto& cn = g_.cns[i];
      const auto& layer = layer_of(static_cast<int>(i));
      const CoreId core = s_.cn_core[i];
      for (int o : layer.constant_operands) {
        const auto& opnd = layer.operands[static_cast<std::size_t>(o)];
        if (std::find(s_.options.prefetch.begin(), s_.options.prefetch.end(), opnd.name) ==
            s_.options.prefetch.end())
          continue;
        const int t = cn.tensors[static_cast<std::size_t>(o)];
        if (t < 0) continue;
        if (holds(t, inst_checked(core, opnd.mem_operand, "prefetch"))) continue;
        if (validation_) {
          june_transfer(t, core, opnd.mem_operand, Bucket::kFetch, 0);
        } else {
          transfer(t, core, opnd.mem_operand, Bucket::kFetch, nullptr);
        }
      }
    }
  }
}

void Engine::schedule_cn(int cn, std::int64_t preds_end) {
  cur_cn_ = cn;
  const auto ci = static_cast<std::size_t>(cn);
  const auto& node = g_.cns[ci];
  const auto& layer = layer_of(cn);
  const CoreId core = s_.cn_core[ci];
  const auto& cost = s_.cn_cost[ci];
  const int dc = dense(core);
  // Step B.
  std::int64_t t = std::max(idle_from_[static_cast<std::size_t>(dc)], preds_end);
  // Step C.
  auto& need = need_;
  need.clear();
  for (int o : layer.constant_operands) {
    const int x = node.tensors[static_cast<std::size_t>(o)];
    const MemOperand op = layer.operands[static_cast<std::size_t>(o)].mem_operand;
    if (x < 0 || cost.too_large[static_cast<std::size_t>(op)]) continue;
    need.emplace_back(x, op);
  }
  for (int e = g_.pred_offsets[ci]; e < g_.pred_offsets[ci + 1]; ++e) {
    const auto& ed = g_.edges[static_cast<std::size_t>(g_.pred_edges[static_cast<std::size_t>(e)])];
    if (ed.operand < 0) continue;
    const int x = g_.cns[static_cast<std::size_t>(ed.src)].tensors.front();
    const MemOperand op = layer.operands[static_cast<std::size_t>(ed.operand)].mem_operand;
    if (x < 0 || cost.too_large[static_cast<std::size_t>(op)]) continue;
    need.emplace_back(x, op);
  }
  // Stable insertion sort by size (a handful of tensors).
  for (std::size_t i = 1; i < need.size(); ++i) {
    const auto v = need[i];
    const std::int64_t sz = tensor(v.first).size_bits;
    std::size_t j = i;
    while (j > 0 && tensor(need[j - 1].first).size_bits > sz) {
      need[j] = need[j - 1];
      --j;
    }
    need[j] = v;
  }
  for (const auto& n : need) protected_[static_cast<std::size_t>(n.first)] = 1;
  // Step D.
  static constexpr std::array<MemOperand, 3> kTooLargeOrder = {MemOperand::kO, MemOperand::kI1,
                                                               MemOperand::kI2};
  for (MemOperand op : kTooLargeOrder) {
    if (!cost.too_large[static_cast<std::size_t>(op)]) continue;
    const int m = inst_checked(core, op, "too-large operand");
    std::int64_t tau = t;
    for (int x : held_at(m, validation_ ? kForever : t)) {
      if (protected_[static_cast<std::size_t>(x)]) continue;
      tau = validation_ ? june_remove(x, core, op, tau, Bucket::kEviction, true)
                        : evict(x, core, op, tau, Bucket::kEviction);
    }
    t = tau;
  }
  // Step E.
  for (const auto& [x, op] : need) {
    t = std::max(t, validation_ ? june_transfer(x, core, op, Bucket::kFetch, t)
                                : transfer(x, core, op, Bucket::kFetch, nullptr));
  }
  // Step F.
  if (cost.any_too_large()) {
    std::vector<int> chans;
    if (cost.too_large[static_cast<std::size_t>(MemOperand::kO)]) {
      const auto& rt = route(core, dram_, false, cn);
      chans.insert(chans.end(), rt.channels.begin(), rt.channels.end());
    }
    if (cost.too_large[static_cast<std::size_t>(MemOperand::kI1)] ||
        cost.too_large[static_cast<std::size_t>(MemOperand::kI2)]) {
      const auto& rt = route(dram_, core, false, cn);
      for (int c : rt.channels)
        if (std::find(chans.begin(), chans.end(), c) == chans.end()) chans.push_back(c);
    }
    const std::int64_t s = window(chans, t, cost.runtime_cycles);
    reserve(chans, s, s + cost.runtime_cycles);
    if (s_.options.record_trace) r_.trace.blocks.push_back({cn, s, s + cost.runtime_cycles, chans});
    t = s;
  }
  // Step G.
  const int out = node.tensors.front();
  const MemOperand op_o = layer.operands.front().mem_operand;
  const bool out_streamed = cost.too_large[static_cast<std::size_t>(op_o)];
  const CoreId target = out_streamed ? dram_ : core;
  std::int64_t start = t;
  if (out >= 0 && validation_) {
    start = june_add(out, target, op_o, t, t + cost.runtime_cycles);
  } else if (out >= 0) {
    start = make_space(out, target, op_o, t);
  }
  const std::int64_t end = start + cost.runtime_cycles;
  if (out >= 0 && !validation_) insert(out, inst_checked(target, op_o, "output"), start, end);
  // Step H.
  r_.cn_start[ci] = start;
  r_.cn_end[ci] = end;
  scheduled_[ci] = 1;
  idle_from_[static_cast<std::size_t>(dc)] = end;
  latency_ = std::max(latency_, end);
  r_.energy_terms_pj[kCnOnchip] += cost.onchip_energy_pj;
  r_.energy_terms_pj[kCnOffchipMemory] += cost.offchip_energy_pj;
  // Step I.
  for (const auto& [x, op] : need) {
    const int m = inst_for(core, op);
    auto& st = ts_[static_cast<std::size_t>(x)];
    if (PrioEntry* p = prio_entry(x, m)) {
      --p->count;
    } else {
      st.prio.push_back({m, -1});
    }
    --st.total_prio;
  }
  for (const auto& [x, op] : need) {
    auto& st = ts_[static_cast<std::size_t>(x)];
    if (st.total_prio != 0) continue;
    const auto& tx = tensor(x);
    std::vector<int> holders;
    for (const auto& h : st.holders) holders.push_back(h.inst);
    for (int m : holders) {
      const CoreId first = inst_[static_cast<std::size_t>(m)].first_core;
      const int mm = inst_for(first, tx.mem_operand);
      if (mm < 0) continue;
      std::int64_t t_rm = end;
      if (!tx.is_constant && st.owner_cn >= 0) {
        const auto o = static_cast<std::size_t>(st.owner_cn);
        const bool is_dram = first == dram_;
        const auto& owners = inst_[static_cast<std::size_t>(mm)].owners;
        std::int64_t best = -1;
        for (int e = g_.succ_offsets[o]; e < g_.succ_offsets[o + 1]; ++e) {
          const auto& ed =
              g_.edges[static_cast<std::size_t>(g_.succ_edges[static_cast<std::size_t>(e)])];
          if (ed.operand < 0) continue;
          const auto d = static_cast<std::size_t>(ed.dst);
          if (!scheduled_[d]) continue;
          if (!is_dram && std::find(owners.begin(), owners.end(), s_.cn_core[d]) == owners.end())
            continue;
          best = std::max(best, r_.cn_end[d]);
        }
        if (best >= 0) t_rm = best;
      }
      free(x, mm, t_rm);
    }
  }
  for (const auto& n : need) protected_[static_cast<std::size_t>(n.first)] = 0;
  // Step J.
  if (sink_[ci] && out >= 0 && !out_streamed) {
    if (validation_) {
      june_remove(out, core, tensor(out).mem_operand, end, Bucket::kSink, true);
    } else {
      evict(out, core, op_o, end, Bucket::kSink);
    }
  }
  cur_cn_ = -1;
}

ScheduleResult Engine::run() {
  const std::size_t n = g_.cns.size();
  if (s_.cn_core.size() != n || s_.cn_cost.size() != n)
    throw InternalError("schedule(): cn_core/cn_cost sizes do not match the CN graph");
  if (validation_ && !s_.options.fixes.empty())
    throw InternalError("schedule(): the scheduler fixes apply to the stream2023 semantics only");
  try {
    prepare();
    const bool validation = s_.options.semantics == Semantics::kValidation2023;
    const bool by_memory = s_.options.priority == Priority::kMemory;
    std::vector<int> stack;
    if (by_memory && !validation) stack = layer_stacks(w_, acc_, g_, s_.cn_core);
    std::int64_t entered = 0;
    auto make = [&](int cn, std::int64_t preds_end) {
      const auto& c = g_.cns[static_cast<std::size_t>(cn)];
      Candidate k{{0, 0, 0, 0}, preds_end, cn};
      if (by_memory && !validation) {
        k.key = {stack[static_cast<std::size_t>(c.layer_index)], -c.layer.value, c.group, -c.index};
      } else if (by_memory) {
        k.key = {-c.layer.value, -c.index, 0, 0};
      } else if (!validation) {
        k.key = {preds_end, c.layer.value, entered, 0};
      } else {
        k.key = {preds_end, c.layer.value, c.index, 0};
      }
      ++entered;
      return k;
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> cands;
    std::vector<int> remaining(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      remaining[i] = g_.pred_offsets[i + 1] - g_.pred_offsets[i];
      if (remaining[i] == 0) cands.push(make(static_cast<int>(i), 0));
    }
    std::size_t done = 0;
    while (!cands.empty()) {
      const Candidate c = cands.top();
      cands.pop();
      schedule_cn(c.cn, c.preds_end);
      ++done;
      const auto ci = static_cast<std::size_t>(c.cn);
      // Step K.
      for (int e = g_.succ_offsets[ci]; e < g_.succ_offsets[ci + 1]; ++e) {
        const int d =
            g_.edges[static_cast<std::size_t>(g_.succ_edges[static_cast<std::size_t>(e)])].dst;
        const auto di = static_cast<std::size_t>(d);
        if (--remaining[di] != 0) continue;
        std::int64_t pe = 0;
        for (int f = g_.pred_offsets[di]; f < g_.pred_offsets[di + 1]; ++f) {
          const int p =
              g_.edges[static_cast<std::size_t>(g_.pred_edges[static_cast<std::size_t>(f)])].src;
          pe = std::max(pe, r_.cn_end[static_cast<std::size_t>(p)]);
        }
        cands.push(make(d, pe));
      }
    }
    if (done != n) throw InternalError("schedule(): the CN graph has a cycle");
  } catch (const Infeasible& e) {
    r_.status = e.status;
    r_.reason = e.reason;
  }
  r_.latency_cycles = latency_;
  r_.energy_pj = 0;
  for (double e : r_.energy_terms_pj) r_.energy_pj += e;
  for (std::size_t i = 0; i < inst_.size(); ++i) {
    const auto& m = acc_.top_memories[i];
    r_.memory_peaks.push_back({static_cast<int>(i), m.name, inst_[i].owners,
                               inst_[i].timeline.peak_bits(), m.capacity_bits});
    if (s_.options.record_trace) r_.trace.memory_curves.push_back(inst_[i].timeline.breakpoints());
  }
  std::vector<CoreUsage> usage(acc_.cores.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!scheduled_.empty() && !scheduled_[i]) continue;
    auto& u = usage[static_cast<std::size_t>(dense(s_.cn_core[i]))];
    u.core = s_.cn_core[i];
    u.busy_cycles += s_.cn_cost[i].runtime_cycles;
    ++u.cn_count;
  }
  for (auto& u : usage) {
    if (u.cn_count == 0) continue;
    u.utilization =
        latency_ > 0 ? static_cast<double>(u.busy_cycles) / static_cast<double>(latency_) : 0;
    r_.cores.push_back(u);
  }
  return std::move(r_);
}

}  // namespace

ScheduleResult schedule(const ScheduleSpec& spec) {
  if (spec.workload == nullptr || spec.accelerator == nullptr || spec.graph == nullptr)
    throw InternalError("schedule(): workload, accelerator and graph are required");
  Engine e(spec);
  return e.run();
}

std::vector<int> layer_stacks(const workload::WorkloadSpec& workload,
                              const hardware::AcceleratorSpec& accelerator,
                              const tiler::CnGraph& graph, const std::vector<CoreId>& cn_core) {
  std::vector<int> stack(workload.layers.size(), -1);
  // Active cores and their I2 capacities.
  std::vector<CoreId> active;
  for (CoreId c : cn_core)
    if (std::find(active.begin(), active.end(), c) == active.end()) active.push_back(c);
  std::sort(active.begin(), active.end());
  std::vector<std::int64_t> cap(active.size(), -1), occ(active.size(), 0);
  for (std::size_t i = 0; i < active.size(); ++i) {
    const auto& core = accelerator.core(active[i]);
    const int l = core.top_level_for(MemOperand::kI2);
    if (l >= 0) cap[i] = core.levels[static_cast<std::size_t>(l)].memory.size_bits;
  }
  auto idx = [&](CoreId c) {
    return static_cast<std::size_t>(std::find(active.begin(), active.end(), c) - active.begin());
  };
  int current = 0;
  bool current_empty = true;
  for (int li : graph.layer_order) {
    const auto& cns = graph.layer_cns[static_cast<std::size_t>(li)];
    if (cns.empty()) continue;
    const auto& layer = workload.layers[static_cast<std::size_t>(li)];
    std::vector<std::int64_t> contrib(active.size(), 0);
    std::vector<char> seen_group(
        static_cast<std::size_t>(graph.layer_groups[static_cast<std::size_t>(li)]) + 1, 0);
    for (int cn : cns) {
      const auto& c = graph.cns[static_cast<std::size_t>(cn)];
      const auto g = static_cast<std::size_t>(c.group);
      if (g < seen_group.size() && seen_group[g]) continue;
      if (g < seen_group.size()) seen_group[g] = 1;
      if (layer.constant_operands.empty()) continue;
      const int t = c.tensors[static_cast<std::size_t>(layer.constant_operands.back())];
      if (t < 0) continue;
      contrib[idx(cn_core[static_cast<std::size_t>(cn)])] +=
          graph.tensors[static_cast<std::size_t>(t)].size_bits;
    }
    for (std::size_t i = 0; i < active.size(); ++i) occ[i] += contrib[i];
    bool full = false;
    for (std::size_t i = 0; i < active.size(); ++i)
      if (cap[i] >= 0 && occ[i] >= cap[i]) full = true;
    if (!full) {
      stack[static_cast<std::size_t>(li)] = current;
      current_empty = false;
    } else if (current_empty) {
      stack[static_cast<std::size_t>(li)] = current;
      ++current;
      std::fill(occ.begin(), occ.end(), 0);
    } else {
      ++current;
      stack[static_cast<std::size_t>(li)] = current;
      current_empty = false;
      occ = contrib;
    }
  }
  return stack;
}

}  // namespace stream::scheduler

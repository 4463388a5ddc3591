#pragma once
/// Internal to the workload stage: pieces shared by the YAML reader and the ONNX converter to
/// build a LayerSpec from ZigZag's textual layer description (equation, dimension relations).
/// The helpers throw DefinitionError with a bare reason; the callers add the file and place.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/workload/layer_spec.hpp"

namespace stream::workload::detail {

struct DefinitionError {
  std::string reason;
};

/// One operand of an equation as written: O[b][k][oy][ox] -> {"O", {"b", "k", "oy", "ox"}}.
struct ParsedOperand {
  std::string name;
  std::vector<std::string> indices;
};

/// `O[..]+=W[..]*I[..]`, `O[..]=W[..]+I[..]`: the output first, then the inputs in order.
struct ParsedEquation {
  std::vector<ParsedOperand> operands;
};

/// `ix=2*ox+1*fx`; names upper-cased, coefficients default 1, the written order kept.
struct ParsedRelation {
  std::string name;
  std::string dim_a;
  std::int64_t coef_a = 1;
  std::string dim_b;
  std::int64_t coef_b = 1;
};

ParsedEquation parse_equation(std::string_view text);
ParsedRelation parse_relation(std::string_view text);

std::string to_upper(std::string_view s);
/// A name of letters, digits and '_' that starts with a letter or '_'.
bool is_identifier(std::string_view s);
/// "B, K, C" from the layer's loop dims / relations, for messages.
std::string dim_list(const LayerSpec& layer);
std::string relation_list(const LayerSpec& layer);

/// Appends a relation to `layer` after checking that it names two distinct loop dims and does
/// not clash with a loop dim or an earlier relation.
void add_relation(LayerSpec& layer, const ParsedRelation& rel);

/// Creates the operands of `layer` from the equation: names, output flag, indices resolved to
/// loop dims (first) or relations. Memory operands get the defaults O->O, W->I2, I->I1; the
/// returned flags tell which operands had such a default (others need an explicit link).
std::vector<bool> set_operands(LayerSpec& layer, const ParsedEquation& eq);

/// Checks that every relation's extent (ZigZag's unique-index count, before padding) is at
/// most limits().max_loop_size and that every operand's size in bits fits in 64 bits; returns
/// the reason when not.
std::optional<std::string> check_extents(const LayerSpec& layer);

/// Product of the loop sizes, or nullopt on overflow.
std::optional<std::int64_t> checked_mac_count(const std::vector<LoopDim>& dims);

/// Extent of each index of operand `o` (loop size, or the relation's unpadded total).
std::vector<std::int64_t> operand_extents(const LayerSpec& layer, int o);

/// Builds a layer from known-good text (the ONNX converter and the zoo): equation, loop dims
/// in order, relations, padding per relation, precisions per operand name (plus O_final) and
/// explicit memory links (others default). A DefinitionError here is a bug (InternalError).
struct LayerText {
  LayerId id;
  std::string name;
  std::string operator_type;
  std::string equation;
  std::vector<LoopDim> dims;
  std::vector<std::string> relations;
  struct Padding {
    std::string relation;
    std::int64_t begin;
    std::int64_t end;
  };
  std::vector<Padding> padding;
  struct Total {
    std::string relation;
    std::int64_t size;  ///< the real input extent along the relation (Stream's pr_loop_dim_size)
  };
  std::vector<Total> totals;
  struct Precision {
    std::string operand;
    int bits;
  };
  std::vector<Precision> precisions;  ///< every operand plus "O_final"
};
LayerSpec build_layer(const LayerText& text);

}  // namespace stream::workload::detail

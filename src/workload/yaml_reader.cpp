// YAML workload reader (formats.md "Workload" 2): a list of ZigZag layers.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "layer_build.hpp"
#include "read_file.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/common/yaml_node.hpp"
#include "stream/workload/load.hpp"

namespace stream::workload {
namespace {

using detail::DefinitionError;
using detail::to_upper;

/// A layer as read, before producers are resolved against the other layers.
struct RawLayer {
  yaml::Node node;
  LayerSpec layer;
  struct Source {
    int operand;
    std::int64_t id;
    yaml::Node where;
  };
  std::vector<Source> sources;  ///< in the order of operand_source
};

std::string operand_names(const LayerSpec& layer) {
  std::string out;
  for (const auto& op : layer.operands) out += (out.empty() ? "" : ", ") + op.name;
  return out;
}

void read_loop_dims(const yaml::Node& el, LayerSpec& layer) {
  const auto dims_node = el.required("loop_dims");
  const auto sizes_node = el.required("loop_sizes");
  const auto dims = dims_node.elements();
  const auto sizes = sizes_node.elements();
  if (dims.empty()) dims_node.fail("a layer needs at least one loop dim");
  if (dims.size() != sizes.size()) {
    sizes_node.fail("has " + std::to_string(sizes.size()) + " entries but loop_dims has " +
                    std::to_string(dims.size()) + "; give one size per loop dim");
  }
  const Limits& lim = limits();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const std::string name = to_upper(dims[i].as_string());
    if (!detail::is_identifier(name)) {
      dims[i].fail("loop dim name '" + dims[i].as_string() +
                   "' must be letters, digits and '_' (e.g. OY)");
    }
    if (layer.dim_index(name) >= 0) dims[i].fail("loop dim " + name + " is listed twice");
    const std::int64_t size = sizes[i].as_int();
    if (size < 1) {
      sizes[i].fail("loop size of " + name + " must be at least 1, got " + std::to_string(size));
    }
    if (size > lim.max_loop_size) {
      sizes[i].fail("loop size of " + name + " is " + std::to_string(size) +
                    ", above the limit max_loop_size = " + std::to_string(lim.max_loop_size));
    }
    layer.dims.push_back(LoopDim{name, size});
  }
  const auto macs = detail::checked_mac_count(layer.dims);
  if (!macs || *macs > lim.max_layer_macs) {
    sizes_node.fail("the product of the loop sizes (the layer's MAC count) is " +
                    (macs ? std::to_string(*macs) : std::string("beyond 2^63")) +
                    ", above the limit max_layer_macs = " + std::to_string(lim.max_layer_macs));
  }
}

void read_relations_and_padding(const yaml::Node& el, LayerSpec& layer) {
  if (auto rel_node = el.optional("dimension_relations")) {
    for (const auto& e : rel_node->elements()) {
      try {
        detail::add_relation(layer, detail::parse_relation(e.as_string()));
      } catch (const DefinitionError& d) {
        e.fail(d.reason);
      }
    }
  }
  // ZigZag 3 spelling: pr_loop_dims names the relations (and orders a list-form padding);
  // pr_loop_sizes gives the real input extents (Stream's pr_loop_dim_size).
  std::vector<int> pr_dims;
  const auto pr_node = el.optional("pr_loop_dims");
  if (pr_node) {
    for (const auto& e : pr_node->elements()) {
      const int r = layer.relation_index(to_upper(e.as_string()));
      if (r < 0) {
        e.fail("'" + e.as_string() + "' is not a dimension relation of this layer (relations: " +
               detail::relation_list(layer) + ")");
      }
      pr_dims.push_back(r);
    }
  }
  if (auto sizes = el.optional("pr_loop_sizes")) {
    if (!pr_node) sizes->fail("pr_loop_sizes needs pr_loop_dims");
    const auto elems = sizes->elements();
    if (elems.size() != pr_dims.size()) {
      sizes->fail("has " + std::to_string(elems.size()) + " entries but pr_loop_dims has " +
                  std::to_string(pr_dims.size()));
    }
    for (std::size_t k = 0; k < elems.size(); ++k) {
      layer.relations[static_cast<std::size_t>(pr_dims[k])].total =
          elems[k].as_int(1, limits().max_loop_size);
    }
  }

  auto set_padding = [&](int r, const yaml::Node& value) {
    const auto pair = value.elements();
    if (pair.size() != 2) value.fail("expected [before, after]");
    const std::int64_t begin = pair[0].as_int(0, limits().max_loop_size);
    const std::int64_t end = pair[1].as_int(0, limits().max_loop_size);
    layer.relations[static_cast<std::size_t>(r)].pad_begin = begin;
    layer.relations[static_cast<std::size_t>(r)].pad_end = end;
  };
  const auto pad_node = el.optional("padding");
  if (pad_node) {
    if (pad_node->is_map()) {
      for (const auto& [key, value] : pad_node->entries()) {
        const std::string up = to_upper(key);
        const int r = layer.relation_index(up);
        if (r >= 0) {
          set_padding(r, value);
        } else if (up == "IX" || up == "IY") {
          // Stream's dicts carry IX/IY padding on layers without IX/IY relations (1x1 convs,
          // fsrcnn.py layer 6); Stream ignores it, and so do we. Other names are typos.
          value.elements();
        } else {
          value.fail("padding names '" + key +
                     "', which is not a dimension relation of this layer (relations: " +
                     detail::relation_list(layer) + ")");
        }
      }
    } else if (pad_node->is_sequence()) {
      const auto elems = pad_node->elements();
      if (!pr_node) {
        pad_node->fail("padding as a list needs pr_loop_dims to name the relation of each entry");
      }
      if (elems.size() != pr_dims.size()) {
        pad_node->fail("has " + std::to_string(elems.size()) + " entries but pr_loop_dims has " +
                       std::to_string(pr_dims.size()));
      }
      for (std::size_t i = 0; i < elems.size(); ++i) set_padding(pr_dims[i], elems[i]);
    } else {
      pad_node->fail("expected a map such as {IY: [1, 1], IX: [1, 1]}");
    }
  }
  if (auto reason = detail::check_extents(layer)) el.required("dimension_relations").fail(*reason);
  for (std::size_t r = 0; r < layer.relations.size(); ++r) {
    const auto& rel = layer.relations[r];
    if (layer.relation_total(static_cast<int>(r)) < 1) {
      const std::int64_t extent =
          layer.relation_total(static_cast<int>(r)) + rel.pad_begin + rel.pad_end;
      const auto& where = pad_node ? *pad_node : el.required("dimension_relations");
      where.fail("relation " + rel.name + " covers " + std::to_string(extent) +
                 " input positions for these loop sizes, not more than its padding " +
                 std::to_string(rel.pad_begin) + " + " + std::to_string(rel.pad_end));
    }
  }
}

void read_links(const yaml::Node& el, LayerSpec& layer, std::vector<bool> linked) {
  const auto links = el.optional("memory_operand_links");
  if (links) {
    for (const auto& [key, value] : links->entries()) {
      const int o = layer.operand_index(key);
      if (o < 0) {
        value.fail("'" + key +
                   "' is not an operand of the equation (operands: " + operand_names(layer) + ")");
      }
      const auto mem = parse_mem_operand(value.as_string());
      if (!mem) value.fail("expected I1, I2 or O, got '" + value.as_string() + "'");
      layer.operands[static_cast<std::size_t>(o)].mem_operand = *mem;
      linked[static_cast<std::size_t>(o)] = true;
    }
  }
  const yaml::Node where = links ? *links : el.required("equation");
  std::vector<int> seen(kNumMemOperands, -1);
  for (std::size_t o = 0; o < layer.operands.size(); ++o) {
    const auto& op = layer.operands[o];
    if (!linked[o]) {
      where.fail("operand " + op.name +
                 " has no memory operand (defaults exist for O, W and I only): add "
                 "memory_operand_links, e.g. {" +
                 op.name + ": I1}");
    }
    if (op.is_output != (op.mem_operand == MemOperand::kO)) {
      where.fail(op.is_output ? "the output operand " + op.name + " must use memory operand O"
                              : "input operand " + op.name + " cannot use memory operand O");
    }
    const auto m = static_cast<std::size_t>(op.mem_operand);
    if (seen[m] >= 0) {
      where.fail("operands " + layer.operands[static_cast<std::size_t>(seen[m])].name + " and " +
                 op.name + " both use memory operand " + std::string(to_string(op.mem_operand)));
    }
    seen[m] = static_cast<int>(o);
  }
}

void read_precisions(const yaml::Node& el, LayerSpec& layer) {
  const auto prec = el.required("operand_precision");
  std::vector<bool> have(layer.operands.size(), false);
  bool have_final = false;
  for (const auto& [key, value] : prec.entries()) {
    if (key == "O_final") {
      layer.output_final_precision_bits = static_cast<int>(value.as_int(1, 1024));
      have_final = true;
      continue;
    }
    const int o = layer.operand_index(key);
    if (o < 0) {
      value.fail("'" + key + "' is not an operand of the equation (operands: " +
                 operand_names(layer) + "; O_final is the final output precision)");
    }
    auto& op = layer.operands[static_cast<std::size_t>(o)];
    op.precision_bits = static_cast<int>(value.as_int(op.is_output ? 1 : 0, 1024));
    have[static_cast<std::size_t>(o)] = true;
  }
  for (std::size_t o = 0; o < layer.operands.size(); ++o) {
    if (!have[o]) {
      prec.fail("no precision for operand " + layer.operands[o].name +
                " (give every operand of the equation and O_final, in bits)");
    }
  }
  if (!have_final) prec.fail("missing O_final, the precision of the final output in bits");
}

int input_operand(const LayerSpec& layer, const std::string& key, const yaml::Node& where) {
  const int o = layer.operand_index(key);
  if (o < 0) {
    where.fail("'" + key +
               "' is not an operand of the equation (operands: " + operand_names(layer) + ")");
  }
  if (layer.operands[static_cast<std::size_t>(o)].is_output) {
    where.fail("'" + key + "' is the output operand; only input operands have a source");
  }
  return o;
}

RawLayer read_layer(const yaml::Node& el) {
  if (!el.is_map()) el.fail("expected a layer: a map with id, operator_type, equation, ...");
  el.check_keys({"id", "name", "operator_type", "equation", "dimension_relations", "loop_dims",
                 "loop_sizes", "padding", "operand_precision", "operand_source",
                 "operand_source_dimension_mapping", "memory_operand_links", "pr_loop_dims",
                 "pr_loop_sizes"});
  RawLayer raw{el, LayerSpec{}, {}};
  LayerSpec& layer = raw.layer;
  layer.id = LayerId(static_cast<std::int32_t>(el.required("id").as_int(0, INT32_MAX)));
  if (auto n = el.optional("name")) layer.name = n->as_string();
  const auto type_node = el.required("operator_type");
  layer.operator_type = type_node.as_string();
  if (layer.operator_type.empty()) type_node.fail("operator_type is empty");

  read_loop_dims(el, layer);
  read_relations_and_padding(el, layer);

  const auto eq_node = el.required("equation");
  layer.equation = eq_node.as_string();
  std::vector<bool> linked;
  try {
    linked = detail::set_operands(layer, detail::parse_equation(layer.equation));
  } catch (const DefinitionError& d) {
    eq_node.fail(d.reason);
  }
  read_links(el, layer, linked);
  read_precisions(el, layer);
  if (auto reason = detail::check_extents(layer)) eq_node.fail(*reason);

  if (auto src = el.optional("operand_source")) {
    for (const auto& [key, value] : src->entries()) {
      const int o = input_operand(layer, key, value);
      if (value.is_sequence()) {  // Stream's dict form: [] = no producer, [3] = layer 3
        const auto elems = value.elements();
        if (elems.size() > 1) {
          value.fail("an operand has one producer, got " + std::to_string(elems.size()));
        }
        if (elems.empty()) continue;
        raw.sources.push_back({o, elems[0].as_int(0, INT32_MAX), elems[0]});
      } else {
        raw.sources.push_back({o, value.as_int(0, INT32_MAX), value});
      }
    }
  }
  if (auto map = el.optional("operand_source_dimension_mapping")) {
    for (const auto& [key, value] : map->entries()) {
      const int o = input_operand(layer, key, value);
      for (const auto& [dim, prod] : value.entries()) {
        const std::string up = to_upper(dim);
        if (layer.dim_index(up) < 0 && layer.relation_index(up) < 0) {
          prod.fail("'" + dim + "' is neither a loop dim (" + detail::dim_list(layer) +
                    ") nor a relation (" + detail::relation_list(layer) + ") of this layer");
        }
        const std::string target = to_upper(prod.as_string());
        if (!detail::is_identifier(target)) prod.fail("expected a dimension name");
        layer.operands[static_cast<std::size_t>(o)].source_dimension_mapping.emplace_back(up,
                                                                                          target);
      }
    }
  }
  return raw;
}

}  // namespace

WorkloadSpec parse_yaml_workload(const std::string& text, const std::string& name) {
  const auto root = yaml::Node::load_string(text, name);
  if (!root.is_sequence()) {
    root.fail("a YAML workload is a list of layers (- id: 0 ...), see formats.md");
  }
  const auto elems = root.elements();
  if (elems.empty()) root.fail("the workload has no layers");
  if (static_cast<std::int64_t>(elems.size()) > limits().max_nodes) {
    root.fail("the workload has " + std::to_string(elems.size()) +
              " layers, more than the limit max_nodes = " + std::to_string(limits().max_nodes));
  }
  std::vector<RawLayer> raws;
  raws.reserve(elems.size());
  for (const auto& el : elems) raws.push_back(read_layer(el));

  // Nodes are kept in ascending id (ids are never renumbered).
  std::stable_sort(raws.begin(), raws.end(),
                   [](const RawLayer& a, const RawLayer& b) { return a.layer.id < b.layer.id; });
  std::unordered_map<std::int32_t, std::size_t> by_id;
  for (std::size_t i = 0; i < raws.size(); ++i) {
    const auto id = raws[i].layer.id.value;
    if (i > 0 && raws[i - 1].layer.id.value == id) {
      raws[i].node.required("id").fail("duplicate layer id " + std::to_string(id) +
                                       " (also used by the layer at " + raws[i - 1].node.where() +
                                       ")");
    }
    by_id.emplace(id, i);
  }

  WorkloadSpec spec;
  spec.name = name;
  spec.source = name;
  for (auto& raw : raws) {
    LayerSpec& layer = raw.layer;
    for (const auto& s : raw.sources) {
      auto& op = layer.operands[static_cast<std::size_t>(s.operand)];
      if (s.id == layer.id.value) {  // a layer naming itself: a constant operand
        op.source = layer.id;
        op.is_constant = true;
        layer.constant_operands.push_back(s.operand);
        continue;
      }
      if (by_id.find(static_cast<std::int32_t>(s.id)) == by_id.end()) {
        s.where.fail("layer " + std::to_string(s.id) + " does not exist in this workload");
      }
      if (s.id > layer.id.value) {
        s.where.fail("layer " + std::to_string(layer.id.value) + " uses layer " +
                     std::to_string(s.id) +
                     ", which has a larger id: a layer can only use layers with smaller ids "
                     "(forward references and cycles are not allowed)");
      }
      op.source = LayerId(static_cast<std::int32_t>(s.id));
    }
    NodeSpec node;
    node.id = layer.id;
    node.name = layer.name;
    node.op_type = layer.operator_type;
    node.kind = NodeKind::kLayer;
    for (std::size_t o = 1; o < layer.operands.size(); ++o) {
      const auto& op = layer.operands[o];
      if (op.is_constant || !op.source) continue;
      node.inputs.push_back(op.source);
      node.input_shapes.push_back(detail::operand_extents(layer, static_cast<int>(o)));
    }
    node.output_shape = detail::operand_extents(layer, 0);
    node.layer = static_cast<int>(spec.layers.size());
    spec.nodes.push_back(std::move(node));
    spec.layers.push_back(std::move(layer));
  }
  return spec;
}

WorkloadSpec read_yaml_workload(const std::string& path) {
  WorkloadSpec spec = parse_yaml_workload(detail::read_input_file(path), path);
  spec.name = detail::file_stem(path);
  spec.source = path;
  return spec;
}

}  // namespace stream::workload

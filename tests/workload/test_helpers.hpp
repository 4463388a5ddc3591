#pragma once
// Helpers shared by the workload tests: paths, expectations on InputError, and a tiny builder
// of ONNX models (the generated protobuf classes) for inputs the reference files do not cover.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::workload::test {

inline std::string data(const std::string& rel) {
  return std::string(STREAM_TEST_DATA_DIR) + "/" + rel;
}
inline std::string ref(const std::string& rel) { return data("reference/" + rel); }

/// Runs `f`, expects an InputError whose file, place and reason contain the given texts.
inline void expect_input_error(const std::function<void()>& f, const std::string& file,
                               const std::string& where, const std::string& reason) {
  try {
    f();
    ADD_FAILURE() << "expected an InputError (" << reason << ")";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.file()).find(file), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.where()).find(where), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.reason()).find(reason), std::string::npos) << e.what();
  }
}

inline std::vector<std::int64_t> sizes(const LayerSpec& l) {
  std::vector<std::int64_t> out;
  for (const auto& d : l.dims) out.push_back(d.size);
  return out;
}
inline std::vector<std::string> dim_names(const LayerSpec& l) {
  std::vector<std::string> out;
  for (const auto& d : l.dims) out.push_back(d.name);
  return out;
}
inline std::vector<std::string> constant_names(const LayerSpec& l) {
  std::vector<std::string> out;
  for (int o : l.constant_operands) out.push_back(l.operands[static_cast<std::size_t>(o)].name);
  return out;
}

namespace fs = std::filesystem;

/// A fresh temporary directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("stream_workload_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

 private:
  fs::path path_;
};

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Sets a limit for the scope of one test.
class LimitGuard {
 public:
  LimitGuard() : saved_(limits()) {}
  ~LimitGuard() { limits() = saved_; }
  LimitGuard(const LimitGuard&) = delete;
  LimitGuard& operator=(const LimitGuard&) = delete;

 private:
  Limits saved_;
};

/// Parses `text`; success or InputError are fine, anything else (another exception, a crash
/// under the sanitizers) fails the test.
template <class Parse>
void expect_clean_outcome(const Parse& parse, const std::string& text, int trial, int* errors) {
  try {
    parse(text);
  } catch (const InputError& e) {
    ++*errors;
    EXPECT_FALSE(e.reason().empty());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "trial " << trial << ": " << typeid(e).name() << ": " << e.what();
  }
}

/// A small ONNX model under construction.
class OnnxBuilder {
 public:
  explicit OnnxBuilder(std::int64_t opset = 13) {
    model_.set_ir_version(8);
    auto* imp = model_.add_opset_import();
    imp->set_domain("");
    imp->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }
  void input(const std::string& name, std::initializer_list<std::int64_t> dims) {
    set_shape(model_.mutable_graph()->add_input(), name, dims);
  }
  void value(const std::string& name, std::initializer_list<std::int64_t> dims) {
    set_shape(model_.mutable_graph()->add_value_info(), name, dims);
  }
  void weight(const std::string& name, std::initializer_list<std::int64_t> dims) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) t->add_dims(d);
  }
  void int_values(const std::string& name, std::initializer_list<std::int64_t> values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (auto v : values) t->add_int64_data(v);
  }
  onnx::NodeProto* node(const std::string& op, const std::string& name,
                        std::initializer_list<std::string> inputs,
                        std::initializer_list<std::string> outputs) {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return n;
  }
  static void ints(onnx::NodeProto* n, const std::string& name,
                   std::initializer_list<std::int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  static void one(onnx::NodeProto* n, const std::string& name, std::int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void str(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  /// A 3x3 (or k x k) conv with explicit attributes.
  onnx::NodeProto* conv(const std::string& name, const std::string& x, const std::string& y,
                        std::int64_t cin, std::int64_t cout, std::int64_t k, std::int64_t pad,
                        std::int64_t stride = 1) {
    weight(name + ".w", {cout, cin, k, k});
    auto* n = node("Conv", name, {x, name + ".w"}, {y});
    ints(n, "kernel_shape", {k, k});
    ints(n, "pads", {pad, pad, pad, pad});
    ints(n, "strides", {stride, stride});
    return n;
  }
  onnx::ModelProto& model() { return model_; }
  std::string bytes() const { return model_.SerializeAsString(); }

 private:
  static void set_shape(onnx::ValueInfoProto* vi, const std::string& name,
                        std::initializer_list<std::int64_t> dims) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = tt->mutable_shape();
    for (auto d : dims) shape->add_dim()->set_dim_value(d);
  }
  onnx::ModelProto model_;
};

}  // namespace stream::workload::test

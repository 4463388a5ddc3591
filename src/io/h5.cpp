#include "stream/io/h5.hpp"

#include <cstring>

namespace stream::io::h5 {
namespace {

herr_t walk_cb(unsigned n, const H5E_error2_t* e, void* data) {
  auto* s = static_cast<std::string*>(data);
  if (n < 4) {
    *s += "\n  ";
    *s += e->func_name ? e->func_name : "?";
    *s += ": ";
    *s += e->desc ? e->desc : "";
  }
  return 0;
}

[[noreturn]] void fail(const char* call, const std::string& what) {
  std::string msg = std::string("HDF5 ") + call + " failed on '" + what + "'";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walk_cb, &msg);
  H5Eclear2(H5E_DEFAULT);
  throw H5Error(msg);
}

/// The one checked wrapper: HDF5 signals failure with a negative return value.
template <typename R>
R check(R r, const char* call, const std::string& what) {
  if (r < 0) fail(call, what);
  return r;
}

Handle make(hid_t id, Handle::Closer c, const char* call, const std::string& what) {
  return Handle(check(id, call, what), c);
}

Handle vlen_string_type() {
  Handle t = make(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", "string type");
  check(H5Tset_size(t.id(), H5T_VARIABLE), "H5Tset_size", "string type");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "H5Tset_cset", "string type");
  return t;
}

Handle scalar_space() { return make(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", "scalar"); }

Handle simple_space(std::size_t n) {
  const hsize_t dims[1] = {n};
  return make(H5Screate_simple(1, dims, nullptr), H5Sclose, "H5Screate_simple", "1-D space");
}

void write_attr(hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  if (check(H5Aexists(obj, name.c_str()), "H5Aexists", name) > 0) {
    check(H5Adelete(obj, name.c_str()), "H5Adelete", name);
  }
  Handle a = make(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                  "H5Acreate2", name);
  check(H5Awrite(a.id(), type, data), "H5Awrite", name);
}

void write_string_attr(hid_t obj, const std::string& name, const std::string& v) {
  const Handle t = vlen_string_type();
  const Handle s = scalar_space();
  const char* p = v.c_str();
  write_attr(obj, name, t.id(), s.id(), &p);
}

void write_strings_attr(hid_t obj, const std::string& name, const std::vector<std::string>& v) {
  const Handle t = vlen_string_type();
  const Handle s = simple_space(v.size());
  std::vector<const char*> ptrs;
  for (const auto& x : v) ptrs.push_back(x.c_str());
  write_attr(obj, name, t.id(), s.id(), ptrs.data());
}

std::vector<std::string> read_strings_of(hid_t obj, bool is_attr, const std::string& name) {
  const Handle t = vlen_string_type();
  Handle space = is_attr ? make(H5Aget_space(obj), H5Sclose, "H5Aget_space", name)
                         : make(H5Dget_space(obj), H5Sclose, "H5Dget_space", name);
  const auto n =
      check(H5Sget_simple_extent_npoints(space.id()), "H5Sget_simple_extent_npoints", name);
  std::vector<char*> ptrs(static_cast<std::size_t>(n), nullptr);
  if (n > 0) {
    if (is_attr) {
      check(H5Aread(obj, t.id(), ptrs.data()), "H5Aread", name);
    } else {
      check(H5Dread(obj, t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dread", name);
    }
  }
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  if (n > 0) {
    check(H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, ptrs.data()), "H5Dvlen_reclaim", name);
  }
  return out;
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && closer_) closer_(id_);  // nothrow: errors on close are ignored here
}

hid_t native_type(Type t) {
  switch (t) {
    case Type::kU8:
      return H5T_NATIVE_UINT8;
    case Type::kU16:
      return H5T_NATIVE_UINT16;
    case Type::kI32:
      return H5T_NATIVE_INT32;
    case Type::kI64:
      return H5T_NATIVE_INT64;
    case Type::kU64:
      return H5T_NATIVE_UINT64;
    default:
      return H5T_NATIVE_DOUBLE;
  }
}

std::size_t type_size(Type t) {
  switch (t) {
    case Type::kU8:
      return 1;
    case Type::kU16:
      return 2;
    case Type::kI32:
      return 4;
    default:
      return 8;
  }
}

const char* type_name(Type t) {
  switch (t) {
    case Type::kU8:
      return "uint8";
    case Type::kU16:
      return "uint16";
    case Type::kI32:
      return "int32";
    case Type::kI64:
      return "int64";
    case Type::kU64:
      return "uint64";
    default:
      return "float64";
  }
}

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string library_version() {
  unsigned a = 0, b = 0, c = 0;
  H5get_libversion(&a, &b, &c);
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

bool Group::has(const std::string& name) const {
  return check(H5Lexists(id(), name.c_str(), H5P_DEFAULT), "H5Lexists", name) > 0;
}

Group Group::create_group(const std::string& name) const {
  return Group(make(H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                    "H5Gcreate2", name));
}

Group Group::open_group(const std::string& name) const {
  return Group(make(H5Gopen2(id(), name.c_str(), H5P_DEFAULT), H5Gclose, "H5Gopen2", name));
}

void Group::write_dataset(const std::string& name, Type t, const void* data, std::size_t n,
                          std::size_t chunk_elems, int deflate_level) const {
  const Handle space = simple_space(n);
  const Handle dcpl = make(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", name);
  if (n > 0) {
    const hsize_t chunk[1] = {std::min(n, chunk_elems)};
    check(H5Pset_chunk(dcpl.id(), 1, chunk), "H5Pset_chunk", name);
    check(H5Pset_shuffle(dcpl.id()), "H5Pset_shuffle", name);
    check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate_level)), "H5Pset_deflate", name);
  }
  const Handle d = make(H5Dcreate2(id(), name.c_str(), native_type(t), space.id(), H5P_DEFAULT,
                                   dcpl.id(), H5P_DEFAULT),
                        H5Dclose, "H5Dcreate2", name);
  if (n > 0) {
    check(H5Dwrite(d.id(), native_type(t), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", name);
  }
}

std::size_t Group::dataset_size(const std::string& name) const {
  const Handle d = make(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", name);
  const Handle s = make(H5Dget_space(d.id()), H5Sclose, "H5Dget_space", name);
  return static_cast<std::size_t>(
      check(H5Sget_simple_extent_npoints(s.id()), "H5Sget_simple_extent_npoints", name));
}

Type Group::dataset_type(const std::string& name) const {
  const Handle d = make(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", name);
  const Handle t = make(H5Dget_type(d.id()), H5Tclose, "H5Dget_type", name);
  const H5T_class_t cls = H5Tget_class(t.id());
  const std::size_t size = H5Tget_size(t.id());
  if (cls == H5T_FLOAT) return Type::kF64;
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(t.id()) == H5T_SGN_2;
    if (size == 1) return Type::kU8;
    if (size == 2) return Type::kU16;
    if (size == 4) return Type::kI32;
    return is_signed ? Type::kI64 : Type::kU64;
  }
  throw H5Error("dataset '" + name + "' is not numeric");
}

std::vector<unsigned char> Group::read_dataset(const std::string& name, Type t,
                                               std::size_t* n_out) const {
  const Handle d = make(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", name);
  const Handle s = make(H5Dget_space(d.id()), H5Sclose, "H5Dget_space", name);
  const auto n = static_cast<std::size_t>(
      check(H5Sget_simple_extent_npoints(s.id()), "H5Sget_simple_extent_npoints", name));
  std::vector<unsigned char> buf(n * type_size(t));
  if (n > 0) {
    check(H5Dread(d.id(), native_type(t), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "H5Dread",
          name);
  }
  if (n_out) *n_out = n;
  return buf;
}

void Group::write_strings(const std::string& name, const std::vector<std::string>& v) const {
  const Handle t = vlen_string_type();
  const Handle space = simple_space(v.size());
  const Handle d = make(
      H5Dcreate2(id(), name.c_str(), t.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, "H5Dcreate2", name);
  std::vector<const char*> ptrs;
  for (const auto& x : v) ptrs.push_back(x.c_str());
  if (!v.empty()) {
    check(H5Dwrite(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "H5Dwrite", name);
  }
}

std::vector<std::string> Group::read_strings(const std::string& name) const {
  const Handle d = make(H5Dopen2(id(), name.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", name);
  return read_strings_of(d.id(), false, name);
}

void Group::set_attr(const std::string& name, const std::string& v) const {
  write_string_attr(id(), name, v);
}
void Group::set_attr(const std::string& name, const std::vector<std::string>& v) const {
  write_strings_attr(id(), name, v);
}
void Group::set_attr(const std::string& name, std::int64_t v) const {
  const Handle s = scalar_space();
  write_attr(id(), name, H5T_NATIVE_INT64, s.id(), &v);
}
void Group::set_attr(const std::string& name, double v) const {
  const Handle s = scalar_space();
  write_attr(id(), name, H5T_NATIVE_DOUBLE, s.id(), &v);
}
void Group::set_dataset_attr(const std::string& dataset, const std::string& name,
                             const std::string& v) const {
  const Handle d =
      make(H5Dopen2(id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", dataset);
  write_string_attr(d.id(), name, v);
}
void Group::set_dataset_attr(const std::string& dataset, const std::string& name,
                             const std::vector<std::string>& v) const {
  const Handle d =
      make(H5Dopen2(id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", dataset);
  write_strings_attr(d.id(), name, v);
}
bool Group::has_attr(const std::string& name) const {
  return check(H5Aexists(id(), name.c_str()), "H5Aexists", name) > 0;
}
std::string Group::attr_string(const std::string& name) const {
  const Handle a = make(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", name);
  auto v = read_strings_of(a.id(), true, name);
  return v.empty() ? std::string() : v.front();
}
std::vector<std::string> Group::attr_strings(const std::string& name) const {
  const Handle a = make(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", name);
  return read_strings_of(a.id(), true, name);
}
std::int64_t Group::attr_int(const std::string& name) const {
  const Handle a = make(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", name);
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "H5Aread", name);
  return v;
}
std::string Group::dataset_attr_string(const std::string& dataset, const std::string& name) const {
  const Handle d =
      make(H5Dopen2(id(), dataset.c_str(), H5P_DEFAULT), H5Dclose, "H5Dopen2", dataset);
  const Handle a = make(H5Aopen(d.id(), name.c_str(), H5P_DEFAULT), H5Aclose, "H5Aopen", name);
  auto v = read_strings_of(a.id(), true, name);
  return v.empty() ? std::string() : v.front();
}

File File::create(const std::string& path) {
  silence_errors();
  File f;
  f.path_ = path;
  f.h_ = make(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
              "H5Fcreate", path);
  return f;
}

File File::open_read(const std::string& path) {
  silence_errors();
  File f;
  f.path_ = path;
  f.h_ = make(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "H5Fopen", path);
  return f;
}

Group File::root() const {
  return Group(make(H5Gopen2(h_.id(), "/", H5P_DEFAULT), H5Gclose, "H5Gopen2", path_ + ":/"));
}

void File::close() {
  if (h_.id() >= 0) {
    check(H5Fflush(h_.id(), H5F_SCOPE_GLOBAL), "H5Fflush", path_);
    Handle released(std::move(h_));  // H5Fclose when `released` goes out of scope
  }
}

}  // namespace stream::io::h5

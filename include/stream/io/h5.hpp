#pragma once
/// A small checked layer over the HDF5 C API (HighFive style): RAII handles, and every HDF5
/// call goes through one checked wrapper that throws stream::io::H5Error carrying HDF5's own
/// error stack. Only what results tables need: files, groups, 1-D datasets (chunked,
/// shuffle + deflate), string and numeric attributes.

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace stream::io::h5 {

/// An HDF5 failure (an I/O error, a missing object): the message names the call, the object
/// and HDF5's error stack.
class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An owned hid_t closed by the matching H5*close on destruction.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Element types of result columns (all numeric; no enum, bool or compound types).
enum class Type : std::uint8_t { kU8, kU16, kI32, kI64, kU64, kF64 };
hid_t native_type(Type t);
std::size_t type_size(Type t);
const char* type_name(Type t);

class Group {
 public:
  Group() = default;
  explicit Group(Handle h) : h_(std::move(h)) {}
  hid_t id() const { return h_.id(); }

  bool has(const std::string& name) const;
  Group create_group(const std::string& name) const;
  Group open_group(const std::string& name) const;

  /// A 1-D dataset of `n` elements at `data`; chunked (chunk = min(n, chunk_elems)) with
  /// shuffle + deflate(level) when n > 0.
  void write_dataset(const std::string& name, Type t, const void* data, std::size_t n,
                     std::size_t chunk_elems = 16384, int deflate_level = 4) const;
  /// Reads a 1-D numeric dataset of type `t` (converted by HDF5 when the file type differs).
  std::vector<unsigned char> read_dataset(const std::string& name, Type t,
                                          std::size_t* n_out) const;
  std::size_t dataset_size(const std::string& name) const;
  /// The element type of a numeric 1-D dataset (InputError-free: H5Error if not numeric).
  Type dataset_type(const std::string& name) const;
  /// A 1-D dataset of variable-length UTF-8 strings (dictionaries, spec text).
  void write_strings(const std::string& name, const std::vector<std::string>& v) const;
  std::vector<std::string> read_strings(const std::string& name) const;

  void set_attr(const std::string& name, const std::string& v) const;
  void set_attr(const std::string& name, const std::vector<std::string>& v) const;
  void set_attr(const std::string& name, std::int64_t v) const;
  void set_attr(const std::string& name, double v) const;
  /// Attribute on a dataset of this group.
  void set_dataset_attr(const std::string& dataset, const std::string& name,
                        const std::string& v) const;
  void set_dataset_attr(const std::string& dataset, const std::string& name,
                        const std::vector<std::string>& v) const;
  bool has_attr(const std::string& name) const;
  std::string attr_string(const std::string& name) const;
  std::vector<std::string> attr_strings(const std::string& name) const;
  std::int64_t attr_int(const std::string& name) const;
  std::string dataset_attr_string(const std::string& dataset, const std::string& name) const;

 private:
  Handle h_;
};

class File {
 public:
  /// Creates (truncates) a file. Default library version bounds (readable by HDF5 1.8+).
  static File create(const std::string& path);
  static File open_read(const std::string& path);
  Group root() const;
  /// Flushes and closes (errors are reported, unlike the destructor's silent close).
  void close();

 private:
  Handle h_;
  std::string path_;
};

/// Suppresses HDF5's automatic error printing for the process (errors are thrown instead).
void silence_errors();
/// "1.10.8"
std::string library_version();

}  // namespace stream::io::h5

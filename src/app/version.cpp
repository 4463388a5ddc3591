#include <H5public.h>
#include <google/protobuf/stubs/common.h>
#include <mpi.h>
#include <omp.h>
#include <oneapi/tbb/version.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "stream/build_info_git.hpp"

namespace stream::app {

std::string version_text() {
  std::ostringstream os;
  os << "stream-hpc " << STREAM_VERSION << " (git " << STREAM_GIT_DESCRIBE << ")\n";
  os << "build: " << STREAM_BUILD_TYPE << ", " << STREAM_COMPILER << ", C++"
     << (__cplusplus / 100 % 100) << "\n";
  char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi_version, &len);
  std::string mpi(mpi_version, static_cast<std::size_t>(len));
  if (const auto cut = mpi.find(','); cut != std::string::npos) mpi = mpi.substr(0, cut);
  unsigned h5maj = 0, h5min = 0, h5rel = 0;
  H5get_libversion(&h5maj, &h5min, &h5rel);
  os << "libraries:\n";
  os << "  MPI            " << mpi << " (MPI " << MPI_VERSION << "." << MPI_SUBVERSION << ")\n";
  os << "  HDF5           " << h5maj << "." << h5min << "." << h5rel
#ifdef H5_HAVE_PARALLEL
     << " (parallel)"
#endif
     << "\n";
  os << "  oneTBB         " << TBB_runtime_version() << " (interface " << TBB_INTERFACE_VERSION
     << ")\n";
  os << "  OpenMP         " << _OPENMP << "\n";
  os << "  protobuf       " << google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION)
     << "\n";
  os << "  nlohmann-json  " << NLOHMANN_JSON_VERSION_MAJOR << "." << NLOHMANN_JSON_VERSION_MINOR
     << "." << NLOHMANN_JSON_VERSION_PATCH << "\n";
  os << "  CLI11          " << CLI11_VERSION << "\n";
  os << "  yaml-cpp       " << STREAM_YAML_CPP_VERSION;
  return os.str();
}

}  // namespace stream::app

#include "run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "stream/common/error.hpp"

namespace stream::sweep::detail {

namespace fs = std::filesystem;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

void fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  const int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_atomic(const fs::path& path, const std::string& text) {
  const fs::path tmp =
      path.parent_path() / (".tmp-" + path.filename().string() + "-" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp.string(), "(file)", "cannot write");
    out << text;
    out.flush();
    if (!out) throw InputError(tmp.string(), "(file)", "write failed");
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, path);
  fsync_path(path);
}

std::vector<fs::path> committed_shards(const fs::path& dir) {
  std::vector<fs::path> out;
  const fs::path sd = dir / "shards";
  if (!fs::exists(sd)) return out;
  for (const auto& e : fs::directory_iterator(sd)) {
    const auto name = e.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) continue;
    if (e.path().extension() == ".h5") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json read_run_json(const fs::path& dir) {
  const fs::path p = dir / "run.json";
  if (!fs::exists(p)) return nullptr;
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(p.string(), "(document)", std::string("not valid JSON: ") + e.what());
  }
}

void update_run_json(const fs::path& dir, const std::function<void(nlohmann::json&)>& update) {
  const fs::path lock = dir / ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd < 0) throw InputError(lock.string(), "(file)", "cannot open the run lock");
  ::flock(fd, LOCK_EX);
  try {
    nlohmann::json j = read_run_json(dir);
    if (j.is_null()) j = nlohmann::json::object();
    update(j);
    write_atomic(dir / "run.json", j.dump(1) + "\n");
  } catch (...) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    throw;
  }
  ::flock(fd, LOCK_UN);
  ::close(fd);
}

}  // namespace stream::sweep::detail

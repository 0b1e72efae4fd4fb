// dropMappedPages(path): madvise(MADV_DONTNEED) on every *shared* mapping of the file `path` in this
// process (found in /proc/self/maps). LMDB reads through a shared read-only map, so pages a reader
// touched stay in the process's RSS (RssFile) until the map is unmapped; this removes them from the
// page tables only: for a MAP_SHARED file mapping the data stays in the page cache and the next access
// faults it back (madvise(2)). Private mappings are never touched (DONTNEED would discard their
// copy-on-write pages). Returns the bytes advised, or −errno. When to call it is the spool's policy.
#include "napi/drop_mapped_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace gw {

namespace {

/** The whole of /proc/self/maps in one string (read(2) in a loop: the file has no size). */
bool ReadMaps(std::string* out) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      close(fd);
      errno = saved;
      return n == 0;
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

/**
 * One line "start-end perms offset dev inode   pathname": true for a shared mapping of `want`, with
 * its range. Plain C parsing: node has hundreds of mappings and this runs every few MiB read, so the
 * earlier iostream parser cost ~1.6 ms a call (6 % of the forward profile).
 */
bool SharedMappingOf(const char* line, size_t len, const std::string& want, uintptr_t* start, uintptr_t* end) {
  if (len <= want.size() || std::memcmp(line + len - want.size(), want.data(), want.size()) != 0) return false;
  if (line[len - want.size() - 1] != ' ') return false;  // "…/x/data.mdb" must not match "…/data.mdb"
  char* p = nullptr;
  unsigned long long s = std::strtoull(line, &p, 16);
  if (p == nullptr || *p != '-') return false;
  unsigned long long e = std::strtoull(p + 1, &p, 16);
  if (p == nullptr || *p != ' ' || e <= s) return false;
  const char* perms = p + 1;
  if (static_cast<size_t>(perms - line) + 4 > len || perms[3] != 's') return false;
  *start = static_cast<uintptr_t>(s);
  *end = static_cast<uintptr_t>(e);
  return true;
}

}  // namespace

Napi::Value DropMappedPagesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "dropMappedPages(path: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string want = info[0].As<Napi::String>().Utf8Value();
  std::string maps;
  if (!ReadMaps(&maps)) return Napi::Number::New(env, -static_cast<double>(errno ? errno : ENOENT));
  double advised = 0;
  size_t pos = 0;
  while (pos < maps.size()) {
    const char* line = maps.data() + pos;
    const void* nl = std::memchr(line, '\n', maps.size() - pos);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - line) : maps.size() - pos;
    pos += len + 1;
    uintptr_t start = 0, end = 0;
    if (!SharedMappingOf(line, len, want, &start, &end)) continue;
    if (madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) != 0) {
      return Napi::Number::New(env, -static_cast<double>(errno));
    }
    advised += static_cast<double>(end - start);
  }
  return Napi::Number::New(env, advised);
}

}  // namespace gw

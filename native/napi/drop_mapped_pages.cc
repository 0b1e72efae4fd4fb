// dropMappedPages(path): madvise(MADV_DONTNEED) on every *shared* mapping of the file `path` in this
// process (found in /proc/self/maps). LMDB reads through a shared read-only map, so pages a reader
// touched stay in the process's RSS (RssFile) until the map is unmapped; this removes them from the
// page tables only: for a MAP_SHARED file mapping the data stays in the page cache and the next access
// faults it back (madvise(2)). Private mappings are never touched (DONTNEED would discard their
// copy-on-write pages). Returns the bytes advised, or −errno. When to call it is the spool's policy.
#include "napi/drop_mapped_pages.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace gw {

namespace {

/** One /proc/self/maps line: "start-end perms offset dev inode   pathname". */
bool ParseMapsLine(const std::string& line, uintptr_t* start, uintptr_t* end, std::string* perms, std::string* path) {
  std::istringstream in(line);
  std::string range, offset, dev, inode;
  if (!(in >> range >> *perms >> offset >> dev >> inode)) return false;
  std::getline(in >> std::ws, *path);
  size_t dash = range.find('-');
  if (dash == std::string::npos) return false;
  *start = static_cast<uintptr_t>(std::stoull(range.substr(0, dash), nullptr, 16));
  *end = static_cast<uintptr_t>(std::stoull(range.substr(dash + 1), nullptr, 16));
  return *end > *start;
}

}  // namespace

Napi::Value DropMappedPagesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "dropMappedPages(path: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string want = info[0].As<Napi::String>().Utf8Value();
  std::ifstream maps("/proc/self/maps");
  if (!maps) return Napi::Number::New(env, -static_cast<double>(errno ? errno : ENOENT));
  double advised = 0;
  std::string line, perms, path;
  while (std::getline(maps, line)) {
    uintptr_t start = 0, end = 0;
    try {
      if (!ParseMapsLine(line, &start, &end, &perms, &path)) continue;
    } catch (const std::exception&) {
      continue;
    }
    if (path != want || perms.size() < 4 || perms[3] != 's') continue;
    if (madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) != 0) {
      return Napi::Number::New(env, -static_cast<double>(errno));
    }
    advised += static_cast<double>(end - start);
  }
  return Napi::Number::New(env, advised);
}

}  // namespace gw

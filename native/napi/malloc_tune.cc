// mallocTrim(): malloc_trim(0) in glibc. Forwarding reads each 256 KiB spool chunk into a fresh Buffer;
// glibc serves those from its heap arenas (its mmap threshold rises above 256 KiB after the first few
// frees, mallopt(3)) and keeps what V8 frees there, so without trimming the daemon's RssAnon climbed to
// ~43 MiB while forwarding a 2 GiB instance. malloc_trim(0) returns the free pages of every arena to the
// kernel (madvise(MADV_DONTNEED) inside arenas, glibc >= 2.8). Fixing the mmap threshold at 128 KiB
// instead bounded memory too, but mmap+munmap and page faults on every chunk made forwarding ~40 %
// slower. Returns true when memory was released; false when none was, or without glibc (no-op).
//
// mallocTune(mmapThreshold, trimThreshold): mallopt(M_MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD).
// LMDB copies every chunk it writes into malloc'd dirty pages (64 pages per 256 KiB chunk) and frees
// them at commit. With glibc's defaults the top of the heap is then above the (dynamic) trim
// threshold, so glibc gives those pages back to the kernel after each commit, and the next one faults
// them in again: ~40 page faults per 512 KiB instance on one association. A fixed trim threshold keeps
// them; the reclaimer's malloc_trim still returns free pages at its own pace. Setting either value
// turns glibc's dynamic mmap threshold off (mallopt(3)), hence the explicit mmap threshold too, above
// the 256 KiB chunks (a lower one is the mmap-per-chunk case above). Returns false without glibc or
// when mallopt refused a value.
#include "napi/malloc_tune.h"

#include <cstdint>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace gw {

Napi::Value MallocTrimJs(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value MallocTuneJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "mallocTune(mmapThreshold, trimThreshold): two numbers").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int64_t mmap_threshold = info[0].As<Napi::Number>().Int64Value();
  const int64_t trim_threshold = info[1].As<Napi::Number>().Int64Value();
  if (mmap_threshold <= 0 || trim_threshold <= 0 || mmap_threshold > INT32_MAX || trim_threshold > INT32_MAX) {
    Napi::RangeError::New(env, "mallocTune: thresholds must be in 1 .. 2^31-1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
#if defined(__GLIBC__)
  const bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap_threshold)) == 1 &&
                  mallopt(M_TRIM_THRESHOLD, static_cast<int>(trim_threshold)) == 1;
  return Napi::Boolean::New(env, ok);
#else
  return Napi::Boolean::New(env, false);
#endif
}

}  // namespace gw

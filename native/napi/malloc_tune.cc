// mallocTrim(): malloc_trim(0) in glibc. Forwarding reads each 256 KiB spool chunk into a fresh Buffer;
// glibc serves those from its heap arenas (its mmap threshold rises above 256 KiB after the first few
// frees, mallopt(3)) and keeps what V8 frees there, so without trimming the daemon's RssAnon climbed to
// ~43 MiB while forwarding a 2 GiB instance. malloc_trim(0) returns the free pages of every arena to the
// kernel (madvise(MADV_DONTNEED) inside arenas, glibc >= 2.8). Fixing the mmap threshold at 128 KiB
// instead bounded memory too, but mmap+munmap and page faults on every chunk made forwarding ~40 %
// slower. Returns true when memory was released; false when none was, or without glibc (no-op).
#include "napi/malloc_tune.h"

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

}  // namespace gw

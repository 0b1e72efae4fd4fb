#include "codecs/byteswap.h"

#include <cstring>

namespace gw {
namespace {

// Baseline x86-64 (SSE2) has no byte shuffle, so GCC cannot vectorise 32/64-bit swaps there; with
// function multiversioning the loader picks an AVX2 clone when the CPU has it. arm64 vectorises the
// plain loops with NEON rev16/rev32/rev64.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GW_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GW_CLONES
#endif

// memcpy keeps the loads and stores alignment-safe (Buffers from the socket may be unaligned on
// arm64); the compiler turns each into a single load + bswap + store and vectorises the loop.
GW_CLONES void Swap16(uint8_t* p, size_t n) {
  for (size_t i = 0; i + 2 <= n; i += 2) {
    uint16_t v;
    std::memcpy(&v, p + i, 2);
    v = __builtin_bswap16(v);
    std::memcpy(p + i, &v, 2);
  }
}

GW_CLONES void Swap32(uint8_t* p, size_t n) {
  for (size_t i = 0; i + 4 <= n; i += 4) {
    uint32_t v;
    std::memcpy(&v, p + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(p + i, &v, 4);
  }
}

GW_CLONES void Swap64(uint8_t* p, size_t n) {
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v;
    std::memcpy(&v, p + i, 8);
    v = __builtin_bswap64(v);
    std::memcpy(p + i, &v, 8);
  }
}

}  // namespace

bool SwapBytes(uint8_t* data, size_t length, size_t word_size) {
  if (word_size != 2 && word_size != 4 && word_size != 8) return false;
  if (length % word_size != 0) return false;
  switch (word_size) {
    case 2: Swap16(data, length); break;
    case 4: Swap32(data, length); break;
    default: Swap64(data, length); break;
  }
  return true;
}

}  // namespace gw

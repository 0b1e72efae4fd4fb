#include "codecs/byteswap.h"

#include <cstring>

namespace gw {
namespace {

// memcpy keeps the loads and stores alignment-safe (Buffers from the socket may be unaligned on
// arm64); the compiler turns each into a single load + bswap + store and vectorises the loop.
void Swap16(uint8_t* p, size_t n) {
  for (size_t i = 0; i + 2 <= n; i += 2) {
    uint16_t v;
    std::memcpy(&v, p + i, 2);
    v = __builtin_bswap16(v);
    std::memcpy(p + i, &v, 2);
  }
}

void Swap32(uint8_t* p, size_t n) {
  for (size_t i = 0; i + 4 <= n; i += 4) {
    uint32_t v;
    std::memcpy(&v, p + i, 4);
    v = __builtin_bswap32(v);
    std::memcpy(p + i, &v, 4);
  }
}

void Swap64(uint8_t* p, size_t n) {
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

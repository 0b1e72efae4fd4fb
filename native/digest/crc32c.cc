// CRC-32C, see crc32c.h. Three implementations of the same function; Crc32c() picks one once.
#include "digest/crc32c.h"

#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace gw {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed (LSB-first CRC)

// kTable[k][b]: the CRC of byte b followed by k zero bytes (slicing-by-8).
struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = b;
      for (int i = 0; i < 8; i++) c = (c >> 1) ^ ((c & 1) ? kPoly : 0);
      t[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
      for (int k = 1; k < 8; k++) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
};

const Tables& T() {
  static const Tables tables;
  return tables;
}

inline uint64_t LoadLe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

// Raw (not inverted) register update, table version.
uint32_t UpdatePortable(uint32_t c, const uint8_t* p, size_t n) {
  const auto& t = T().t;
  while (n >= 8) {
    uint64_t v = LoadLe64(p) ^ c;
    c = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
        t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t UpdateSse42(uint32_t c, const uint8_t* p, size_t n) {
  uint64_t c64 = c;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = _mm_crc32_u64(c64, v);
    p += 8;
    n -= 8;
  }
  uint32_t c32 = static_cast<uint32_t>(c64);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}
#endif

#if defined(__aarch64__)
// The CRC32 instructions (crc32cx/crc32cb) through inline assembly, enabled for this function only,
// so the file builds for plain armv8-a and runs the instructions only after the HWCAP check.
__attribute__((target("+crc"))) uint32_t UpdateArmCrc(uint32_t c, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    __asm__("crc32cx %w0, %w0, %x1" : "+r"(c) : "r"(v));
    p += 8;
    n -= 8;
  }
  while (n--) {
    uint32_t b = *p++;
    __asm__("crc32cb %w0, %w0, %w1" : "+r"(c) : "r"(b));
  }
  return c;
}
#endif

using Update = uint32_t (*)(uint32_t, const uint8_t*, size_t);

struct Choice {
  Update fn;
  const char* name;
};

Choice Pick() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) return {UpdateSse42, "sse4.2"};
#endif
#if defined(__aarch64__) && defined(__linux__) && defined(HWCAP_CRC32)
  if (getauxval(AT_HWCAP) & HWCAP_CRC32) return {UpdateArmCrc, "armv8-crc32"};
#endif
  return {UpdatePortable, "portable"};
}

const Choice& Chosen() {
  static const Choice choice = Pick();
  return choice;
}

}  // namespace

uint32_t Crc32c(uint32_t crc, const uint8_t* data, size_t len) {
  return ~Chosen().fn(~crc, data, len);
}

uint32_t Crc32cPortable(uint32_t crc, const uint8_t* data, size_t len) {
  return ~UpdatePortable(~crc, data, len);
}

const char* Crc32cImplementation() { return Chosen().name; }

}  // namespace gw

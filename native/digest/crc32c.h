// CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78; RFC 3720 §B.4, the iSCSI CRC).
// The spool's per-instance integrity check (docs/spool.md "Digest"): the checksum ext4 metadata,
// btrfs and iSCSI use for the same job. Hardware instructions where the CPU has them (SSE 4.2 on
// x86-64, the ARMv8 CRC32 extension on arm64, present on every Raspberry Pi since the 3), detected once
// at run time; a slicing-by-8 table version otherwise. No N-API here (native/napi/crc32c.cc).
#ifndef NATIVE_DIGEST_CRC32C_H_
#define NATIVE_DIGEST_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace gw {

// Continues a CRC-32C: `crc` is a finished value (0 for the start), the result is finished too, so
// Crc32c(Crc32c(0, a), b) == Crc32c(0, a ++ b). Check value: Crc32c(0, "123456789") == 0xE3069283.
uint32_t Crc32c(uint32_t crc, const uint8_t* data, size_t len);

// The table version alone (tests compare it with the hardware path).
uint32_t Crc32cPortable(uint32_t crc, const uint8_t* data, size_t len);

// Which path Crc32c() takes on this CPU: "sse4.2", "armv8-crc32" or "portable".
const char* Crc32cImplementation();

}  // namespace gw

#endif  // NATIVE_DIGEST_CRC32C_H_

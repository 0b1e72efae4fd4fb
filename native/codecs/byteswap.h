// Byte-order reversal of fixed-width words, in place. Plain C++: no napi.h here.
// Used by the transfer-syntax converter for OW/OF/OL/OD/OV/FL/FD/US/SS/UL/SL/AT/SV/UV values
// (PS3.5 §7.3: byte ordering is per VR word size).
#ifndef NATIVE_CODECS_BYTESWAP_H_
#define NATIVE_CODECS_BYTESWAP_H_

#include <cstddef>
#include <cstdint>

namespace gw {

// Swaps every `word_size`-byte word of data[0, length). word_size must be 2, 4 or 8 and length a
// multiple of it; the caller (TS) checks both. Returns false when the arguments do not fit.
bool SwapBytes(uint8_t* data, size_t length, size_t word_size);

}  // namespace gw

#endif  // NATIVE_CODECS_BYTESWAP_H_

// Codec layer: DICOM RLE Lossless (PS3.5 Annex G), decode and encode of one frame.
// Plain C++17: no napi.h, no logging. Every read of the input is bounds-checked; the decoder stops
// at the expected length whatever padding, odd offsets or trailing bytes the frame has.
#ifndef NATIVE_CODECS_RLE_H_
#define NATIVE_CODECS_RLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codecs/byte_buffer.h"
#include "codecs/codec_error.h"
#include "codecs/jpeg_lossless_decoder.h"  // NativeLayout

namespace gw {

// Decodes one RLE frame (header + segments) into out[0, layout.FrameBytes()) in the native layout
// (little-endian samples of bits_allocated, planar configuration from the layout); out_size must be at
// least FrameBytes(). Segments = samples x bytes per sample <= 15.
Status DecodeRle(const uint8_t* data, size_t size, const NativeLayout& layout, uint8_t* out, size_t out_size);

// Encodes one frame given in the native layout. Each row of each segment is coded separately, and
// each segment is padded to an even length (PS3.5 §G.3.1, §G.5).
Status EncodeRle(const uint8_t* pixels, size_t size, const NativeLayout& layout, ByteBuffer* out);

}  // namespace gw

#endif  // NATIVE_CODECS_RLE_H_

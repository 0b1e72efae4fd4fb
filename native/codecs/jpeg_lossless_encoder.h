// Codec layer: JPEG lossless encoder, ITU-T T.81 process 14 (SOF3, Huffman), one interleaved scan.
// Optimised Huffman tables per component (Annex K.2), precision taken from the data, no restarts.
// Plain C++17: no napi.h, no logging.
#ifndef NATIVE_CODECS_JPEG_LOSSLESS_ENCODER_H_
#define NATIVE_CODECS_JPEG_LOSSLESS_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codecs/byte_buffer.h"
#include "codecs/codec_error.h"
#include "codecs/jpeg_lossless_decoder.h"  // NativeLayout

namespace gw {

// Precision P (T.81 §B.2.2): BitsStored (at least 2), raised to the bit length of the largest raw
// sample, so every BitsAllocated-bit value survives; signed data with negative values thus gets P =
// BitsAllocated, as DCMTK's dcmcjpeg does, and decoders that do not sign-extend still give it back.
int ChooseJpegPrecision(const uint8_t* pixels, const NativeLayout& layout);

// Encodes one frame given in the native layout with selection value `predictor` (1..7, Table H.1).
Status EncodeJpegLossless(const uint8_t* pixels, size_t size, const NativeLayout& layout, int predictor,
                          ByteBuffer* out);

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_LOSSLESS_ENCODER_H_

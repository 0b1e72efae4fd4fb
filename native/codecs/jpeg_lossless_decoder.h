// Codec layer: JPEG lossless decoder, ITU-T T.81 process 14 (Huffman, SOF3; Annex H).
// Plain C++17: no napi.h, no logging. Bounds-checked on every read of the input; corrupt input ends
// in a Status error, never a crash or an endless loop.
#ifndef NATIVE_CODECS_JPEG_LOSSLESS_DECODER_H_
#define NATIVE_CODECS_JPEG_LOSSLESS_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codecs/codec_error.h"

namespace gw {

// DICOM native layout of one frame (PS3.5 §8.1.1, §8.2.1): little-endian samples of bits_allocated,
// interleaved (planar 0) or by plane (planar 1).
struct NativeLayout {
  int rows = 0, columns = 0, samples = 1;
  int bits_allocated = 16;  // 8 or 16 for JPEG; 8/16/32/... for RLE
  int bits_stored = 16;     // encoders only: the precision to start from
  int pixel_representation = 0;
  int planar_configuration = 0;
  size_t FrameBytes() const {
    return static_cast<size_t>(rows) * columns * samples * (bits_allocated / 8);
  }
};

struct JpegComponent {
  int id = 0;
  int h = 1, v = 1;
  int width = 0, height = 0;  // T.81 §A.1.1: ceil(X * H / Hmax), ceil(Y * V / Vmax)
  int stride = 0;             // padded plane width (whole MCUs in interleaved scans)
  std::vector<uint16_t> storage;  // owns the plane unless the caller gave one
  uint16_t* plane = nullptr;       // reconstructed samples, shifted left by the scan's point transform
  size_t plane_size = 0;
};

struct JpegLosslessImage {
  int precision = 0;  // P of the frame header
  int width = 0, height = 0;
  std::vector<JpegComponent> components;
};

struct JpegDecodeOptions {
  // Decoder workaround for encoders that computed predictors 4-7 in signed 16-bit arithmetic
  // (JPEGLossless_1s_1f_i_16_16_bad.dcm); off by default, because the standard decode is the right one.
  bool signed_predictor_workaround = false;
  // When set, the frame header must match it (checked before any allocation).
  const NativeLayout* expect = nullptr;
  // When set (2-byte aligned, room for the frame), a single-component frame is decoded straight into
  // it instead of a private plane: the native layout of 16-bit samples on a little-endian host.
  uint16_t* direct_plane = nullptr;
};

// Decodes a whole JPEG lossless stream into component planes. Data after EOI is ignored.
Status DecodeJpegLossless(const uint8_t* data, size_t size, const JpegDecodeOptions& opts, JpegLosslessImage* out);

// Decodes a frame and writes it in the native layout. Samples are written as decoded (P-bit values,
// no sign extension for signed data whose precision is below bits_allocated), which is what DCMTK's
// dcmdjpeg writes; our encoder keeps the sign bits by coding signed data with negative values at P = 16.
// out_size must be at least layout.FrameBytes().
Status DecodeJpegLosslessFrame(const uint8_t* data, size_t size, const NativeLayout& layout,
                               const JpegDecodeOptions& opts, uint8_t* out, size_t out_size);

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_LOSSLESS_DECODER_H_

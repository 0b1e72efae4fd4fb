// Codec layer: entropy decoding and prediction of one lossless scan (T.81 Annex H, §H.1.2).
// Works on component planes prepared by the marker parser; no marker parsing here beyond RSTm.
#ifndef NATIVE_CODECS_JPEG_LOSSLESS_SCAN_H_
#define NATIVE_CODECS_JPEG_LOSSLESS_SCAN_H_

#include <cstddef>
#include <cstdint>

#include "codecs/codec_error.h"
#include "codecs/jpeg_huffman.h"
#include "codecs/jpeg_lossless_decoder.h"

namespace gw {

struct ScanSpec {
  int count = 0;                        // Ns
  JpegComponent* comps[4] = {};         // components of the scan, in scan order
  const HuffmanDecoder* tables[4] = {};  // their DC tables
  int predictor = 1;                    // Ss: selection value 1..7 (Table H.1)
  int point_transform = 0;              // Al
  int precision = 8;                    // P of the frame
  int hmax = 1, vmax = 1;
  int frame_width = 0, frame_height = 0;
  uint32_t restart_interval = 0;        // Ri in MCUs, 0 = none
  bool workaround = false;
};

// Decodes the entropy-coded data starting at *pos; on success *pos is left on the marker that ends
// the scan (or at end). Restart intervals must span whole MCU rows (T.81 §H.2; libjpeg does the same).
Status DecodeLosslessScan(const ScanSpec& scan, const uint8_t** pos, const uint8_t* end);

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_LOSSLESS_SCAN_H_

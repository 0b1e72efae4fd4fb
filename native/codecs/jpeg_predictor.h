// The lossless predictors of ITU-T T.81 Table H.1, shared by the encoder and the decoder's scan.
// Plain C++; no napi.h.
#ifndef NATIVE_CODECS_JPEG_PREDICTOR_H_
#define NATIVE_CODECS_JPEG_PREDICTOR_H_

#include <cstdint>

namespace gw {

// Predictor PSV (selection value 1-7) from the neighbours a (left), b (above), c (above left).
// kSigned16: the signed 16-bit arithmetic of a known faulty encoder for PSV 4-7 (decoder workaround,
// as DCMTK's dcmdjpeg +w6); never used when encoding.
template <int PSV, bool kSigned16 = false>
inline int32_t Predict(int32_t ra, int32_t rb, int32_t rc) {
  if (kSigned16 && PSV >= 4) {
    ra = static_cast<int16_t>(ra);
    rb = static_cast<int16_t>(rb);
    rc = static_cast<int16_t>(rc);
  }
  switch (PSV) {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
  }
}

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_PREDICTOR_H_

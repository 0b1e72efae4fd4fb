// Codec layer: MSB-first bit writer for JPEG entropy-coded data with 0xFF00 stuffing (T.81 §F.1.2.3).
// Writes into a buffer the caller sized for the worst case (every byte stuffed); no bounds growth.
#ifndef NATIVE_CODECS_JPEG_BIT_WRITER_H_
#define NATIVE_CODECS_JPEG_BIT_WRITER_H_

#include <cstdint>

namespace gw {

class JpegBitWriter {
 public:
  explicit JpegBitWriter(uint8_t* out) : p_(out) {}

  // Appends the n (<= 32) low bits of v; v must have no bits set above them.
  inline void Put(uint32_t v, int n) {
    acc_ = (acc_ << n) | v;
    bits_ += n;
    if (bits_ >= 32) {
      bits_ -= 32;
      const uint32_t w = static_cast<uint32_t>(acc_ >> bits_);
      const uint32_t inv = ~w;
      if (((inv - 0x01010101u) & ~inv & 0x80808080u) == 0) {  // no 0xFF byte: store 4 at once
        p_[0] = static_cast<uint8_t>(w >> 24);
        p_[1] = static_cast<uint8_t>(w >> 16);
        p_[2] = static_cast<uint8_t>(w >> 8);
        p_[3] = static_cast<uint8_t>(w);
        p_ += 4;
      } else {
        for (int s = 24; s >= 0; s -= 8) Byte(static_cast<uint8_t>(w >> s));
      }
    }
  }

  // Writes the remaining bits, padding the last byte with 1 bits (T.81 §F.1.2.3).
  void Flush() {
    while (bits_ >= 8) {
      bits_ -= 8;
      Byte(static_cast<uint8_t>(acc_ >> bits_));
    }
    if (bits_ > 0) Byte(static_cast<uint8_t>((acc_ << (8 - bits_)) | (0xFFu >> bits_)));
    bits_ = 0;
  }
  uint8_t* pos() const { return p_; }

 private:
  inline void Byte(uint8_t b) {
    *p_++ = b;
    if (b == 0xFF) *p_++ = 0x00;
  }
  uint8_t* p_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_BIT_WRITER_H_

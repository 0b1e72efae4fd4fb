// Codec layer: MSB-first bit writer for JPEG entropy-coded data with 0xFF00 stuffing (T.81 §F.1.2.3).
#ifndef NATIVE_CODECS_JPEG_BIT_WRITER_H_
#define NATIVE_CODECS_JPEG_BIT_WRITER_H_

#include <cstdint>
#include <vector>

namespace gw {

class JpegBitWriter {
 public:
  explicit JpegBitWriter(std::vector<uint8_t>* out) : out_(out) {}

  // Appends the low n (<= 32) bits of v.
  inline void Put(uint32_t v, int n) {
    acc_ = (acc_ << n) | (v & ((n == 32) ? 0xFFFFFFFFu : ((1u << n) - 1)));
    bits_ += n;
    while (bits_ >= 8) {
      bits_ -= 8;
      const uint8_t b = static_cast<uint8_t>(acc_ >> bits_);
      out_->push_back(b);
      if (b == 0xFF) out_->push_back(0x00);
    }
  }

  // Pads the last byte with 1 bits (T.81 §F.1.2.3).
  void Flush() {
    if (bits_ > 0) Put(0x7F, 8 - bits_);
  }

 private:
  std::vector<uint8_t>* out_;
  uint64_t acc_ = 0;
  int bits_ = 0;
};

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_BIT_WRITER_H_

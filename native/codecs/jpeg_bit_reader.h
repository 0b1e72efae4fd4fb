// Codec layer: MSB-first bit reader for JPEG entropy-coded segments (T.81 §F.2.2.5, §B.1.1.5).
// Removes 0xFF00 stuffing, stops at any other marker and then feeds zero bits, counting them so the
// decoder can tell a truncated segment from a complete one. Never reads past [data, end).
#ifndef NATIVE_CODECS_JPEG_BIT_READER_H_
#define NATIVE_CODECS_JPEG_BIT_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gw {

class JpegBitReader {
 public:
  JpegBitReader(const uint8_t* data, const uint8_t* end) : pos_(data), end_(end) {}

  // Ensures at least 57 bits are buffered (real or injected zeros).
  inline void Refill() {
    if (bits_ > 56) return;
    if (!at_marker_ && end_ - pos_ >= 8) {  // fast path: 8 bytes without 0xFF, loaded at once
      uint64_t w;
      std::memcpy(&w, pos_, 8);
      const uint64_t inv = ~w;
      if (((inv - 0x0101010101010101ull) & ~inv & 0x8080808080808080ull) == 0) {
        w = __builtin_bswap64(w);
        const int n = (64 - bits_) >> 3;  // whole bytes that fit
        const uint64_t top = n == 8 ? w : (w & ~(~0ull >> (8 * n)));
        acc_ |= top >> bits_;
        bits_ += 8 * n;
        pos_ += n;
        return;
      }
    }
    while (bits_ <= 56) {
      if (!at_marker_ && pos_ < end_) {
        const uint8_t b = *pos_;
        if (b != 0xFF) {
          acc_ |= static_cast<uint64_t>(b) << (56 - bits_);
          bits_ += 8;
          ++pos_;
          continue;
        }
        if (pos_ + 1 < end_ && pos_[1] == 0x00) {  // stuffed 0xFF (T.81 §F.1.2.3)
          acc_ |= static_cast<uint64_t>(0xFF) << (56 - bits_);
          bits_ += 8;
          pos_ += 2;
          continue;
        }
        at_marker_ = true;  // a marker (or a lone 0xFF at the end): stop here, pos_ stays on it
      }
      bits_ += 8;  // zeros past the segment end, as libjpeg does; counted to detect truncation
      injected_ += 8;
    }
  }

  // One difference needs at most 16 + 16 bits (T.81 Table H.2).
  inline void Ensure32() {
    if (bits_ < 32) Refill();
  }

  inline uint32_t Peek(int n) const { return static_cast<uint32_t>(acc_ >> (64 - n)); }
  inline void Skip(int n) {
    acc_ <<= n;
    bits_ -= n;
  }
  // Reads n (0..16) bits; callers Ensure32() first.
  inline uint32_t Get(int n) {
    if (n == 0) return 0;
    const uint32_t v = Peek(n);
    Skip(n);
    return v;
  }

  // True when the decoder has consumed bits that were not in the input (truncated or corrupt data).
  bool Overrun() const { return injected_ > bits_; }

  // Drops the buffered bits and the byte alignment padding, leaving pos() on the next marker (if any).
  void Reset() {
    acc_ = 0;
    bits_ = 0;
    injected_ = 0;
    at_marker_ = false;
  }
  const uint8_t* pos() const { return pos_; }
  void set_pos(const uint8_t* p) { pos_ = p; }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
  uint64_t acc_ = 0;
  int bits_ = 0;
  int injected_ = 0;
  bool at_marker_ = false;
};

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_BIT_READER_H_

#include "codecs/rle.h"

#include <algorithm>
#include <cstring>

namespace gw {
namespace {

constexpr size_t kHeaderSize = 64;  // PS3.5 §G.5: 16 unsigned 32-bit little-endian values

inline uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

Status CheckLayout(const NativeLayout& l) {
  if (l.rows < 1 || l.columns < 1 || l.samples < 1) return Status::Error(CodecError::kBadArgument, "empty image");
  if (l.bits_allocated < 8 || l.bits_allocated % 8 != 0) {
    return Status::Error(CodecError::kBadArgument, "BitsAllocated must be a multiple of 8");
  }
  if (l.samples * (l.bits_allocated / 8) > 15) {
    return Status::Error(CodecError::kBadArgument, "more than 15 RLE segments needed");
  }
  return Status::Ok();
}

// PackBits decode of one segment (§G.3.2) into every `step`-th byte of dst, `count` bytes in all.
// Returns false when the segment ends before `count` bytes; a run past `count` is cut short.
bool UnpackSegment(const uint8_t* src, const uint8_t* end, uint8_t* dst, size_t count, size_t step) {
  size_t n = 0;
  while (n < count) {
    if (src >= end) return false;
    const int8_t h = static_cast<int8_t>(*src++);
    if (h >= 0) {
      size_t len = static_cast<size_t>(h) + 1;
      if (static_cast<size_t>(end - src) < len) return false;
      if (len > count - n) len = count - n;
      if (step == 1) {
        std::memcpy(dst + n, src, len);
      } else {
        for (size_t i = 0; i < len; ++i) dst[(n + i) * step] = src[i];
      }
      src += static_cast<size_t>(h) + 1;
      n += len;
    } else if (h != -128) {
      if (src >= end) return false;
      size_t len = static_cast<size_t>(1 - h);
      if (len > count - n) len = count - n;
      const uint8_t b = *src++;
      if (step == 1) {
        std::memset(dst + n, b, len);
      } else {
        for (size_t i = 0; i < len; ++i) dst[(n + i) * step] = b;
      }
      n += len;
    }  // -128: no operation
  }
  return true;
}

// PackBits encode of one row of a byte plane (§G.3.1): replicate runs of 3 or more (2 when no
// literal is pending), literals of at most 128 bytes. Writes at most n + ceil(n / 128) bytes.
uint8_t* PackRow(const uint8_t* src, size_t n, uint8_t* out) {
  size_t i = 0, lit_start = 0;
  auto flush_literal = [&](size_t upto) {
    while (lit_start < upto) {
      const size_t len = std::min<size_t>(128, upto - lit_start);
      *out++ = static_cast<uint8_t>(len - 1);
      std::memcpy(out, src + lit_start, len);
      out += len;
      lit_start += len;
    }
  };
  while (i < n) {
    const uint8_t b = src[i];
    size_t run = 1;
    while (i + run < n && run < 128 && src[i + run] == b) ++run;
    if (run >= 3 || (run == 2 && lit_start == i)) {
      flush_literal(i);
      *out++ = static_cast<uint8_t>(257 - run);
      *out++ = b;
      i += run;
      lit_start = i;
    } else {
      i += run;
    }
  }
  flush_literal(n);
  return out;
}

}  // namespace

Status DecodeRle(const uint8_t* data, size_t size, const NativeLayout& l, std::vector<uint8_t>* out) {
  Status st = CheckLayout(l);
  if (!st.ok()) return st;
  if (size < kHeaderSize) return Status::Error(CodecError::kTruncated, "RLE header truncated");
  const size_t bytes = static_cast<size_t>(l.bits_allocated / 8);
  const uint32_t segments = Le32(data);
  if (segments != l.samples * bytes) {
    return Status::Error(CodecError::kBadSegments, "RLE segment count does not match samples x bytes allocated");
  }
  uint32_t offsets[15];
  for (uint32_t s = 0; s < segments; ++s) {
    offsets[s] = Le32(data + 4 + 4 * s);
    if (offsets[s] < kHeaderSize || offsets[s] >= size) {
      return Status::Error(CodecError::kBadSegments, "RLE segment offset outside the frame");
    }
  }
  const size_t px = static_cast<size_t>(l.rows) * l.columns;
  out->resize(l.FrameBytes());
  for (uint32_t s = 0; s < segments; ++s) {
    // The next offset ends a segment only when it lies after it; otherwise the frame's end does.
    const size_t end = s + 1 < segments && offsets[s + 1] > offsets[s] ? offsets[s + 1] : size;
    const size_t sample = s / bytes, byte_in_sample = bytes - 1 - s % bytes;  // MSB segment first (§G.2)
    uint8_t* dst;
    size_t step;
    if (l.planar_configuration == 0) {
      dst = out->data() + sample * bytes + byte_in_sample;
      step = l.samples * bytes;
    } else {
      dst = out->data() + sample * px * bytes + byte_in_sample;
      step = bytes;
    }
    if (!UnpackSegment(data + offsets[s], data + end, dst, px, step)) {
      return Status::Error(CodecError::kTruncated, "RLE segment ends before the image is complete");
    }
  }
  return Status::Ok();
}

Status EncodeRle(const uint8_t* pixels, size_t size, const NativeLayout& l, std::vector<uint8_t>* out) {
  Status st = CheckLayout(l);
  if (!st.ok()) return st;
  if (size < l.FrameBytes()) return Status::Error(CodecError::kBadDimensions, "pixel data shorter than the frame");
  const size_t bytes = static_cast<size_t>(l.bits_allocated / 8);
  const size_t segments = l.samples * bytes, px = static_cast<size_t>(l.rows) * l.columns;
  const size_t row_max = l.columns + (l.columns + 127) / 128;
  out->assign(kHeaderSize + segments * (row_max * l.rows + 1), 0);
  uint8_t* o = out->data() + kHeaderSize;
  std::vector<uint8_t> row(l.columns);
  uint32_t header[16] = {static_cast<uint32_t>(segments)};
  for (size_t s = 0; s < segments; ++s) {
    header[1 + s] = static_cast<uint32_t>(o - out->data());
    const size_t sample = s / bytes, byte_in_sample = bytes - 1 - s % bytes;
    const size_t step = l.planar_configuration == 0 ? l.samples * bytes : bytes;
    const uint8_t* base = pixels + byte_in_sample +
                          (l.planar_configuration == 0 ? sample * bytes : sample * px * bytes);
    for (int y = 0; y < l.rows; ++y) {
      const uint8_t* src = base + static_cast<size_t>(y) * l.columns * step;
      if (step == 1) {
        o = PackRow(src, l.columns, o);
      } else {
        for (int x = 0; x < l.columns; ++x) row[x] = src[static_cast<size_t>(x) * step];
        o = PackRow(row.data(), row.size(), o);
      }
    }
    if ((o - out->data()) & 1) *o++ = 0;  // even segment length (§G.5)
  }
  out->resize(static_cast<size_t>(o - out->data()));
  if (out->size() > 0xFFFFFFFFu) return Status::Error(CodecError::kBadDimensions, "RLE frame above 4 GiB");
  for (int i = 0; i < 16; ++i) {
    for (int b = 0; b < 4; ++b) (*out)[4 * i + b] = static_cast<uint8_t>(header[i] >> (8 * b));
  }
  return Status::Ok();
}

}  // namespace gw

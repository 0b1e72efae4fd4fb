// Codec layer: RLE Lossless (PS3.5 Annex G) via byte planes. No napi.h; reads bounds-checked.
#include "codecs/rle.h"

#include <algorithm>
#include <cstring>
#include <memory>

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

// PackBits decoder of one segment (§G.3.2) that can stop after any byte and resume, so several
// segments are decoded side by side in cache-sized blocks. Input is never read past `end`.
struct SegmentCursor {
  const uint8_t* src;
  const uint8_t* end;
  size_t left = 0;     // bytes still to produce from the current literal or run
  bool run = false;
  uint8_t value = 0;
};

// Bytes a destination may be written past the requested count (fixed-size stores for short runs).
constexpr size_t kSlackBytes = 32;

// Produces `count` bytes into dst. Returns false when the segment ends first. kSlack: dst has
// kSlackBytes writable bytes past `count` (their content is then undefined).
template <bool kSlack>
bool Pull(SegmentCursor* c, uint8_t* dst, size_t count) {
  size_t n = 0;
  while (n < count) {
    if (c->left == 0) {
      if (c->src >= c->end) return false;
      const int8_t h = static_cast<int8_t>(*c->src++);
      if (h == -128) continue;  // no operation
      if (h >= 0) {
        c->left = static_cast<size_t>(h) + 1;
        if (static_cast<size_t>(c->end - c->src) < c->left) return false;
        c->run = false;
      } else {
        if (c->src >= c->end) return false;
        c->left = static_cast<size_t>(1 - h);
        c->value = *c->src++;
        c->run = true;
      }
    }
    const size_t take = std::min(c->left, count - n);
    if (c->run) {
      if (kSlack && take <= kSlackBytes) {
        std::memset(dst + n, c->value, kSlackBytes);
      } else {
        std::memset(dst + n, c->value, take);
      }
    } else {
      if (kSlack && take <= 16 && c->end - c->src >= 16) {
        std::memcpy(dst + n, c->src, 16);
      } else {
        std::memcpy(dst + n, c->src, take);
      }
      c->src += take;
    }
    c->left -= take;
    n += take;
  }
  return true;
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;

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
    if (i + 9 <= n) {
      // Jump to the first k with src[i+k] == src[i+k+1] (bytes in between join the literal);
      // exact zero-byte flags of the XOR of the row with itself shifted by one (little-endian).
      const uint64_t x = Load64(src + i) ^ Load64(src + i + 1);
      const uint64_t zero = ~(((x & kLow7) + kLow7) | x | kLow7);
      if (zero == 0) {
        i += 8;
        continue;
      }
      i += static_cast<size_t>(__builtin_ctzll(zero)) >> 3;
    }
    const uint8_t b = src[i];
    size_t run = 1;
    while (i + run + 8 <= n && run < 128) {
      const uint64_t d = Load64(src + i + run) ^ (0x0101010101010101ull * b);
      if (d) {
        run += static_cast<size_t>(__builtin_ctzll(d)) >> 3;
        break;
      }
      run += 8;
    }
    while (i + run < n && run < 128 && src[i + run] == b) ++run;
    if (run > 128) run = 128;
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

// Byte planes (MSB first, `bytes` per sample, `stride` apart) → little-endian samples, `step` apart.
void CombinePlanes(const uint8_t* planes, size_t stride, size_t px, size_t bytes, uint8_t* dst, size_t step) {
  if (bytes == 2 && step == 1) {
    const uint8_t* hi = planes;
    const uint8_t* lo = planes + stride;
    for (size_t i = 0; i < px; ++i) {
      dst[2 * i] = lo[i];
      dst[2 * i + 1] = hi[i];
    }
    return;
  }
  for (size_t k = 0; k < bytes; ++k) {
    const uint8_t* plane = planes + k * stride;
    uint8_t* d = dst + (bytes - 1 - k);
    const size_t out_stride = step * bytes;
    for (size_t i = 0; i < px; ++i) d[i * out_stride] = plane[i];
  }
}

// Samples `step` apart → byte planes, MSB plane first (the inverse of CombinePlanes).
void SplitPlanes(const uint8_t* src, size_t px, size_t bytes, size_t step, uint8_t* planes) {
  if (bytes == 2 && step == 1) {
    uint8_t* hi = planes;
    uint8_t* lo = planes + px;
    for (size_t i = 0; i < px; ++i) {
      lo[i] = src[2 * i];
      hi[i] = src[2 * i + 1];
    }
    return;
  }
  for (size_t k = 0; k < bytes; ++k) {
    uint8_t* plane = planes + k * px;
    const uint8_t* s = src + (bytes - 1 - k);
    const size_t stride = step * bytes;
    for (size_t i = 0; i < px; ++i) plane[i] = s[i * stride];
  }
}

// Byte-plane scratch space, kept per thread (libuv pool workers) so that frame after frame reuses
// warm memory instead of fresh pages; frames above kKeepScratch get a one-off allocation.
constexpr size_t kKeepScratch = size_t{32} << 20;
uint8_t* Scratch(size_t n, std::unique_ptr<uint8_t[]>* one_off) {
  thread_local std::unique_ptr<uint8_t[]> kept;
  thread_local size_t kept_size = 0;
  if (n > kKeepScratch) {
    one_off->reset(new uint8_t[n]);
    return one_off->get();
  }
  if (kept_size < n) {
    kept.reset(new uint8_t[n]);
    kept_size = n;
  }
  return kept.get();
}

}  // namespace

Status DecodeRle(const uint8_t* data, size_t size, const NativeLayout& l, uint8_t* out, size_t out_size) {
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
  if (out_size < l.FrameBytes()) return Status::Error(CodecError::kBadArgument, "output smaller than the frame");
  SegmentCursor cursors[15];
  for (uint32_t s = 0; s < segments; ++s) {
    // The next offset ends a segment only when it lies after it; otherwise the frame's end does.
    const size_t end = s + 1 < segments && offsets[s + 1] > offsets[s] ? offsets[s + 1] : size;
    cursors[s].src = data + offsets[s];
    cursors[s].end = data + end;
  }
  const Status truncated = Status::Error(CodecError::kTruncated, "RLE segment ends before the image is complete");
  if (segments == 1) return Pull<false>(&cursors[0], out, px) ? Status::Ok() : truncated;
  // Segments side by side, one cache-sized block of pixels at a time: the byte planes of a block
  // stay in L1 between decoding (memcpy/memset runs) and combining them into samples.
  constexpr size_t kBlock = 4096;
  constexpr size_t kStride = kBlock + kSlackBytes;
  uint8_t scratch[15 * kStride];
  for (size_t first = 0; first < px; first += kBlock) {
    const size_t count = std::min(kBlock, px - first);
    for (uint32_t s = 0; s < segments; ++s) {
      if (!Pull<true>(&cursors[s], scratch + s * kStride, count)) return truncated;
    }
    for (int sample = 0; sample < l.samples; ++sample) {
      const uint8_t* planes = scratch + static_cast<size_t>(sample) * bytes * kStride;
      if (l.planar_configuration == 0) {
        CombinePlanes(planes, kStride, count, bytes, out + (first * l.samples + sample) * bytes, l.samples);
      } else {
        CombinePlanes(planes, kStride, count, bytes, out + (sample * px + first) * bytes, 1);
      }
    }
  }
  return Status::Ok();
}

Status EncodeRle(const uint8_t* pixels, size_t size, const NativeLayout& l, ByteBuffer* out) {
  Status st = CheckLayout(l);
  if (!st.ok()) return st;
  if (size < l.FrameBytes()) return Status::Error(CodecError::kBadDimensions, "pixel data shorter than the frame");
  const size_t bytes = static_cast<size_t>(l.bits_allocated / 8);
  const size_t segments = l.samples * bytes, px = static_cast<size_t>(l.rows) * l.columns;
  const size_t row_max = l.columns + (l.columns + 127) / 128;
  out->Allocate(kHeaderSize + segments * (row_max * l.rows + 1));
  uint8_t* o = out->data() + kHeaderSize;
  // Byte planes of the whole frame, MSB first per sample (PS3.5 §G.2), unless it is one plane already.
  std::unique_ptr<uint8_t[]> one_off;
  uint8_t* planes = segments == 1 ? nullptr : Scratch(segments * px, &one_off);
  for (int sample = 0; segments > 1 && sample < l.samples; ++sample) {
    uint8_t* dst = planes + static_cast<size_t>(sample) * bytes * px;
    if (l.planar_configuration == 0) {
      SplitPlanes(pixels + sample * bytes, px, bytes, l.samples, dst);
    } else {
      SplitPlanes(pixels + sample * px * bytes, px, bytes, 1, dst);
    }
  }
  uint32_t header[16] = {static_cast<uint32_t>(segments)};
  for (size_t s = 0; s < segments; ++s) {
    header[1 + s] = static_cast<uint32_t>(o - out->data());
    const uint8_t* plane = segments == 1 ? pixels : planes + s * px;
    for (int y = 0; y < l.rows; ++y) o = PackRow(plane + static_cast<size_t>(y) * l.columns, l.columns, o);
    if ((o - out->data()) & 1) *o++ = 0;  // even segment length (§G.5)
  }
  out->set_size(static_cast<size_t>(o - out->data()));
  if (out->size() > 0xFFFFFFFFu) return Status::Error(CodecError::kBadDimensions, "RLE frame above 4 GiB");
  for (int i = 0; i < 16; ++i) {
    for (int b = 0; b < 4; ++b) out->data()[4 * i + b] = static_cast<uint8_t>(header[i] >> (8 * b));
  }
  return Status::Ok();
}

}  // namespace gw

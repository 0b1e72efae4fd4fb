#include "codecs/jpeg_lossless_encoder.h"

#include <array>

#include "codecs/jpeg_bit_writer.h"
#include "codecs/jpeg_huffman.h"

namespace gw {
namespace {

inline int BitLength(uint32_t v) { return v == 0 ? 0 : 32 - __builtin_clz(v); }

inline uint32_t SampleAt(const uint8_t* px, int ba, size_t i) {
  return ba == 8 ? px[i] : static_cast<uint32_t>(px[2 * i] | (px[2 * i + 1] << 8));
}

// Component planes of P-bit unsigned values (masked), in row order.
std::vector<std::vector<uint16_t>> Planes(const uint8_t* px, const NativeLayout& l, int precision) {
  const size_t n = static_cast<size_t>(l.rows) * l.columns;
  const uint32_t mask = (1u << precision) - 1;
  std::vector<std::vector<uint16_t>> planes(l.samples, std::vector<uint16_t>(n));
  for (int c = 0; c < l.samples; ++c) {
    for (size_t i = 0; i < n; ++i) {
      const size_t idx = l.planar_configuration == 0 ? i * l.samples + c : c * n + i;
      planes[c][i] = static_cast<uint16_t>(SampleAt(px, l.bits_allocated, idx) & mask);
    }
  }
  return planes;
}

inline int32_t Predict(int psv, int32_t ra, int32_t rb, int32_t rc) {
  switch (psv) {  // T.81 Table H.1
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return ra + rb - rc;
    case 5: return ra + ((rb - rc) >> 1);
    case 6: return rb + ((ra - rc) >> 1);
    default: return (ra + rb) >> 1;
  }
}

// Difference category and extra bits (T.81 §H.1.2.2, Table H.2), packed as ssss << 16 | bits.
inline uint32_t Code(int32_t value, int32_t pred) {
  const uint32_t d16 = static_cast<uint32_t>(value - pred) & 0xFFFF;
  if (d16 == 0x8000) return 16u << 16;
  const int32_t d = static_cast<int16_t>(d16);
  const int ssss = BitLength(static_cast<uint32_t>(d < 0 ? -d : d));
  const uint32_t bits = static_cast<uint32_t>(d < 0 ? d + (1 << ssss) - 1 : d);
  return (static_cast<uint32_t>(ssss) << 16) | bits;
}

// Differences in scan order (row, column, component); the first row and column follow §H.1.2.1.
std::vector<uint32_t> Differences(const std::vector<std::vector<uint16_t>>& planes, const NativeLayout& l,
                                  int precision, int psv, std::array<std::array<uint64_t, 17>, 4>* counts) {
  const int n = l.samples, w = l.columns;
  std::vector<uint32_t> codes(static_cast<size_t>(l.rows) * w * n);
  size_t k = 0;
  for (int y = 0; y < l.rows; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int c = 0; c < n; ++c) {
        const uint16_t* row = planes[c].data() + static_cast<size_t>(y) * w;
        int32_t pred;
        if (y == 0) {
          pred = x == 0 ? (1 << (precision - 1)) : row[x - 1];
        } else if (x == 0) {
          pred = row[-w];
        } else {
          pred = Predict(psv, row[x - 1], row[x - w], row[x - w - 1]);
        }
        const uint32_t code = Code(row[x], pred);
        (*counts)[c][code >> 16]++;
        codes[k++] = code;
      }
    }
  }
  return codes;
}

void Marker(std::vector<uint8_t>* o, uint8_t m) {
  o->push_back(0xFF);
  o->push_back(m);
}
void U16(std::vector<uint8_t>* o, int v) {
  o->push_back(static_cast<uint8_t>(v >> 8));
  o->push_back(static_cast<uint8_t>(v));
}

void WriteHeaders(std::vector<uint8_t>* o, const NativeLayout& l, int precision, int psv,
                  const std::array<HuffmanSpec, 4>& specs) {
  const int n = l.samples;
  Marker(o, 0xD8);  // SOI
  Marker(o, 0xC3);  // SOF3, §B.2.2
  U16(o, 8 + 3 * n);
  o->push_back(static_cast<uint8_t>(precision));
  U16(o, l.rows);
  U16(o, l.columns);
  o->push_back(static_cast<uint8_t>(n));
  for (int c = 0; c < n; ++c) {
    o->push_back(static_cast<uint8_t>(c + 1));
    o->push_back(0x11);
    o->push_back(0);
  }
  int dht_len = 2;
  for (int c = 0; c < n; ++c) dht_len += 17 + specs[c].count;
  Marker(o, 0xC4);  // DHT, §B.2.4.2
  U16(o, dht_len);
  for (int c = 0; c < n; ++c) {
    o->push_back(static_cast<uint8_t>(c));
    for (int b = 1; b <= 16; ++b) o->push_back(specs[c].bits[b]);
    o->insert(o->end(), specs[c].values.begin(), specs[c].values.begin() + specs[c].count);
  }
  Marker(o, 0xDA);  // SOS, §B.2.3
  U16(o, 6 + 2 * n);
  o->push_back(static_cast<uint8_t>(n));
  for (int c = 0; c < n; ++c) {
    o->push_back(static_cast<uint8_t>(c + 1));
    o->push_back(static_cast<uint8_t>(c << 4));
  }
  o->push_back(static_cast<uint8_t>(psv));
  o->push_back(0);
  o->push_back(0);  // Ah = 0, Al = Pt = 0
}

}  // namespace

int ChooseJpegPrecision(const uint8_t* px, const NativeLayout& l) {
  const size_t n = static_cast<size_t>(l.rows) * l.columns * l.samples;
  const int p = l.bits_stored < 2 ? 2 : (l.bits_stored > l.bits_allocated ? l.bits_allocated : l.bits_stored);
  uint32_t all = 0;
  for (size_t i = 0; i < n; ++i) all |= SampleAt(px, l.bits_allocated, i);
  return BitLength(all) > p ? BitLength(all) : p;
}

Status EncodeJpegLossless(const uint8_t* px, size_t size, const NativeLayout& l, int psv, std::vector<uint8_t>* out) {
  if (l.bits_allocated != 8 && l.bits_allocated != 16) {
    return Status::Error(CodecError::kBadArgument, "JPEG lossless needs BitsAllocated 8 or 16");
  }
  if (l.rows < 1 || l.columns < 1 || l.rows > 65535 || l.columns > 65535 || l.samples < 1 || l.samples > 4) {
    return Status::Error(CodecError::kBadArgument, "rows, columns or samples out of range");
  }
  if (psv < 1 || psv > 7) return Status::Error(CodecError::kBadArgument, "predictor outside 1..7");
  if (size < l.FrameBytes()) return Status::Error(CodecError::kBadDimensions, "pixel data shorter than the frame");
  const int precision = ChooseJpegPrecision(px, l);
  const auto planes = Planes(px, l, precision);
  std::array<std::array<uint64_t, 17>, 4> counts{};
  const std::vector<uint32_t> codes = Differences(planes, l, precision, psv, &counts);
  std::array<HuffmanSpec, 4> specs;
  std::array<HuffmanEncoder, 4> enc;
  for (int c = 0; c < l.samples; ++c) BuildOptimalHuffman(counts[c], &specs[c], &enc[c]);
  out->clear();
  out->reserve(l.FrameBytes() / 2 + 1024);
  WriteHeaders(out, l, precision, psv, specs);
  JpegBitWriter bw(out);
  const int n = l.samples;
  for (size_t i = 0; i < codes.size(); ++i) {
    const HuffmanEncoder& e = enc[n == 1 ? 0 : i % n];
    const uint32_t ssss = codes[i] >> 16;
    const int extra = ssss == 16 ? 0 : static_cast<int>(ssss);
    bw.Put((static_cast<uint32_t>(e.code[ssss]) << extra) | (codes[i] & 0xFFFF), e.length[ssss] + extra);
  }
  bw.Flush();
  Marker(out, 0xD9);  // EOI
  return Status::Ok();
}

}  // namespace gw

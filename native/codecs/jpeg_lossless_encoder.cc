// Codec layer: JPEG lossless encoder (T.81 process 14): differences, optimal tables, entropy coding.
// No napi.h; output is sized from the symbol counts before writing.
#include "codecs/jpeg_lossless_encoder.h"

#include <array>
#include <cstring>

#include "codecs/jpeg_bit_writer.h"
#include "codecs/jpeg_huffman.h"
#include "codecs/jpeg_predictor.h"

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

// Difference category and extra bits (T.81 §H.1.2.2, Table H.2), packed as ssss << 16 | bits.
inline uint32_t Code(int32_t value, int32_t pred) {
  const int32_t d = static_cast<int16_t>(static_cast<uint16_t>(value - pred));  // modulo 2^16
  if (d == -32768) return 16u << 16;                                              // SSSS 16, no bits
  const uint32_t a = static_cast<uint32_t>(d < 0 ? -d : d);
  const uint32_t ssss = a ? 32 - __builtin_clz(a) : 0;
  const uint32_t bits = static_cast<uint32_t>(d < 0 ? d - 1 : d) & ((1u << ssss) - 1);
  return (ssss << 16) | bits;
}

// One row of one component; codes[x * n] receives column x. First column uses Rb (§H.1.2.1).
template <int PSV>
void DiffRow(const uint16_t* row, const uint16_t* prev, int w, size_t n, uint32_t* codes, uint64_t* counts) {
  uint32_t code = Code(row[0], prev[0]);
  counts[code >> 16]++;
  codes[0] = code;
  for (int x = 1; x < w; ++x) {
    code = Code(row[x], Predict<PSV>(row[x - 1], prev[x], prev[x - 1]));
    counts[code >> 16]++;
    codes[x * n] = code;
  }
}

using DiffRowFn = void (*)(const uint16_t*, const uint16_t*, int, size_t, uint32_t*, uint64_t*);

DiffRowFn SelectDiffRow(int psv) {
  static const DiffRowFn kFns[7] = {DiffRow<1>, DiffRow<2>, DiffRow<3>, DiffRow<4>, DiffRow<5>, DiffRow<6>, DiffRow<7>};
  return kFns[psv - 1];
}

// Differences in scan order (row, column, component); the first row uses 2^(P-1) then Ra (§H.1.2.1).
std::vector<uint32_t> Differences(const std::vector<std::vector<uint16_t>>& planes, const NativeLayout& l,
                                  int precision, int psv, std::array<std::array<uint64_t, 17>, 4>* counts) {
  const size_t n = static_cast<size_t>(l.samples);
  const int w = l.columns;
  std::vector<uint32_t> codes(static_cast<size_t>(l.rows) * w * n);
  const DiffRowFn row_fn = SelectDiffRow(psv);
  for (size_t c = 0; c < n; ++c) {
    const uint16_t* plane = planes[c].data();
    uint64_t* cnt = (*counts)[c].data();
    for (int x = 0; x < w; ++x) {
      const uint32_t code = Code(plane[x], x == 0 ? (1 << (precision - 1)) : plane[x - 1]);
      cnt[code >> 16]++;
      codes[x * n + c] = code;
    }
    for (int y = 1; y < l.rows; ++y) {
      const uint16_t* row = plane + static_cast<size_t>(y) * w;
      row_fn(row, row - w, w, n, codes.data() + static_cast<size_t>(y) * w * n + c, cnt);
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

Status EncodeJpegLossless(const uint8_t* px, size_t size, const NativeLayout& l, int psv, ByteBuffer* out) {
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
  // Exact entropy-coded size from the counts, doubled for the worst case of 0xFF stuffing.
  uint64_t total_bits = 0;
  for (int c = 0; c < l.samples; ++c) {
    for (int sym = 0; sym <= 16; ++sym) total_bits += counts[c][sym] * (enc[c].length[sym] + (sym == 16 ? 0 : sym));
  }
  std::vector<uint8_t> headers;
  WriteHeaders(&headers, l, precision, psv, specs);
  out->Allocate(headers.size() + 2 * (total_bits / 8 + 8) + 2);
  std::memcpy(out->data(), headers.data(), headers.size());
  JpegBitWriter bw(out->data() + headers.size());
  const size_t n = static_cast<size_t>(l.samples);
  // Code + extra bits of every symbol, per component, so the loop is one lookup and one Put.
  std::array<std::array<uint32_t, 17>, 4> prefix{};
  std::array<std::array<uint8_t, 17>, 4> plen{};
  for (size_t c = 0; c < n; ++c) {
    for (int sym = 0; sym <= 16; ++sym) {
      const int extra = sym == 16 ? 0 : sym;
      prefix[c][sym] = static_cast<uint32_t>(enc[c].code[sym]) << extra;
      plen[c][sym] = static_cast<uint8_t>(enc[c].length[sym] + extra);
    }
  }
  if (n == 1) {
    for (const uint32_t code : codes) bw.Put(prefix[0][code >> 16] | (code & 0xFFFF), plen[0][code >> 16]);
  } else {
    for (size_t i = 0; i < codes.size(); i += n) {
      for (size_t c = 0; c < n; ++c) {
        const uint32_t code = codes[i + c];
        bw.Put(prefix[c][code >> 16] | (code & 0xFFFF), plen[c][code >> 16]);
      }
    }
  }
  bw.Flush();
  uint8_t* end = bw.pos();
  *end++ = 0xFF;  // EOI
  *end++ = 0xD9;
  out->set_size(static_cast<size_t>(end - out->data()));
  return Status::Ok();
}

}  // namespace gw

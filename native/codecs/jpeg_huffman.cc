// Codec layer: Huffman table construction for lossless JPEG (T.81 Annex C, F.2.2.3, K.2). No napi.h.
#include "codecs/jpeg_huffman.h"

#include <algorithm>
#include <vector>

namespace gw {

Status HuffmanDecoder::Build(const HuffmanSpec& spec) {
  // T.81 §C.2 (Figures C.1, C.2): sizes and codes in canonical order. A code may be all ones:
  // encoders are told not to write one (§K.2), but some do, and decoding it is unambiguous.
  int total = 0;
  for (int l = 1; l <= 16; ++l) total += spec.bits[l];
  if (total > 256 || total != spec.count) return Status::Error(CodecError::kBadHuffman, "huffman table count");
  values_ = spec.values;
  fast_.fill(Entry{0, 0, kSlow});
  uint32_t code = 0;
  int k = 0;
  for (int l = 1; l <= 16; ++l) {
    const int n = spec.bits[l];
    if (n == 0) {
      maxcode_[l] = -1;
      code <<= 1;
      continue;
    }
    valptr_[l] = k;
    mincode_[l] = static_cast<int32_t>(code);
    for (int i = 0; i < n; ++i, ++k, ++code) {
      if (code >= (1u << l)) return Status::Error(CodecError::kBadHuffman, "huffman table over-full");
      const uint8_t sym = spec.values[k];
      if (sym > 16) return Status::Error(CodecError::kBadHuffman, "huffman symbol above 16 in a lossless table");
      if (l <= kLookahead) FillFast(code, l, sym);
    }
    maxcode_[l] = static_cast<int32_t>(code - 1);
    code <<= 1;
  }
  maxcode_[17] = 0x7FFFFFFF;  // sentinel: SlowSymbol stops at 16
  defined_ = true;
  return Status::Ok();
}

void HuffmanDecoder::FillFast(uint32_t code, int len, uint8_t sym) {
  const int free_bits = kLookahead - len;
  const uint32_t base = code << free_bits;
  for (uint32_t r = 0; r < (1u << free_bits); ++r) {
    Entry e;
    if (sym == 0) {
      e = Entry{0, static_cast<uint8_t>(len), kFull};
    } else if (sym == 16) {
      e = Entry{32768, static_cast<uint8_t>(len), kFull};
    } else if (len + sym <= kLookahead) {
      const int32_t v = static_cast<int32_t>((r >> (free_bits - sym)) & ((1u << sym) - 1));
      const int32_t d = v < (1 << (sym - 1)) ? v - (1 << sym) + 1 : v;
      e = Entry{d, static_cast<uint8_t>(len + sym), kFull};
    } else {
      e = Entry{sym, static_cast<uint8_t>(len), kCode};
    }
    fast_[base | r] = e;
  }
}

int HuffmanDecoder::SlowSymbol(uint32_t word, int* len) const {
  // T.81 §F.2.2.3 DECODE (Figure F.16).
  for (int l = kLookahead + 1; l <= 16; ++l) {
    const int32_t c = static_cast<int32_t>(word >> (16 - l));
    if (maxcode_[l] >= 0 && c <= maxcode_[l] && c >= mincode_[l]) {
      *len = l;
      return values_[valptr_[l] + c - mincode_[l]];
    }
  }
  return -1;
}

void BuildOptimalHuffman(const std::array<uint64_t, 17>& counts, HuffmanSpec* spec, HuffmanEncoder* enc) {
  // T.81 §K.2, Figures K.1-K.4, with a reserved symbol 17 (count 1) so no code is all ones.
  constexpr int kSyms = 18;
  std::array<uint64_t, kSyms> freq{};
  for (int i = 0; i <= 16; ++i) freq[i] = counts[i];
  freq[17] = 1;
  std::array<int, kSyms> codesize{};
  std::array<int, kSyms> others;
  others.fill(-1);
  for (;;) {
    int v1 = -1, v2 = -1;
    for (int i = 0; i < kSyms; ++i) {  // v1: least nonzero freq (largest index on ties), v2: next
      if (freq[i] == 0) continue;
      if (v1 < 0 || freq[i] <= freq[v1]) v1 = i;
    }
    for (int i = 0; i < kSyms; ++i) {
      if (freq[i] == 0 || i == v1) continue;
      if (v2 < 0 || freq[i] <= freq[v2]) v2 = i;
    }
    if (v2 < 0) break;
    freq[v1] += freq[v2];
    freq[v2] = 0;
    ++codesize[v1];
    while (others[v1] >= 0) {
      v1 = others[v1];
      ++codesize[v1];
    }
    others[v1] = v2;
    ++codesize[v2];
    while (others[v2] >= 0) {
      v2 = others[v2];
      ++codesize[v2];
    }
  }
  std::array<int, 40> bits{};
  for (int i = 0; i < kSyms; ++i) {
    if (codesize[i]) bits[codesize[i]]++;
  }
  for (int i = 39; i > 16; --i) {  // Figure K.3: limit code lengths to 16
    while (bits[i] > 0) {
      int j = i - 2;
      while (bits[j] == 0) --j;
      bits[i] -= 2;
      bits[i - 1] += 1;
      bits[j + 1] += 2;
      bits[j] -= 1;
    }
  }
  int longest = 16;
  while (longest > 0 && bits[longest] == 0) --longest;
  bits[longest] -= 1;  // drop the reserved symbol's code (the all-ones code)
  // Figure K.4: symbols sorted by code size (stable by symbol value).
  *spec = HuffmanSpec();
  int k = 0;
  for (int size = 1; size <= 32; ++size) {
    for (int s = 0; s <= 16; ++s) {
      if (codesize[s] == size) spec->values[k++] = static_cast<uint8_t>(s);
    }
  }
  spec->count = k;
  for (int l = 1; l <= 16; ++l) spec->bits[l] = static_cast<uint8_t>(bits[l]);
  // Canonical codes (§C.2) for the encoder.
  *enc = HuffmanEncoder();
  uint32_t code = 0;
  int idx = 0;
  for (int l = 1; l <= 16; ++l) {
    for (int i = 0; i < spec->bits[l]; ++i, ++idx) {
      enc->code[spec->values[idx]] = static_cast<uint16_t>(code++);
      enc->length[spec->values[idx]] = static_cast<uint8_t>(l);
    }
    code <<= 1;
  }
}

}  // namespace gw

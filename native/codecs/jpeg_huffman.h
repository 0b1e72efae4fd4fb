// Codec layer: Huffman tables for lossless JPEG (T.81 Annex C, §F.2.2.3, Annex K.2).
// Decode tables with an 11-bit lookahead that also resolves short difference values; encoder tables
// from symbol counts with code lengths limited to 16. Plain C++: no napi.h, no allocation in decode.
#ifndef NATIVE_CODECS_JPEG_HUFFMAN_H_
#define NATIVE_CODECS_JPEG_HUFFMAN_H_

#include <array>
#include <cstdint>

#include "codecs/codec_error.h"
#include "codecs/jpeg_bit_reader.h"

namespace gw {

// A DHT table as written in the stream: BITS (counts per code length 1..16) and HUFFVAL.
struct HuffmanSpec {
  std::array<uint8_t, 17> bits{};  // bits[1..16]
  std::array<uint8_t, 256> values{};
  int count = 0;
};

class HuffmanDecoder {
 public:
  static constexpr int kLookahead = 11;

  // T.81 §C.2 code generation + §F.2.2.3 decoder tables. Rejects over-full tables.
  Status Build(const HuffmanSpec& spec);
  bool defined() const { return defined_; }

  // Decodes one lossless difference (T.81 §H.1.2.2, Table H.2): Huffman-coded SSSS, then SSSS
  // extra bits, SSSS = 16 meaning +32768 without extra bits. Returns false on a code not in the table.
  inline bool DecodeDiff(JpegBitReader* br, int32_t* diff) const {
    br->Ensure32();
    const Entry e = fast_[br->Peek(kLookahead)];
    if (e.kind == kFull) {
      br->Skip(e.nbits);
      *diff = e.diff;
      return true;
    }
    int ssss;
    if (e.kind == kCode) {
      br->Skip(e.nbits);
      ssss = e.diff;
    } else {
      int len;
      ssss = SlowSymbol(br->Peek(16), &len);
      if (ssss < 0) return false;
      br->Skip(len);
    }
    if (ssss == 0) {
      *diff = 0;
    } else if (ssss == 16) {
      *diff = 32768;
    } else {
      const int32_t v = static_cast<int32_t>(br->Get(ssss));
      *diff = v < (1 << (ssss - 1)) ? v - (1 << ssss) + 1 : v;  // T.81 §F.2.2.1 EXTEND
    }
    return true;
  }

 private:
  enum Kind : uint8_t { kSlow = 0, kCode = 1, kFull = 2 };
  struct Entry {
    int32_t diff;   // kFull: the difference; kCode: SSSS
    uint8_t nbits;  // bits to skip
    Kind kind;
  };
  // Codes longer than the lookahead; `word` holds the next 16 bits. Returns -1 if none matches.
  int SlowSymbol(uint32_t word, int* len) const;
  void FillFast(uint32_t code, int len, uint8_t sym);

  std::array<Entry, 1 << kLookahead> fast_{};
  std::array<int32_t, 18> maxcode_{};
  std::array<int32_t, 17> valptr_{};
  std::array<int32_t, 17> mincode_{};
  std::array<uint8_t, 256> values_{};
  bool defined_ = false;
};

// Encoder side: code and length per SSSS symbol 0..16.
struct HuffmanEncoder {
  std::array<uint16_t, 17> code{};
  std::array<uint8_t, 17> length{};
};

// T.81 Annex K.2: optimal code lengths from counts, limited to 16 bits, never an all-ones code.
// Fills spec (for DHT) and enc (for the entropy coder). counts[0..16].
void BuildOptimalHuffman(const std::array<uint64_t, 17>& counts, HuffmanSpec* spec, HuffmanEncoder* enc);

}  // namespace gw

#endif  // NATIVE_CODECS_JPEG_HUFFMAN_H_

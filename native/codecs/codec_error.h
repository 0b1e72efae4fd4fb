// Codec layer: error codes shared by the plain C++ codecs (no napi.h, no logging, no policy).
// Each failure carries one stable code (mapped to GW_ERR_CODEC_* in src/codecs/) and a short message.
#ifndef NATIVE_CODECS_CODEC_ERROR_H_
#define NATIVE_CODECS_CODEC_ERROR_H_

#include <string>
#include <utility>

namespace gw {

enum class CodecError {
  kOk = 0,
  kTruncated,       // input ends before the expected samples were decoded
  kBadMarker,       // JPEG marker missing, unknown where a frame/scan marker is required, or misplaced
  kBadHuffman,      // Huffman table invalid, code not in the table, or symbol out of range
  kUnsupported,     // valid JPEG but a process/feature outside process 14 (DCT, arithmetic, DNL ...)
  kBadDimensions,   // frame header does not match the DICOM attributes, or sizes overflow
  kBadSegments,     // RLE header: segment count or offsets inconsistent with the image
  kBadArgument,     // parameters handed in by the caller are out of range
};

// Stable, machine-readable names: TS turns them into GW_ERR_CODEC_<name>.
inline const char* CodecErrorName(CodecError e) {
  switch (e) {
    case CodecError::kOk: return "OK";
    case CodecError::kTruncated: return "TRUNCATED";
    case CodecError::kBadMarker: return "MARKER";
    case CodecError::kBadHuffman: return "HUFFMAN";
    case CodecError::kUnsupported: return "UNSUPPORTED";
    case CodecError::kBadDimensions: return "DIMENSIONS";
    case CodecError::kBadSegments: return "SEGMENTS";
    case CodecError::kBadArgument: return "ARGUMENT";
  }
  return "UNKNOWN";
}

struct Status {
  CodecError code = CodecError::kOk;
  std::string message;
  bool ok() const { return code == CodecError::kOk; }
  static Status Ok() { return Status(); }
  static Status Error(CodecError c, std::string m) {
    Status s;
    s.code = c;
    s.message = std::move(m);
    return s;
  }
};

}  // namespace gw

#endif  // NATIVE_CODECS_CODEC_ERROR_H_

// Marker parsing (T.81 Annex B) for process 14, plane allocation, and the DICOM native output.
#include "codecs/jpeg_lossless_decoder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "codecs/jpeg_huffman.h"
#include "codecs/jpeg_lossless_scan.h"

namespace gw {
namespace {

// Caps the planes a corrupt header could ask for when the caller gave no expected layout (512 MiB).
constexpr uint64_t kMaxSamples = 1ull << 28;

Status Err(CodecError c, const char* m) { return Status::Error(c, m); }

inline int U16(const uint8_t* p) { return (p[0] << 8) | p[1]; }

class Parser {
 public:
  Parser(const uint8_t* data, size_t size, const JpegDecodeOptions& opts, JpegLosslessImage* img)
      : p_(data), end_(data + size), opts_(opts), img_(img) {}

  Status Run();

 private:
  Status Segment(const uint8_t** body, int* len);
  Status Sof(const uint8_t* b, int len);
  Status Dht(const uint8_t* b, int len);
  Status Dri(const uint8_t* b, int len);
  Status Sos(const uint8_t* b, int len);
  Status CheckExpected() const;
  void AllocPlane(JpegComponent* c, bool interleaved);

  const uint8_t* p_;
  const uint8_t* end_;
  const JpegDecodeOptions& opts_;
  JpegLosslessImage* img_;
  std::array<HuffmanDecoder, 4> tables_;
  uint32_t restart_interval_ = 0;
  bool have_frame_ = false;
  std::array<bool, 4> done_{};
  int hmax_ = 1, vmax_ = 1;
};

// Reads a marker segment's length and body (B.1.1.4); p_ then points after it.
Status Parser::Segment(const uint8_t** body, int* len) {
  if (end_ - p_ < 2) return Err(CodecError::kTruncated, "marker segment truncated");
  const int l = U16(p_);
  if (l < 2) return Err(CodecError::kBadMarker, "marker segment length below 2");
  if (end_ - p_ < l) return Err(CodecError::kTruncated, "marker segment truncated");
  *body = p_ + 2;
  *len = l - 2;
  p_ += l;
  return Status::Ok();
}

Status Parser::Run() {
  if (end_ - p_ < 2 || p_[0] != 0xFF || p_[1] != 0xD8) return Err(CodecError::kBadMarker, "no SOI marker");
  p_ += 2;
  for (;;) {
    if (p_ >= end_) break;  // no EOI: accepted when every component was decoded
    if (*p_ != 0xFF) return Err(CodecError::kBadMarker, "marker expected");
    while (p_ < end_ && *p_ == 0xFF) ++p_;  // fill bytes (B.1.1.2)
    if (p_ >= end_) break;
    const uint8_t m = *p_++;
    if (m == 0xD9) break;  // EOI; anything after it (0x00 padding) is ignored
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // TEM, stray RSTm: no segment
    const uint8_t* b = nullptr;
    int len = 0;
    Status st = Segment(&b, &len);
    if (!st.ok()) return st;
    if (m == 0xC3) {
      st = Sof(b, len);
    } else if (m == 0xC4) {
      st = Dht(b, len);
    } else if (m == 0xDD) {
      st = Dri(b, len);
    } else if (m == 0xDA) {
      st = Sos(b, len);
    } else if ((m >= 0xC0 && m <= 0xCF) && m != 0xC8) {
      st = Err(CodecError::kUnsupported, "not a process 14 frame (SOF other than SOF3, or arithmetic coding)");
    } else if (m == 0xDC) {
      st = Err(CodecError::kUnsupported, "DNL marker not supported");
    } else if (m == 0xD8) {
      st = Err(CodecError::kBadMarker, "second SOI marker");
    }  // APPn, COM, DQT, EXP, JPGn: skipped
    if (!st.ok()) return st;
  }
  if (!have_frame_) return Err(CodecError::kBadMarker, "no SOF3 frame header");
  for (size_t c = 0; c < img_->components.size(); ++c) {
    if (!done_[c]) return Err(CodecError::kTruncated, "stream ends before every component was decoded");
  }
  return Status::Ok();
}

// T.81 §B.2.2 frame header.
Status Parser::Sof(const uint8_t* b, int len) {
  if (have_frame_) return Err(CodecError::kBadMarker, "second frame header");
  if (len < 6) return Err(CodecError::kBadMarker, "SOF3 too short");
  const int precision = b[0], y = U16(b + 1), x = U16(b + 3), nf = b[5];
  if (precision < 2 || precision > 16) return Err(CodecError::kBadDimensions, "precision outside 2..16");
  if (y == 0) return Err(CodecError::kUnsupported, "frame height 0 (DNL) not supported");
  if (x == 0) return Err(CodecError::kBadDimensions, "frame width 0");
  if (nf < 1 || nf > 4) return Err(CodecError::kUnsupported, "only 1 to 4 components are supported");
  if (len != 6 + 3 * nf) return Err(CodecError::kBadMarker, "SOF3 length does not match Nf");
  img_->precision = precision;
  img_->width = x;
  img_->height = y;
  img_->components.resize(nf);
  for (int i = 0; i < nf; ++i) {
    JpegComponent& c = img_->components[i];
    c.id = b[6 + 3 * i];
    c.h = b[7 + 3 * i] >> 4;
    c.v = b[7 + 3 * i] & 15;
    if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4) return Err(CodecError::kBadMarker, "sampling factor outside 1..4");
    for (int j = 0; j < i; ++j) {
      if (img_->components[j].id == c.id) return Err(CodecError::kBadMarker, "duplicate component id");
    }
    hmax_ = std::max(hmax_, c.h);
    vmax_ = std::max(vmax_, c.v);
  }
  uint64_t samples = 0;
  for (JpegComponent& c : img_->components) {
    c.width = (x * c.h + hmax_ - 1) / hmax_;  // §A.1.1
    c.height = (y * c.v + vmax_ - 1) / vmax_;
    samples += static_cast<uint64_t>(c.width + 4 * c.h) * (c.height + 4 * c.v);
  }
  if (!opts_.expect && samples > kMaxSamples) return Err(CodecError::kBadDimensions, "frame too large");
  have_frame_ = true;
  return CheckExpected();
}

Status Parser::CheckExpected() const {
  const NativeLayout* e = opts_.expect;
  if (!e) return Status::Ok();
  if (img_->width != e->columns || img_->height != e->rows) {
    return Err(CodecError::kBadDimensions, "frame size does not match Rows/Columns");
  }
  if (static_cast<int>(img_->components.size()) != e->samples) {
    return Err(CodecError::kBadDimensions, "component count does not match SamplesPerPixel");
  }
  if (hmax_ != 1 || vmax_ != 1) return Err(CodecError::kUnsupported, "subsampled components in a DICOM frame");
  if (img_->precision > e->bits_allocated) return Err(CodecError::kBadDimensions, "precision above BitsAllocated");
  return Status::Ok();
}

// T.81 §B.2.4.2 Huffman table specification; several tables per segment.
Status Parser::Dht(const uint8_t* b, int len) {
  int i = 0;
  while (i < len) {
    if (len - i < 17) return Err(CodecError::kBadHuffman, "DHT truncated");
    const int tc = b[i] >> 4, th = b[i] & 15;
    if (tc != 0) return Err(CodecError::kBadHuffman, "AC table in a lossless stream");
    if (th > 3) return Err(CodecError::kBadHuffman, "table id above 3");
    HuffmanSpec spec;
    int count = 0;
    for (int l = 1; l <= 16; ++l) {
      spec.bits[l] = b[i + l];
      count += spec.bits[l];
    }
    i += 17;
    if (count > 256 || len - i < count) return Err(CodecError::kBadHuffman, "DHT values truncated");
    std::memcpy(spec.values.data(), b + i, count);
    spec.count = count;
    i += count;
    Status st = tables_[th].Build(spec);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status Parser::Dri(const uint8_t* b, int len) {
  if (len != 2) return Err(CodecError::kBadMarker, "DRI length is not 4");
  restart_interval_ = static_cast<uint32_t>(U16(b));
  return Status::Ok();
}

void Parser::AllocPlane(JpegComponent* c, bool interleaved) {
  // Interleaved scans cover whole MCUs (§A.2.3): pad the plane so edge MCUs stay in bounds.
  const int mcus_x = (img_->width + hmax_ - 1) / hmax_, mcus_y = (img_->height + vmax_ - 1) / vmax_;
  c->stride = interleaved ? mcus_x * c->h : c->width;
  const int rows = interleaved ? mcus_y * c->v : c->height;
  c->plane_size = static_cast<size_t>(c->stride) * rows;
  if (opts_.direct_plane && img_->components.size() == 1 && !interleaved) {
    c->plane = opts_.direct_plane;
    return;
  }
  c->storage.resize(c->plane_size);
  c->plane = c->storage.data();
}

// T.81 §B.2.3 scan header; then the entropy-coded segment.
Status Parser::Sos(const uint8_t* b, int len) {
  if (!have_frame_) return Err(CodecError::kBadMarker, "SOS before SOF3");
  if (len < 1) return Err(CodecError::kBadMarker, "SOS too short");
  const int ns = b[0];
  if (ns < 1 || ns > 4 || len != 4 + 2 * ns) return Err(CodecError::kBadMarker, "SOS length does not match Ns");
  ScanSpec s;
  s.count = ns;
  for (int i = 0; i < ns; ++i) {
    const int id = b[1 + 2 * i], td = b[2 + 2 * i] >> 4;
    int found = -1;
    for (size_t c = 0; c < img_->components.size(); ++c) {
      if (img_->components[c].id == id) found = static_cast<int>(c);
    }
    if (found < 0 || done_[found]) return Err(CodecError::kBadMarker, "scan names an unknown or decoded component");
    if (td > 3 || !tables_[td].defined()) return Err(CodecError::kBadHuffman, "scan uses an undefined table");
    for (int j = 0; j < i; ++j) {
      if (s.comps[j] == &img_->components[found]) return Err(CodecError::kBadMarker, "component twice in a scan");
    }
    s.comps[i] = &img_->components[found];
    s.tables[i] = &tables_[td];
  }
  s.predictor = b[1 + 2 * ns];
  s.point_transform = b[3 + 2 * ns] & 15;
  if (s.predictor < 1 || s.predictor > 7) return Err(CodecError::kUnsupported, "selection value outside 1..7");
  if (s.point_transform >= img_->precision) return Err(CodecError::kBadMarker, "point transform >= precision");
  s.precision = img_->precision;
  s.hmax = hmax_;
  s.vmax = vmax_;
  s.frame_width = img_->width;
  s.frame_height = img_->height;
  s.restart_interval = restart_interval_;
  s.workaround = opts_.signed_predictor_workaround;
  for (int i = 0; i < ns; ++i) AllocPlane(s.comps[i], ns > 1);
  Status st = DecodeLosslessScan(s, &p_, end_);
  if (!st.ok()) return st;
  for (int i = 0; i < ns; ++i) {
    JpegComponent* c = s.comps[i];
    if (s.point_transform) {
      for (size_t i = 0; i < c->plane_size; ++i) c->plane[i] = static_cast<uint16_t>(c->plane[i] << s.point_transform);
    }
    done_[c - img_->components.data()] = true;
  }
  return Status::Ok();
}

template <typename T>
void WriteSamples(const JpegLosslessImage& img, const NativeLayout& l, uint8_t* out) {
  const int n = static_cast<int>(img.components.size());
  const size_t px = static_cast<size_t>(l.rows) * l.columns;
  T* o = reinterpret_cast<T*>(out);
  for (int c = 0; c < n; ++c) {
    const JpegComponent& comp = img.components[c];
    const size_t step = l.planar_configuration == 0 ? n : 1;
    T* dst = l.planar_configuration == 0 ? o + c : o + c * px;
    for (int y = 0; y < l.rows; ++y) {
      const uint16_t* src = comp.plane + static_cast<size_t>(y) * comp.stride;
      for (int x = 0; x < l.columns; ++x, dst += step) {
        *dst = static_cast<T>(src[x]);
      }
    }
  }
}

}  // namespace

Status DecodeJpegLossless(const uint8_t* data, size_t size, const JpegDecodeOptions& opts, JpegLosslessImage* out) {
  *out = JpegLosslessImage();
  Parser parser(data, size, opts, out);
  return parser.Run();
}

Status DecodeJpegLosslessFrame(const uint8_t* data, size_t size, const NativeLayout& layout,
                               const JpegDecodeOptions& opts, uint8_t* out, size_t out_size) {
  if (layout.bits_allocated != 8 && layout.bits_allocated != 16) {
    return Err(CodecError::kBadArgument, "JPEG lossless needs BitsAllocated 8 or 16");
  }
  if (layout.rows < 1 || layout.columns < 1 || layout.samples < 1 || layout.samples > 4) {
    return Err(CodecError::kBadArgument, "rows, columns or samples out of range");
  }
  if (out_size < layout.FrameBytes()) return Err(CodecError::kBadArgument, "output smaller than the frame");
  JpegDecodeOptions o = opts;
  o.expect = &layout;
  // Little-endian hosts only (x86-64, arm64): a uint16 plane is then the native 16-bit layout.
  const bool direct = layout.samples == 1 && layout.bits_allocated == 16 && (reinterpret_cast<uintptr_t>(out) & 1) == 0;
  o.direct_plane = direct ? reinterpret_cast<uint16_t*>(out) : nullptr;
  JpegLosslessImage img;
  Status st = DecodeJpegLossless(data, size, o, &img);
  if (!st.ok()) return st;
  if (direct && img.components[0].plane == o.direct_plane) return Status::Ok();
  if (layout.bits_allocated == 8) {
    WriteSamples<uint8_t>(img, layout, out);
  } else {
    WriteSamples<uint16_t>(img, layout, out);
  }
  return Status::Ok();
}

}  // namespace gw

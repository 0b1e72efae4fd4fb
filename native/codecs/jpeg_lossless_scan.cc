// Codec layer: one lossless scan, entropy decoding + prediction (T.81 Annex H). No napi.h, no
// marker parsing beyond RSTm; every input read goes through the bounds-checked JpegBitReader.
#include "codecs/jpeg_lossless_scan.h"

#include <string>

#include "codecs/jpeg_bit_reader.h"
#include "codecs/jpeg_predictor.h"

namespace gw {
namespace {

inline int32_t PredRuntime(int psv, bool wa, int32_t ra, int32_t rb, int32_t rc) {
  if (wa) {
    switch (psv) {
      case 4: return Predict<4, true>(ra, rb, rc);
      case 5: return Predict<5, true>(ra, rb, rc);
      case 6: return Predict<6, true>(ra, rb, rc);
      case 7: return Predict<7, true>(ra, rb, rc);
      default: break;
    }
  }
  switch (psv) {
    case 1: return ra;
    case 2: return rb;
    case 3: return rc;
    case 4: return Predict<4, false>(ra, rb, rc);
    case 5: return Predict<5, false>(ra, rb, rc);
    case 6: return Predict<6, false>(ra, rb, rc);
    default: return Predict<7, false>(ra, rb, rc);
  }
}

struct RowRef {
  uint16_t* cur;
  const uint16_t* prev;
  const HuffmanDecoder* table;
};

// First line of the scan or of a restart interval: 2^(P-Pt-1) then Ra (§H.1.2.1).
bool FirstRow(JpegBitReader* reader, RowRef* rows, int n, int width, int32_t init) {
  JpegBitReader local = *reader;  // a local copy lives in registers; written back below
  JpegBitReader* br = &local;
  for (int x = 0; x < width; ++x) {
    for (int c = 0; c < n; ++c) {
      int32_t d;
      if (!rows[c].table->DecodeDiff(br, &d)) return false;
      const int32_t pred = x == 0 ? init : rows[c].cur[x - 1];
      rows[c].cur[x] = static_cast<uint16_t>(pred + d);  // modulo 2^16 (§H.1.2.1)
    }
  }
  *reader = local;
  return true;
}

// Any later line, one component: Rb for the first column, the selected predictor after it.
template <int PSV, bool kWa>
bool RowSingle(JpegBitReader* reader, const RowRef& r, int width) {
  JpegBitReader br = *reader;  // locals stay in registers across the loop
  const HuffmanDecoder& table = *r.table;
  uint16_t* cur = r.cur;
  const uint16_t* prev = r.prev;
  int32_t d;
  if (!table.DecodeDiff(&br, &d)) return false;
  int32_t ra = static_cast<uint16_t>(prev[0] + d);
  cur[0] = static_cast<uint16_t>(ra);
  for (int x = 1; x < width; ++x) {
    if (!table.DecodeDiff(&br, &d)) return false;
    ra = static_cast<uint16_t>(Predict<PSV, kWa>(ra, prev[x], prev[x - 1]) + d);
    cur[x] = static_cast<uint16_t>(ra);
  }
  *reader = br;
  return true;
}

template <int PSV, bool kWa>
bool RowMulti(JpegBitReader* reader, RowRef* rows, int n, int width) {
  JpegBitReader local = *reader;
  JpegBitReader* br = &local;
  for (int x = 0; x < width; ++x) {
    for (int c = 0; c < n; ++c) {
      const RowRef& r = rows[c];
      int32_t d;
      if (!r.table->DecodeDiff(br, &d)) return false;
      const int32_t pred = x == 0 ? r.prev[0] : Predict<PSV, kWa>(r.cur[x - 1], r.prev[x], r.prev[x - 1]);
      r.cur[x] = static_cast<uint16_t>(pred + d);
    }
  }
  *reader = local;
  return true;
}

using RowFn = bool (*)(JpegBitReader*, RowRef*, int, int);

template <int PSV, bool kWa>
bool RowDispatch(JpegBitReader* br, RowRef* rows, int n, int width) {
  return n == 1 ? RowSingle<PSV, kWa>(br, rows[0], width) : RowMulti<PSV, kWa>(br, rows, n, width);
}

RowFn SelectRow(int psv, bool wa) {
  static const RowFn kPlain[7] = {RowDispatch<1, false>, RowDispatch<2, false>, RowDispatch<3, false>,
                                  RowDispatch<4, false>, RowDispatch<5, false>, RowDispatch<6, false>,
                                  RowDispatch<7, false>};
  static const RowFn kWa[7] = {RowDispatch<1, true>, RowDispatch<2, true>, RowDispatch<3, true>,
                               RowDispatch<4, true>, RowDispatch<5, true>, RowDispatch<6, true>,
                               RowDispatch<7, true>};
  return wa ? kWa[psv - 1] : kPlain[psv - 1];
}

// Expects RSTm with m == *next (mod 8) at the reader's position (§B.2.1, §E.2.4); fill 0xFFs allowed.
Status ReadRestart(JpegBitReader* br, const uint8_t* end, int* next) {
  if (br->Overrun()) return Status::Error(CodecError::kTruncated, "restart interval ends early");
  const uint8_t* p = br->pos();
  if (p >= end || *p != 0xFF) return Status::Error(CodecError::kBadMarker, "restart marker expected");
  while (p < end && *p == 0xFF) ++p;
  if (p >= end) return Status::Error(CodecError::kTruncated, "stream ends at a restart marker");
  if (*p != 0xD0 + *next) return Status::Error(CodecError::kBadMarker, "wrong or missing restart marker");
  *next = (*next + 1) & 7;
  br->Reset();
  br->set_pos(p + 1);
  return Status::Ok();
}

struct Geometry {
  int mcus_x, mcus_y;
  bool simple;  // one sample per component per MCU
};

Geometry ScanGeometry(const ScanSpec& s) {
  if (s.count == 1) return Geometry{s.comps[0]->width, s.comps[0]->height, true};
  Geometry g{(s.frame_width + s.hmax - 1) / s.hmax, (s.frame_height + s.vmax - 1) / s.vmax, true};
  for (int c = 0; c < s.count; ++c) g.simple = g.simple && s.comps[c]->h == 1 && s.comps[c]->v == 1;
  return g;
}

// One MCU row with sampling factors: each MCU holds H x V samples of each component (§A.2.3).
bool McuRowGeneral(const ScanSpec& s, JpegBitReader* br, int mcu_y, int mcus_x, bool restart_row,
                   int32_t init) {
  for (int mx = 0; mx < mcus_x; ++mx) {
    for (int c = 0; c < s.count; ++c) {
      JpegComponent* comp = s.comps[c];
      const int stride = comp->stride;
      for (int v = 0; v < comp->v; ++v) {
        const int y = mcu_y * comp->v + v;
        uint16_t* row = comp->plane + static_cast<size_t>(y) * stride;
        for (int h = 0; h < comp->h; ++h) {
          const int x = mx * comp->h + h;
          int32_t pred;
          if (restart_row && v == 0) {
            pred = x == 0 ? init : row[x - 1];
          } else if (x == 0) {
            pred = row[-stride];
          } else {
            pred = PredRuntime(s.predictor, s.workaround, row[x - 1], row[x - stride], row[x - stride - 1]);
          }
          int32_t d;
          if (!s.tables[c]->DecodeDiff(br, &d)) return false;
          row[x] = static_cast<uint16_t>(pred + d);
        }
      }
    }
  }
  return true;
}

Status BadCode() { return Status::Error(CodecError::kBadHuffman, "huffman code not in table"); }

}  // namespace

Status DecodeLosslessScan(const ScanSpec& s, const uint8_t** pos, const uint8_t* end) {
  const Geometry g = ScanGeometry(s);
  if (s.restart_interval != 0 && s.restart_interval % static_cast<uint32_t>(g.mcus_x) != 0) {
    return Status::Error(CodecError::kUnsupported, "restart interval is not a whole number of MCU rows");
  }
  const int rows_per_interval =
      s.restart_interval ? static_cast<int>(s.restart_interval / static_cast<uint32_t>(g.mcus_x)) : 0;
  const int32_t init = 1 << (s.precision - s.point_transform - 1);
  const RowFn row_fn = SelectRow(s.predictor, s.workaround);
  JpegBitReader br(*pos, end);
  int next_rst = 0;
  RowRef rows[4];
  for (int my = 0; my < g.mcus_y; ++my) {
    bool restart_row = my == 0;
    if (rows_per_interval && my > 0 && my % rows_per_interval == 0) {
      Status st = ReadRestart(&br, end, &next_rst);
      if (!st.ok()) return st;
      restart_row = true;
    }
    if (g.simple) {
      for (int c = 0; c < s.count; ++c) {
        JpegComponent* comp = s.comps[c];
        rows[c].cur = comp->plane + static_cast<size_t>(my) * comp->stride;
        rows[c].prev = rows[c].cur - comp->stride;
        rows[c].table = s.tables[c];
      }
      const bool ok = restart_row ? FirstRow(&br, rows, s.count, g.mcus_x, init)
                                  : row_fn(&br, rows, s.count, g.mcus_x);
      if (!ok) return BadCode();
    } else if (!McuRowGeneral(s, &br, my, g.mcus_x, restart_row, init)) {
      return BadCode();
    }
    if (br.Overrun()) return Status::Error(CodecError::kTruncated, "entropy-coded data ends early");
  }
  // Skip what is left of the segment (alignment bits, stray bytes) up to the next marker.
  const uint8_t* p = br.pos();
  while (p < end && !(p[0] == 0xFF && p + 1 < end && p[1] != 0x00 && p[1] != 0xFF)) ++p;
  *pos = p;
  return Status::Ok();
}

}  // namespace gw

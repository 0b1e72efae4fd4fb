// Standalone driver for test/native/asan.sh: runs the plain C++ codecs (native/codecs) under
// AddressSanitizer + UBSan, without Node. For every corpus frame: decode; re-encode (JPEG every
// predictor, RLE) and decode again to the same pixels; then truncations and random byte flips, each
// of which must end in Ok or a Status error. Exit code 0 only when every check held.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "codecs/jpeg_lossless_decoder.h"
#include "codecs/jpeg_lossless_encoder.h"
#include "codecs/rle.h"

namespace {

int failures = 0;
long corrupt_runs = 0, corrupt_errors = 0;

void Fail(const std::string& what) {
  std::fprintf(stderr, "FAIL %s\n", what.c_str());
  ++failures;
}

std::vector<uint8_t> ReadFile(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

gw::Status Decode(bool rle, const std::vector<uint8_t>& in, const gw::NativeLayout& l, std::vector<uint8_t>* out) {
  // Exact-size heap copies of input and output: any access past either end is a heap-buffer-overflow.
  std::unique_ptr<uint8_t[]> exact(new uint8_t[in.size() + 1]);
  std::copy(in.begin(), in.end(), exact.get());
  std::unique_ptr<uint8_t[]> target(new uint8_t[l.FrameBytes()]);
  const gw::Status st = rle ? gw::DecodeRle(exact.get(), in.size(), l, target.get(), l.FrameBytes())
                            : gw::DecodeJpegLosslessFrame(exact.get(), in.size(), l, gw::JpegDecodeOptions(),
                                                          target.get(), l.FrameBytes());
  if (st.ok()) out->assign(target.get(), target.get() + l.FrameBytes());
  return st;
}

gw::Status Encode(bool rle, const std::vector<uint8_t>& px, const gw::NativeLayout& l, int p, std::vector<uint8_t>* out) {
  gw::ByteBuffer b;
  const gw::Status st = rle ? gw::EncodeRle(px.data(), px.size(), l, &b) : gw::EncodeJpegLossless(px.data(), px.size(), l, p, &b);
  if (st.ok()) out->assign(b.data(), b.data() + b.size());
  return st;
}

void Corrupt(bool rle, const std::vector<uint8_t>& valid, const gw::NativeLayout& l, std::mt19937* rng) {
  std::vector<uint8_t> out;
  const size_t n = valid.size();
  // Every offset of small frames; about 100 cuts and 40 flips of big ones (ASan makes them slow).
  const bool big = l.FrameBytes() > (1u << 20);
  const size_t step = n > 200 ? n / 100 : 1;
  const int flip_runs = big ? 40 : 300;
  for (size_t cut = 0; cut < n; cut += step) {
    std::vector<uint8_t> t(valid.begin(), valid.begin() + cut);
    gw::Status st = Decode(rle, t, l, &out);
    ++corrupt_runs;
    corrupt_errors += !st.ok();
  }
  for (int i = 0; i < flip_runs; ++i) {
    std::vector<uint8_t> t = valid;
    const int flips = 1 + (*rng)() % 4;
    for (int k = 0; k < flips; ++k) t[(*rng)() % n] ^= static_cast<uint8_t>(1 + (*rng)() % 255);
    gw::Status st = Decode(rle, t, l, &out);
    ++corrupt_runs;
    corrupt_errors += !st.ok();
    if (st.ok() && out.size() != l.FrameBytes()) Fail("corrupt frame decoded to a wrong size");
  }
}

void RoundTrip(bool rle, const std::vector<uint8_t>& pixels, const gw::NativeLayout& l, const std::string& name) {
  std::vector<uint8_t> enc, dec;
  const int last = rle || l.FrameBytes() > (1u << 20) ? 1 : 7;  // every predictor on frames up to 1 MiB
  for (int p = 1; p <= last; ++p) {
    gw::Status st = Encode(rle, pixels, l, p, &enc);
    if (!st.ok()) return Fail(name + ": encode: " + st.message);
    st = Decode(rle, enc, l, &dec);
    if (!st.ok()) return Fail(name + ": decode of our encode: " + st.message);
    if (dec != pixels) return Fail(name + ": round trip differs, predictor " + std::to_string(p));
  }
}

void Frame(const std::string& dir, const std::string& line, std::mt19937* rng) {
  std::istringstream ss(line);
  std::string kind, file;
  gw::NativeLayout l;
  ss >> kind >> l.rows >> l.columns >> l.samples >> l.bits_allocated >> l.bits_stored >> l.pixel_representation >>
      l.planar_configuration >> file;
  const std::vector<uint8_t> data = ReadFile(dir + "/" + file);
  if (kind == "jpegstream") {
    gw::JpegLosslessImage img;
    gw::Status st = gw::DecodeJpegLossless(data.data(), data.size(), gw::JpegDecodeOptions(), &img);
    if (!st.ok()) Fail(file + ": " + st.message);
    for (size_t cut = 0; cut < data.size(); cut += data.size() / 300) {
      std::vector<uint8_t> t(data.begin(), data.begin() + cut);
      gw::DecodeJpegLossless(t.data(), t.size(), gw::JpegDecodeOptions(), &img);
      ++corrupt_runs;
    }
    return;
  }
  const bool rle = kind == "rle";
  std::vector<uint8_t> pixels;
  gw::Status st = Decode(rle, data, l, &pixels);
  if (!st.ok()) return Fail(file + ": " + st.message);
  RoundTrip(rle, pixels, l, file);
  if (l.bits_allocated <= 16) RoundTrip(!rle, pixels, l, file + " (other codec)");
  Corrupt(rle, data, l, rng);
}

// Generated images: every precision 2..16, 1 and 3 samples, both planar configurations, odd sizes.
void Generated(std::mt19937* rng) {
  for (int bits = 2; bits <= 16; ++bits) {
    for (int spp : {1, 3}) {
      for (int planar : {0, 1}) {
        gw::NativeLayout l;
        l.rows = 1 + (*rng)() % 40;
        l.columns = 1 + (*rng)() % 40;
        l.samples = spp;
        l.bits_allocated = bits > 8 ? 16 : 8;
        l.bits_stored = bits;
        l.planar_configuration = planar;
        std::vector<uint8_t> px(l.FrameBytes());
        for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>((*rng)());
        if (l.bits_allocated == 16) {
          for (size_t i = 1; i < px.size(); i += 2) px[i] &= static_cast<uint8_t>((1 << (bits - 8)) - 1);
        } else {
          for (auto& b : px) b &= static_cast<uint8_t>((1 << bits) - 1);
        }
        const std::string name = "generated " + std::to_string(bits) + "bit spp" + std::to_string(spp);
        RoundTrip(false, px, l, name);
        RoundTrip(true, px, l, name);
        std::vector<uint8_t> enc;
        Encode(false, px, l, 1, &enc);
        Corrupt(false, enc, l, rng);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: asan_driver CORPUS_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  std::ifstream list(dir + "/list.tsv");
  std::mt19937 rng(12345);
  int frames = 0;
  for (std::string line; std::getline(list, line);) {
    if (line.empty()) continue;
    Frame(dir, line, &rng);
    ++frames;
  }
  Generated(&rng);
  std::printf("asan_driver: %d corpus frames, %ld corrupt inputs (%ld rejected with a Status), %d failures\n", frames,
              corrupt_runs, corrupt_errors, failures);
  return failures == 0 && frames > 0 ? 0 : 1;
}

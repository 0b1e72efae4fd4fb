// N-API face of codecs/: frame decode and encode run in an AsyncWorker on the libuv pool, so a big
// frame never blocks the event loop. Arguments are checked in TS (src/native/codec-binding.ts); here
// they are copied into plain structs; Execute() makes no napi calls. Output goes to JS without a copy.
#include "napi/codecs.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "codecs/jpeg_lossless_decoder.h"
#include "codecs/jpeg_lossless_encoder.h"
#include "codecs/rle.h"

namespace gw {
namespace {

enum Kind { kJpegLossless = 0, kRle = 1 };

NativeLayout LayoutFrom(const Napi::Object& o) {
  NativeLayout l;
  l.rows = o.Get("rows").As<Napi::Number>().Int32Value();
  l.columns = o.Get("columns").As<Napi::Number>().Int32Value();
  l.samples = o.Get("samplesPerPixel").As<Napi::Number>().Int32Value();
  l.bits_allocated = o.Get("bitsAllocated").As<Napi::Number>().Int32Value();
  l.pixel_representation = o.Get("pixelRepresentation").As<Napi::Number>().Int32Value();
  l.planar_configuration = o.Get("planarConfiguration").As<Napi::Number>().Int32Value();
  l.bits_stored = o.Get("bitsStored").As<Napi::Number>().Int32Value();
  return l;
}

Napi::Error CodecErrorJs(Napi::Env env, const Status& st) {
  Napi::Error e = Napi::Error::New(env, st.message);
  e.Set("codecCode", Napi::String::New(env, CodecErrorName(st.code)));
  return e;
}

Napi::Buffer<uint8_t> HandOver(Napi::Env env, std::vector<uint8_t>&& bytes) {
  auto* owned = new std::vector<uint8_t>(std::move(bytes));
  return Napi::Buffer<uint8_t>::New(env, owned->data(), owned->size(),
                                    [](Napi::Env, uint8_t*, std::vector<uint8_t>* v) { delete v; }, owned);
}

// Encoders size their output for the worst case; a large unused tail is given back first (one copy).
Napi::Buffer<uint8_t> HandOver(Napi::Env env, ByteBuffer* bytes) {
  bytes->ShrinkIfSparse();
  const size_t size = bytes->size();
  return Napi::Buffer<uint8_t>::New(env, bytes->Release(), size, [](Napi::Env, uint8_t* p) { delete[] p; });
}

class CodecWorker : public Napi::AsyncWorker {
 public:
  CodecWorker(Napi::Env env, bool encode, int kind, NativeLayout layout)
      : Napi::AsyncWorker(env, "pacsgate:codec"), deferred_(Napi::Promise::Deferred::New(env)),
        encode_(encode), kind_(kind), layout_(layout) {}

  // Decoders write into this caller-owned Buffer (kept referenced until OnOK) and resolve with it.
  void SetTarget(const Napi::Buffer<uint8_t>& b) {
    refs_.push_back(Napi::Persistent(b.As<Napi::Object>()));
    target_ = b.Data();
    target_size_ = b.Length();
  }
  void AddInput(const Napi::Buffer<uint8_t>& b) {
    refs_.push_back(Napi::Persistent(b.As<Napi::Object>()));
    inputs_.emplace_back(b.Data(), b.Length());
  }
  void set_predictor(int p) { predictor_ = p; }
  void set_workaround(bool w) { opts_.signed_predictor_workaround = w; }
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    // A frame split over several fragments is one byte stream (PS3.5 §A.4): join only then.
    const uint8_t* data = nullptr;
    size_t size = 0;
    std::vector<uint8_t> joined;
    if (inputs_.size() == 1) {
      data = inputs_[0].first;
      size = inputs_[0].second;
    } else {
      for (const auto& in : inputs_) joined.insert(joined.end(), in.first, in.first + in.second);
      data = joined.data();
      size = joined.size();
    }
    if (kind_ == kJpegLossless) {
      status_ = encode_ ? EncodeJpegLossless(data, size, layout_, predictor_, &out_)
                        : DecodeJpegLosslessFrame(data, size, layout_, opts_, target_, target_size_);
    } else {
      status_ = encode_ ? EncodeRle(data, size, layout_, &out_) : DecodeRle(data, size, layout_, target_, target_size_);
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok()) {
      refs_.clear();
      deferred_.Reject(CodecErrorJs(env, status_).Value());
      return;
    }
    if (encode_) {
      refs_.clear();
      deferred_.Resolve(HandOver(env, &out_));
      return;
    }
    Napi::Value target = refs_.front().Value();  // the target Buffer was referenced first
    refs_.clear();
    deferred_.Resolve(target);
  }
  void OnError(const Napi::Error& e) override {
    refs_.clear();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  bool encode_;
  int kind_;
  NativeLayout layout_;
  int predictor_ = 1;
  JpegDecodeOptions opts_;
  std::vector<Napi::ObjectReference> refs_;
  std::vector<std::pair<const uint8_t*, size_t>> inputs_;
  ByteBuffer out_;
  uint8_t* target_ = nullptr;
  size_t target_size_ = 0;
  Status status_;
};

}  // namespace

// codecDecode(kind, fragments: Buffer[], layout, workaround: boolean, target: Buffer): Promise<Buffer>
// Resolves with `target` (which must hold at least one frame; TS sizes it).
Napi::Value CodecDecodeJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsObject() || !info[4].IsBuffer()) {
    Napi::TypeError::New(env, "codecDecode(kind, fragments, layout, workaround, target)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Array frags = info[1].As<Napi::Array>();
  auto* w = new CodecWorker(env, false, info[0].As<Napi::Number>().Int32Value(), LayoutFrom(info[2].As<Napi::Object>()));
  w->SetTarget(info[4].As<Napi::Buffer<uint8_t>>());
  for (uint32_t i = 0; i < frags.Length(); ++i) {
    Napi::Value v = frags.Get(i);
    if (!v.IsBuffer()) {
      delete w;
      Napi::TypeError::New(env, "codecDecode: fragments must be Buffers").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    w->AddInput(v.As<Napi::Buffer<uint8_t>>());
  }
  w->set_workaround(info[3].ToBoolean().Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// codecEncode(kind, pixels: Buffer, layout, predictor): Promise<Buffer>
Napi::Value CodecEncodeJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsBuffer() || !info[2].IsObject() || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "codecEncode(kind, pixels, layout, predictor)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* w = new CodecWorker(env, true, info[0].As<Napi::Number>().Int32Value(), LayoutFrom(info[2].As<Napi::Object>()));
  w->AddInput(info[1].As<Napi::Buffer<uint8_t>>());
  w->set_predictor(info[3].As<Napi::Number>().Int32Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// jpegComponents(stream: Buffer): { precision, width, height, components: [{id, h, v, width, height, data}] }
// Synchronous: a diagnostic for whole JPEG streams (e.g. the T.83 conformance images), not for frames.
Napi::Value JpegComponentsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsBuffer()) {
    Napi::TypeError::New(env, "jpegComponents(stream: Buffer)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<uint8_t> in = info[0].As<Napi::Buffer<uint8_t>>();
  JpegLosslessImage img;
  Status st = DecodeJpegLossless(in.Data(), in.Length(), JpegDecodeOptions(), &img);
  if (!st.ok()) {
    CodecErrorJs(env, st).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("precision", img.precision);
  result.Set("width", img.width);
  result.Set("height", img.height);
  Napi::Array comps = Napi::Array::New(env, img.components.size());
  for (size_t i = 0; i < img.components.size(); ++i) {
    const JpegComponent& c = img.components[i];
    std::vector<uint8_t> bytes(static_cast<size_t>(c.width) * c.height * 2);
    for (int y = 0; y < c.height; ++y) {
      for (int x = 0; x < c.width; ++x) {
        const uint16_t v = c.plane[static_cast<size_t>(y) * c.stride + x];
        const size_t o = (static_cast<size_t>(y) * c.width + x) * 2;
        bytes[o] = static_cast<uint8_t>(v);
        bytes[o + 1] = static_cast<uint8_t>(v >> 8);
      }
    }
    Napi::Object co = Napi::Object::New(env);
    co.Set("id", c.id);
    co.Set("h", c.h);
    co.Set("v", c.v);
    co.Set("width", c.width);
    co.Set("height", c.height);
    co.Set("data", HandOver(env, std::move(bytes)));
    comps.Set(static_cast<uint32_t>(i), co);
  }
  result.Set("components", comps);
  return result;
}

}  // namespace gw

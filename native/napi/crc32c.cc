// N-API face of digest/crc32c: crc32c(bytes, crc, portable?) → number, synchronous (a 256 KiB chunk
// takes ~30 µs with SSE 4.2). Arguments are checked in TS (src/native/binding.ts).
#include "napi/crc32c.h"

#include "digest/crc32c.h"

namespace gw {

Napi::Value Crc32cJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "crc32c(bytes: Uint8Array, crc: number, portable?: boolean)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  uint32_t crc = info[1].As<Napi::Number>().Uint32Value();
  bool portable = info.Length() > 2 && info[2].ToBoolean().Value();
  uint32_t out = portable ? Crc32cPortable(crc, buf.Data(), buf.ByteLength()) : Crc32c(crc, buf.Data(), buf.ByteLength());
  return Napi::Number::New(env, out);
}

Napi::Value Crc32cInfoJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Crc32cImplementation());
}

}  // namespace gw

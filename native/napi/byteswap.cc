// N-API face of codecs/byteswap: swapBytes(buffer, wordSize) in place, synchronous (cheap, O(n)).
// Arguments are checked in TS (src/native/binding.ts); this layer only refuses what would be unsafe.
#include "napi/byteswap.h"

#include "codecs/byteswap.h"

namespace gw {

Napi::Value SwapBytesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "swapBytes(buffer: Uint8Array, wordSize: 2|4|8)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array buf = info[0].As<Napi::Uint8Array>();
  uint32_t word = info[1].As<Napi::Number>().Uint32Value();
  if (!SwapBytes(buf.Data(), buf.ByteLength(), word)) {
    Napi::RangeError::New(env, "swapBytes: length is not a multiple of the word size, or word size not 2/4/8")
        .ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace gw

#ifndef NATIVE_NAPI_CODECS_H_
#define NATIVE_NAPI_CODECS_H_

#include <napi.h>

namespace gw {
Napi::Value CodecDecodeJs(const Napi::CallbackInfo& info);
Napi::Value CodecEncodeJs(const Napi::CallbackInfo& info);
Napi::Value JpegComponentsJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_CODECS_H_

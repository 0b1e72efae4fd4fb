#ifndef NATIVE_NAPI_BYTESWAP_H_
#define NATIVE_NAPI_BYTESWAP_H_

#include <napi.h>

namespace gw {
Napi::Value SwapBytesJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_BYTESWAP_H_

#ifndef NATIVE_NAPI_SD_NOTIFY_H_
#define NATIVE_NAPI_SD_NOTIFY_H_

#include <napi.h>

namespace gw {
Napi::Value SdNotifyJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_SD_NOTIFY_H_

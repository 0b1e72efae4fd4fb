#ifndef NATIVE_NAPI_MALLOC_TUNE_H_
#define NATIVE_NAPI_MALLOC_TUNE_H_

#include <napi.h>

namespace gw {
Napi::Value MallocTrimJs(const Napi::CallbackInfo& info);
Napi::Value MallocTuneJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_MALLOC_TUNE_H_

#ifndef NATIVE_NAPI_DROP_MAPPED_PAGES_H_
#define NATIVE_NAPI_DROP_MAPPED_PAGES_H_

#include <napi.h>

namespace gw {
Napi::Value DropMappedPagesJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_DROP_MAPPED_PAGES_H_

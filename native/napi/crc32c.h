#ifndef NATIVE_NAPI_CRC32C_H_
#define NATIVE_NAPI_CRC32C_H_

#include <napi.h>

namespace gw {
Napi::Value Crc32cJs(const Napi::CallbackInfo& info);
Napi::Value Crc32cInfoJs(const Napi::CallbackInfo& info);
}  // namespace gw

#endif  // NATIVE_NAPI_CRC32C_H_

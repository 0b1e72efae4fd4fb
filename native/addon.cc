// Module init only: registers the functions of native/napi/. No logic here.
#include <napi.h>

#include "napi/byteswap.h"
#include "napi/codecs.h"
#include "napi/crc32c.h"
#include "napi/drop_mapped_pages.h"
#include "napi/malloc_tune.h"
#include "napi/sd_notify.h"

namespace gw {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("swapBytes", Napi::Function::New(env, SwapBytesJs, "swapBytes"));
  exports.Set("sdNotify", Napi::Function::New(env, SdNotifyJs, "sdNotify"));
  exports.Set("codecDecode", Napi::Function::New(env, CodecDecodeJs, "codecDecode"));
  exports.Set("codecEncode", Napi::Function::New(env, CodecEncodeJs, "codecEncode"));
  exports.Set("jpegComponents", Napi::Function::New(env, JpegComponentsJs, "jpegComponents"));
  exports.Set("dropMappedPages", Napi::Function::New(env, DropMappedPagesJs, "dropMappedPages"));
  exports.Set("crc32c", Napi::Function::New(env, Crc32cJs, "crc32c"));
  exports.Set("crc32cImplementation", Napi::Function::New(env, Crc32cInfoJs, "crc32cImplementation"));
  exports.Set("mallocTrim", Napi::Function::New(env, MallocTrimJs, "mallocTrim"));
  exports.Set("mallocTune", Napi::Function::New(env, MallocTuneJs, "mallocTune"));
  return exports;
}

}  // namespace gw

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return gw::Init(env, exports); }

NODE_API_MODULE(pacsgate, InitAddon)

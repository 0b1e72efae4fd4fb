{
  "targets": [
    {
      "target_name": "pacsgate",
      "sources": [
        "native/addon.cc",
        "native/napi/byteswap.cc",
        "native/napi/sd_notify.cc",
        "native/napi/codecs.cc",
        "native/napi/drop_mapped_pages.cc",
        "native/napi/malloc_tune.cc",
        "native/napi/crc32c.cc",
        "native/digest/crc32c.cc",
        "native/codecs/byteswap.cc",
        "native/codecs/jpeg_huffman.cc",
        "native/codecs/jpeg_lossless_scan.cc",
        "native/codecs/jpeg_lossless_decoder.cc",
        "native/codecs/jpeg_lossless_encoder.cc",
        "native/codecs/rle.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O2"],
      "cflags": ["-O3"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
    }
  ]
}

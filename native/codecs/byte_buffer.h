// Codec layer: an output byte buffer that is not zero-filled (encoders size it for the worst case
// and write every byte they keep). Ownership can be released to the N-API layer without a copy.
#ifndef NATIVE_CODECS_BYTE_BUFFER_H_
#define NATIVE_CODECS_BYTE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace gw {

class ByteBuffer {
 public:
  void Allocate(size_t capacity) {
    data_.reset(new uint8_t[capacity]);
    capacity_ = capacity;
    size_ = 0;
  }
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  void set_size(size_t n) { size_ = n <= capacity_ ? n : capacity_; }
  // Copies into an exact-size allocation when more than a quarter of the capacity is unused.
  void ShrinkIfSparse() {
    if (capacity_ - size_ <= size_ / 4) return;
    std::unique_ptr<uint8_t[]> exact(new uint8_t[size_ ? size_ : 1]);
    if (size_) std::memcpy(exact.get(), data_.get(), size_);
    data_ = std::move(exact);
    capacity_ = size_;
  }
  uint8_t* Release() {
    capacity_ = size_ = 0;
    return data_.release();
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace gw

#endif  // NATIVE_CODECS_BYTE_BUFFER_H_

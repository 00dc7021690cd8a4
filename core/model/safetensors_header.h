// The JSON header of a safetensors file, parsed and checked without LibTorch: tensor names, dtypes,
// shapes and byte ranges, so that a config can be compared with the weights before anything is
// allocated (and so that the parser can be fuzzed on its own).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ladder::model {

struct SafetensorsTensorInfo {
    std::string name;
    std::string dtype;  // as in the header: F32, F16, BF16, I64, ...
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  // byte range inside the data area (after the header)
    std::uint64_t end = 0;
};

struct SafetensorsHeader {
    std::map<std::string, SafetensorsTensorInfo> tensors;
    std::map<std::string, std::string> metadata;
};

// Parses the header's JSON text. dataSize: the bytes after the header. Every entry's dtype, shape
// and byte range is checked (ranges inside the data area, of the size the shape needs, not
// overlapping); a problem throws ladder::Error naming `source` and the tensor.
[[nodiscard]] SafetensorsHeader parseSafetensorsHeader(std::string_view text,
                                                       std::uint64_t dataSize,
                                                       const std::string& source);

// Bytes per element of a dtype the reader knows (F64, F32, F16, BF16, I64, I32, I16, I8, U8,
// BOOL), or 0.
[[nodiscard]] std::uint64_t safetensorsElementSize(std::string_view dtype);
[[nodiscard]] bool isFloatingDtype(std::string_view dtype);  // F64, F32, F16, BF16

}  // namespace ladder::model

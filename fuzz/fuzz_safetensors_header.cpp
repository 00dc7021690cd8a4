// Fuzz target: the JSON header of a safetensors file. The first 8 bytes of the input (little
// endian, as in the file) give the size of the data area; the rest is the header. Whatever the
// parser accepts must describe ranges inside the data area, of the size their shapes need.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "core/common/error.h"
#include "core/model/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 8) return 0;
    std::uint64_t dataSize = 0;
    for (int i = 7; i >= 0; --i) dataSize = (dataSize << 8) | data[i];
    const std::string_view text(reinterpret_cast<const char*>(data) + 8, size - 8);
    try {
        const auto header = ladder::model::parseSafetensorsHeader(text, dataSize, "fuzz.safetensors");
        for (const auto& [name, t] : header.tensors) {
            const std::uint64_t elementSize = ladder::model::safetensorsElementSize(t.dtype);
            if (elementSize == 0 || t.begin > t.end || t.end > dataSize) __builtin_trap();
            std::uint64_t elements = 1;
            for (const std::int64_t d : t.shape) {
                if (d < 0) __builtin_trap();
                elements *= static_cast<std::uint64_t>(d);
            }
            if (elements * elementSize != t.end - t.begin) __builtin_trap();
        }
    } catch (const ladder::Error&) {
    }
    return 0;
}

// Tensor shapes as error-message text: "[2, 3, 4]". No LibTorch: c10::IntArrayRef (a contiguous
// range) and std::vector<std::int64_t> both convert to the span.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ladder::model {

inline std::string shapeText(std::span<const std::int64_t> shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return out + "]";
}

}  // namespace ladder::model

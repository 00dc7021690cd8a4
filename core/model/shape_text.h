// Tensor shapes as error-message text: "[2, 3, 4]".
#pragma once

#include <cstdint>
#include <string>

#include <c10/util/ArrayRef.h>

namespace ladder::model {

inline std::string shapeText(c10::IntArrayRef shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return out + "]";
}

}  // namespace ladder::model

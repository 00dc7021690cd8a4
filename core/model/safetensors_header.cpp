// The safetensors header: {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {...}}, checked entry by entry and for overlapping byte ranges.
#include "core/model/safetensors_header.h"

#include <algorithm>
#include <array>
#include <limits>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/shape_text.h"

namespace ladder::model {
namespace {

using nlohmann::json;

// Weights have at most a few dimensions; LibTorch refuses hundreds with its own raw error.
constexpr std::size_t kMaxDimensions = 16;

struct DtypeSize {
    std::string_view name;
    std::uint64_t size;
};

constexpr std::array kDtypeSizes = {
    DtypeSize{"F64", 8}, DtypeSize{"F32", 4}, DtypeSize{"F16", 2}, DtypeSize{"BF16", 2},
    DtypeSize{"I64", 8}, DtypeSize{"I32", 4}, DtypeSize{"I16", 2}, DtypeSize{"I8", 1},
    DtypeSize{"U8", 1},  DtypeSize{"BOOL", 1},
};

std::string knownDtypes() {
    std::string out;
    for (const DtypeSize& d : kDtypeSizes) out += (out.empty() ? "" : ", ") + std::string(d.name);
    return out;
}

SafetensorsTensorInfo parseEntry(const std::string& source, const std::string& name,
                                 const json& value, std::uint64_t dataSize) {
    const std::string where = source + ": tensor " + name;
    if (!value.is_object()) throw Error(where + ": its header entry is not an object");
    if (!value.contains("dtype") || !value.at("dtype").is_string()) {
        throw Error(where + ": its header entry has no `dtype` string: the header is corrupt");
    }
    SafetensorsTensorInfo e;
    e.name = name;
    e.dtype = value.at("dtype").get<std::string>();
    const std::uint64_t elementSize = safetensorsElementSize(e.dtype);
    if (elementSize == 0) {
        throw Error(where + " has dtype `" + e.dtype.substr(0, 40) +
                    "`, which Ladder cannot read (it reads " + knownDtypes() + ")");
    }
    if (!value.contains("shape") || !value.at("shape").is_array()) {
        throw Error(where + ": its header entry has no `shape` list: the header is corrupt");
    }
    if (value.at("shape").size() > kMaxDimensions) {
        throw Error(where + ": its shape has " + std::to_string(value.at("shape").size()) +
                    " dimensions (at most " + std::to_string(kMaxDimensions) +
                    "): the header is corrupt");
    }
    std::uint64_t elements = 1;
    bool overflow = false;
    for (const json& d : value.at("shape")) {
        if (!d.is_number_unsigned()) {
            throw Error(where + ": its shape has an entry that is not a non-negative integer");
        }
        const auto dim = d.get<std::uint64_t>();
        if (dim > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            overflow = true;
        }
        e.shape.push_back(static_cast<std::int64_t>(dim));
        if (dim != 0 && elements > std::numeric_limits<std::uint64_t>::max() / dim) overflow = true;
        elements *= dim;
    }
    const json* offsets = value.contains("data_offsets") ? &value.at("data_offsets") : nullptr;
    if (!offsets || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
        throw Error(where + ": its header entry needs `data_offsets` [begin, end] of two " +
                    "non-negative integers: the header is corrupt");
    }
    e.begin = (*offsets)[0].get<std::uint64_t>();
    e.end = (*offsets)[1].get<std::uint64_t>();
    if (e.end < e.begin) {
        throw Error(where + ": data_offsets [" + std::to_string(e.begin) + ", " +
                    std::to_string(e.end) + "] end before they begin: the header is corrupt");
    }
    if (elements > std::numeric_limits<std::uint64_t>::max() / elementSize) overflow = true;
    const std::uint64_t bytes = elements * elementSize;
    if (overflow || bytes != e.end - e.begin) {
        throw Error(where + " has shape " + shapeText(e.shape) + " of " + e.dtype + " (" +
                    (overflow ? std::string("too many") : std::to_string(bytes)) +
                    " bytes) but its data_offsets span " + std::to_string(e.end - e.begin) +
                    " bytes: the header is corrupt");
    }
    if (e.end > dataSize) {
        throw Error(where + " claims bytes " + std::to_string(e.begin) + ".." +
                    std::to_string(e.end) + " of the data, which has " +
                    std::to_string(dataSize) + " bytes: the file is truncated; download it again");
    }
    return e;
}

}  // namespace

std::uint64_t safetensorsElementSize(std::string_view dtype) {
    for (const DtypeSize& d : kDtypeSizes) {
        if (dtype == d.name) return d.size;
    }
    return 0;
}

bool isFloatingDtype(std::string_view dtype) {
    return dtype == "F64" || dtype == "F32" || dtype == "F16" || dtype == "BF16";
}

SafetensorsHeader parseSafetensorsHeader(std::string_view text, std::uint64_t dataSize,
                                         const std::string& source) {
    json header;
    try {
        header = ladder::json::parseText(text, source + ": the header");
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + ": the file is corrupt or not safetensors");
    }
    if (!header.is_object()) throw Error(source + ": the header is not a JSON object");

    SafetensorsHeader out;
    for (const auto& [name, value] : header.items()) {
        if (name == "__metadata__") {
            if (!value.is_object()) throw Error(source + ": __metadata__ is not an object");
            for (const auto& [key, text] : value.items()) {
                if (!text.is_string()) {
                    throw Error(source + ": __metadata__ field `" + key + "` is not a string");
                }
                out.metadata[key] = text.get<std::string>();
            }
            continue;
        }
        out.tensors.emplace(name, parseEntry(source, name, value, dataSize));
    }

    std::vector<const SafetensorsTensorInfo*> byOffset;
    for (const auto& [name, e] : out.tensors) {
        if (e.end > e.begin) byOffset.push_back(&e);
    }
    std::sort(byOffset.begin(), byOffset.end(),
              [](const auto* a, const auto* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const SafetensorsTensorInfo& a = *byOffset[i - 1];
        const SafetensorsTensorInfo& b = *byOffset[i];
        if (b.begin < a.end) {
            throw Error(source + ": tensors " + a.name + " (bytes " + std::to_string(a.begin) +
                        ".." + std::to_string(a.end) + ") and " + b.name + " (bytes " +
                        std::to_string(b.begin) + ".." + std::to_string(b.end) +
                        ") overlap: the header is corrupt");
        }
    }
    return out;
}

}  // namespace ladder::model

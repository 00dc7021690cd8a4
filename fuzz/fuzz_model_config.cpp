// Fuzz target: a model folder's config.json, as the folder check and loadPretrained read it:
// parsed, validated, turned into the weights it implies, and compared with the headers of a small
// real model's weights (which usually disagree and must say so) and with its own (which must fit).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/model_config.h"
#include "core/model/weight_check.h"

namespace {

using namespace ladder::model;

// The headers of a file holding exactly the weights `config` describes, in float32.
FoundWeights weightsOf(const ModelConfig& config) {
    FoundWeights found;
    std::uint64_t offset = 0;
    for (const WeightShape& w : weightShapes(config)) {
        SafetensorsTensorInfo t{w.name, "F32", {}, offset, offset};
        std::uint64_t bytes = 4;
        for (const WeightDim& d : w.dims) {
            t.shape.push_back(d.size);
            bytes *= static_cast<std::uint64_t>(d.size);
        }
        t.end = offset += bytes;
        addFoundWeight(found, config, t, "model.safetensors", 0);
    }
    return found;
}

ModelConfig smallQwen2() {
    return configFromHfJson(nlohmann::json::parse(R"({"model_type": "qwen2", "vocab_size": 40,
        "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2})"),
                            "small qwen2");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const FoundWeights kSmallModel = weightsOf(smallQwen2());
    try {
        const ModelConfig config = configFromHfJson(ladder::json::parseText(text, "config.json"),
                                                    "config.json");
        const auto shapes = weightShapes(config);
        if (parameterCount(config) > 1e12) __builtin_trap();  // validate() refuses more
        // Its own weights always fit; note a config this large costs time, not a finding.
        if (shapes.size() < 4096) {
            checkWeightsFit(shapes, weightsOf(config), config, "model.safetensors", "config.json",
                            /*ignoreUnexpected=*/false);
        }
        try {
            checkWeightsFit(shapes, kSmallModel, config, "model.safetensors", "config.json",
                            /*ignoreUnexpected=*/false);
        } catch (const ladder::Error&) {
        }
        // What Ladder writes back reads back as the same config.
        const nlohmann::json written = configToHfJson(config);
        if (configToHfJson(configFromHfJson(written, "written config.json")) != written) {
            __builtin_trap();
        }
    } catch (const ladder::Error&) {
    }
    return 0;
}

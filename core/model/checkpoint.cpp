// Loading and saving Hugging Face checkpoints: the weight files are checked against the config
// (weight_check.h) from their headers, then the model is built and the tensors copied in.
#include "core/model/checkpoint.h"

#include <algorithm>
#include <memory>
#include <set>

#include <spdlog/fmt/fmt.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/model/atomic_file.h"
#include "core/model/lora.h"
#include "core/model/safetensors.h"
#include "core/model/shape_text.h"
#include "core/model/weight_check.h"

namespace ladder::model {
namespace fs = std::filesystem;
namespace {

std::string describeFiles(const std::vector<fs::path>& files) {
    std::string out;
    for (std::size_t i = 0; i < files.size() && i < 3; ++i) {
        out += (i ? ", " : "") + files[i].string();
    }
    if (files.size() > 3) out += " (+" + std::to_string(files.size() - 3) + " shards)";
    return out;
}

// Weight files with their headers read and checked and their data mapped, and their tensors by
// the model's names.
struct OpenedWeights {
    std::vector<std::unique_ptr<SafetensorsFile>> files;
    FoundWeights found;
    std::string where;  // the files and the model type, for messages
};

OpenedWeights openWeights(const ModelConfig& config, const std::vector<fs::path>& paths) {
    OpenedWeights out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        out.files.push_back(std::make_unique<SafetensorsFile>(paths[i]));
        const SafetensorsFile& file = *out.files.back();
        for (const std::string& name : file.names()) {
            addFoundWeight(out.found, config, file.entry(name), paths[i], i);
        }
    }
    out.where = describeFiles(paths) + " (model_type " + config.modelType + ")";
    return out;
}

// The shapes of a model that is built already.
std::vector<WeightShape> shapesOf(const CausalLMImpl& model) {
    std::vector<WeightShape> out;
    for (const auto& [name, param] : model.hfWeights()) {
        WeightShape weight{name, {}};
        for (const std::int64_t size : param.sizes()) weight.dims.push_back({size, ""});
        out.push_back(std::move(weight));
    }
    return out;
}

// After checkWeightsFit() said every weight is there with its shape.
void copyWeights(CausalLMImpl& model, const OpenedWeights& weights) {
    torch::NoGradGuard noGrad;
    for (const auto& [name, param] : model.hfWeights()) {
        const FoundWeight& f = weights.found.at(name);
        torch::Tensor target = param;
        target.copy_(weights.files[f.fileIndex]->view(f.nameInFile));
    }
}

}  // namespace

std::string dtypeName(torch::Dtype dtype) {
    switch (dtype) {
        case torch::kFloat:
            return "float32";
        case torch::kHalf:
            return "float16";
        case torch::kBFloat16:
            return "bfloat16";
        case torch::kDouble:
            return "float64";
        default:
            throw Error("dtype " + std::string(c10::toString(dtype)) +
                        " is not a weight dtype: use float32, float16 or bfloat16");
    }
}

torch::Dtype dtypeFromName(const std::string& name) {
    if (name == "float32" || name == "fp32") return torch::kFloat;
    if (name == "float16" || name == "fp16") return torch::kHalf;
    if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
    throw Error("unknown dtype `" + name + "`: use float32, float16 or bfloat16");
}

std::vector<fs::path> weightFiles(const fs::path& folder) {
    const fs::path single = folder / "model.safetensors";
    if (fs::exists(single)) return {single};
    const fs::path indexPath = folder / "model.safetensors.index.json";
    if (!fs::exists(indexPath)) {
        if (fs::exists(folder / "pytorch_model.bin")) {
            throw Error(folder.string() + " holds pytorch_model.bin but no model.safetensors: " +
                        "Ladder reads safetensors only; convert the checkpoint first");
        }
        throw Error(folder.string() + " has neither model.safetensors nor " +
                    "model.safetensors.index.json: is it a Hugging Face model folder?");
    }
    const nlohmann::json index = json::readFile(indexPath);
    if (!index.is_object() || !index.contains("weight_map") || !index.at("weight_map").is_object()) {
        throw Error(indexPath.string() + ": missing field `weight_map` (tensor name -> file)");
    }
    std::set<std::string> shardNames;
    for (const auto& [tensor, file] : index.at("weight_map").items()) {
        if (!file.is_string()) {
            throw Error(indexPath.string() + ": weight_map entry " + tensor +
                        " is not a file name");
        }
        const std::string name = file.get<std::string>();
        if (name.empty() || name.find('/') != std::string::npos || name == "..") {
            throw Error(indexPath.string() + ": weight_map entry " + tensor + " names `" + name +
                        "`, which is not a file in the model folder");
        }
        shardNames.insert(name);
    }
    std::vector<fs::path> files;
    for (const std::string& name : shardNames) {
        if (!fs::exists(folder / name)) {
            throw Error(indexPath.string() + " lists " + name +
                        ", which is missing: download the whole model folder again");
        }
        files.push_back(folder / name);
    }
    if (files.empty()) throw Error(indexPath.string() + ": weight_map is empty");
    return files;
}

void checkWeightsFitConfig(const ModelConfig& config, const std::vector<fs::path>& files,
                           const std::string& configSource) {
    const OpenedWeights weights = openWeights(config, files);
    checkWeightsFit(weightShapes(config), weights.found, config, weights.where, configSource,
                    /*ignoreUnexpected=*/false);
}

void loadWeights(CausalLMImpl& model, const std::vector<fs::path>& files,
                 const LoadWeightsOptions& options) {
    const OpenedWeights weights = openWeights(model.config(), files);
    checkWeightsFit(shapesOf(model), weights.found, model.config(), weights.where, {},
                    options.ignoreUnexpected);
    copyWeights(model, weights);
}

CausalLM loadPretrained(const fs::path& folder, torch::Device device, torch::Dtype dtype) {
    const fs::path configPath = folder / "config.json";
    const ModelConfig config = readConfigJson(configPath);
    const OpenedWeights weights = openWeights(config, weightFiles(folder));
    // From the headers, before the model is built: a config.json whose sizes are not those of
    // the weights is named here, instead of the allocator failing on sizes nobody has.
    checkWeightsFit(weightShapes(config), weights.found, config, weights.where,
                    configPath.string(), /*ignoreUnexpected=*/false);
    CausalLM model = buildModel(config, device, dtype);
    copyWeights(*model, weights);
    log::get("model")->info("loaded {} ({}, {} layers, C {}) from {} on {} as {}",
                            folder.filename().string(), config.modelType, config.numLayers,
                            config.hiddenSize, folder.string(), device.str(), dtypeName(dtype));
    // A LoRA run's checkpoint: its base weights above, the trained adapter beside them.
    const fs::path adapter = folder / kCheckpointAdapterFolder;
    if (isLoraFolder(adapter)) {
        mergeLoraFolder(*model, adapter);
        log::get("model")->info("merged the LoRA adapter {} into it", adapter.string());
    }
    return model;
}

void writeModelFolder(const std::vector<std::pair<std::string, torch::Tensor>>& weights,
                      ModelConfig config, const fs::path& folder, torch::Dtype saveAs,
                      std::int64_t maxShardBytes) {
    config.torchDtype = dtypeName(saveAs);
    (void)configToHfJson(config);  // refuse a config Hugging Face cannot express before writing
    if (maxShardBytes <= 0) throw Error("the largest shard must be at least 1 byte");
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw Error("cannot create " + folder.string() + ": " + ec.message());
    // An earlier save's weights would be read in place of these (model.safetensors first).
    // Collected first: removing entries while iterating leaves the iterator unspecified.
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name == "model.safetensors" || name == "model.safetensors.index.json" ||
            (name.starts_with("model-") && name.ends_with(".safetensors") &&
             name.find("-of-") != std::string::npos)) {
            stale.push_back(entry.path());
        }
    }
    for (const fs::path& path : stale) fs::remove(path);
    // In name order (hfWeights() sorts them).
    std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
    std::int64_t shardBytes = 0, totalBytes = 0;
    for (const auto& weight : weights) {
        const auto& tensor = weight.second;
        const std::int64_t bytes =
            tensor.numel() * static_cast<std::int64_t>(
                                 c10::elementSize(tensor.is_floating_point() ? saveAs
                                                                             : tensor.scalar_type()));
        if (!shards.back().empty() && shardBytes + bytes > maxShardBytes) {
            shards.emplace_back();
            shardBytes = 0;
        }
        shards.back().push_back(weight);
        shardBytes += bytes;
        totalBytes += bytes;
    }
    if (shards.size() == 1) {
        writeSafetensors(folder / "model.safetensors", weights, saveAs);
    } else {
        nlohmann::json weightMap = nlohmann::json::object();
        for (std::size_t i = 0; i < shards.size(); ++i) {
            const std::string file =
                fmt::format("model-{:05d}-of-{:05d}.safetensors", i + 1, shards.size());
            writeSafetensors(folder / file, shards[i], saveAs);
            for (const auto& weight : shards[i]) weightMap[weight.first] = file;
        }
        const nlohmann::json index = {{"metadata", {{"total_size", totalBytes}}},
                                      {"weight_map", weightMap}};
        AtomicFile file(folder / "model.safetensors.index.json");
        file.stream() << index.dump(2) << "\n";
        file.commit();
    }
    writeConfigJson(config, folder / "config.json");
}

void savePretrained(const CausalLMImpl& model, const fs::path& folder,
                    std::optional<torch::Dtype> dtype, std::int64_t maxShardBytes) {
    writeModelFolder(model.hfWeights(), model.config(), folder, dtype.value_or(model.dtype()),
                     maxShardBytes);
}

std::string weightsHash(const CausalLMImpl& model) {
    hash::Hasher hasher;
    // Every config field that changes the function the weights compute, and nothing else.
    const ModelConfig& c = model.config();
    const RopeScaling& rope = c.ropeScaling;
    if (!rope.isDefault()) {
        hasher.update(fmt::format("rope {} {} {} {} {} ", rope.type, rope.factor,
                                  rope.lowFreqFactor, rope.highFreqFactor,
                                  rope.originalMaxPositions));
        if (rope.type == "longrope") {
            std::string factors = fmt::format("attention {} factors", rope.attentionFactor);
            for (const double x : rope.shortFactor) factors += fmt::format(" {}", x);
            for (const double x : rope.longFactor) factors += fmt::format(" {}", x);
            hasher.update(factors + " ");
        }
    }
    if (c.slidingWindow > 0) {
        std::string layers;
        for (const bool sliding : c.slidingLayers) layers += sliding ? 's' : 'f';
        hasher.update(fmt::format("window {} {} ", c.slidingWindow, layers));
    }
    if (c.gemma) {
        hasher.update(fmt::format("gemma {} {} {} {} ", c.queryPreAttnScalar, c.attnLogitSoftcap,
                                  c.finalLogitSoftcap, c.localRopeTheta));
    }
    hasher.update(fmt::format("{} V{} C{} L{} H{} Hkv{} D{} I{} P{} theta{} eps{} tie{} bias{}{}",
                              toString(c.family), c.vocabSize, c.hiddenSize, c.numLayers,
                              c.numHeads, c.numKvHeads, c.headDimension(), c.intermediateSize,
                              c.maxPositionEmbeddings, c.ropeTheta, c.normEps, c.tieWordEmbeddings,
                              c.attentionBias, c.attentionOutputBias));
    for (const auto& [name, param] : model.hfWeights()) {
        const torch::Tensor bytes = param.detach().to(torch::kCPU).contiguous();
        hasher.update(name);
        hasher.update(std::string(c10::toString(bytes.scalar_type())));
        hasher.update(shapeText(bytes.sizes()));
        hasher.update(bytes.data_ptr(), bytes.nbytes());
    }
    return hasher.hex();
}

}  // namespace ladder::model

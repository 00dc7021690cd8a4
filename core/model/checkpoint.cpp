// Loading and saving Hugging Face checkpoints. The model's parameters are registered under the
// checkpoint's names (see llama.h, gpt2.h), so the mapping is the identity, apart from GPT-2's
// optional "transformer." prefix and the tensors Hugging Face leaves in files that are no weights.
#include "core/model/checkpoint.h"

#include <fstream>
#include <map>
#include <memory>
#include <set>

#include <spdlog/fmt/fmt.h>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/common/hash.h"
#include "core/common/log.h"
#include "core/model/safetensors.h"
#include "core/model/shape_text.h"

namespace ladder::model {
namespace fs = std::filesystem;
namespace {

// A file's tensor name as the model names it.
std::string modelName(const ModelConfig& config, const std::string& fileName) {
    if (config.family == ModelFamily::Gpt2 && !fileName.starts_with("transformer.") &&
        !fileName.starts_with("lm_head.")) {
        return "transformer." + fileName;
    }
    return fileName;
}

// Tensors Hugging Face writes that hold no weights of ours.
bool isKnownLeftover(const ModelConfig& config, const std::string& name) {
    if (name.ends_with("rotary_emb.inv_freq")) return true;
    if (config.family == ModelFamily::Gpt2 &&
        (name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias"))) {
        return true;
    }
    return config.tieWordEmbeddings && name == "lm_head.weight";
}

std::string listSome(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > 5) out += " and " + std::to_string(names.size() - 5) + " more";
    return out;
}

std::string describeFiles(const std::vector<fs::path>& files) {
    std::string out;
    for (std::size_t i = 0; i < files.size() && i < 3; ++i) {
        out += (i ? ", " : "") + files[i].string();
    }
    if (files.size() > 3) out += " (+" + std::to_string(files.size() - 3) + " shards)";
    return out;
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
    std::ifstream in(indexPath, std::ios::binary);
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(indexPath.string() + ": is not valid JSON (" + e.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
        throw Error(indexPath.string() + ": missing field `weight_map` (tensor name -> file)");
    }
    std::set<std::string> shardNames;
    for (const auto& [tensor, file] : index["weight_map"].items()) {
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

void loadWeights(CausalLMImpl& model, const std::vector<fs::path>& files,
                 const LoadWeightsOptions& options) {
    const ModelConfig& config = model.config();
    std::vector<std::unique_ptr<SafetensorsFile>> opened;
    std::map<std::string, std::pair<const SafetensorsFile*, std::string>> found;  // model name
    std::vector<std::string> unexpected;
    for (const fs::path& path : files) {
        opened.push_back(std::make_unique<SafetensorsFile>(path));
        const SafetensorsFile& file = *opened.back();
        for (const std::string& name : file.names()) {
            const std::string mapped = modelName(config, name);
            if (const auto it = found.find(mapped); it != found.end()) {
                throw Error("tensor " + name + " is in both " + it->second.first->path().string() +
                            " and " + path.string() + ": the checkpoint is inconsistent");
            }
            found.emplace(mapped, std::make_pair(&file, name));
        }
    }

    const auto expected = model.hfWeights();
    std::set<std::string> expectedNames;
    std::vector<std::string> missing;
    std::vector<std::string> wrongShape;
    for (const auto& [name, param] : expected) {
        expectedNames.insert(name);
        const auto it = found.find(name);
        if (it == found.end()) {
            missing.push_back(name);
            continue;
        }
        const SafetensorsEntry& e = it->second.first->entry(it->second.second);
        if (c10::IntArrayRef(e.shape) != param.sizes()) {
            wrongShape.push_back(it->second.second + " is " + shapeText(e.shape) + " in " +
                                 it->second.first->path().filename().string() +
                                 ", the model expects " + shapeText(param.sizes()));
        } else if (!c10::isFloatingType(e.scalarType)) {
            wrongShape.push_back(it->second.second + " is " + e.dtype + ", not floating point");
        }
    }
    for (const auto& [name, source] : found) {
        if (!expectedNames.count(name) && !isKnownLeftover(config, name)) {
            unexpected.push_back(source.second);
        }
    }
    const std::string where = describeFiles(files) + " (model_type " + config.modelType + ")";
    if (!missing.empty()) {
        throw Error(where + ": missing " + std::to_string(missing.size()) + " tensor(s): " +
                    listSome(missing) + ": does the checkpoint match config.json?");
    }
    if (!wrongShape.empty()) {
        throw Error(where + ": " + listSome(wrongShape) + ": does the checkpoint match " +
                    "config.json?");
    }
    if (!unexpected.empty() && !options.ignoreUnexpected) {
        throw Error(where + ": " + std::to_string(unexpected.size()) +
                    " tensor(s) the model has no place for: " + listSome(unexpected) +
                    ": does the checkpoint match config.json?");
    }

    torch::NoGradGuard noGrad;
    for (const auto& [name, param] : expected) {
        const auto& [file, fileName] = found.at(name);
        torch::Tensor target = param;
        target.copy_(file->view(fileName));
    }
}

CausalLM loadPretrained(const fs::path& folder, torch::Device device, torch::Dtype dtype) {
    const ModelConfig config = readConfigJson(folder / "config.json");
    const auto files = weightFiles(folder);
    CausalLM model = buildModel(config, device, dtype);
    loadWeights(*model, files);
    log::get("model")->info("loaded {} ({}, {} layers, C {}) from {} on {} as {}",
                            folder.filename().string(), config.modelType, config.numLayers,
                            config.hiddenSize, folder.string(), device.str(), dtypeName(dtype));
    return model;
}

void savePretrained(const CausalLMImpl& model, const fs::path& folder,
                    std::optional<torch::Dtype> dtype) {
    const torch::Dtype saveAs = dtype.value_or(model.dtype());
    ModelConfig config = model.config();
    config.torchDtype = dtypeName(saveAs);
    (void)configToHfJson(config);  // refuse a config Hugging Face cannot express before writing
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw Error("cannot create " + folder.string() + ": " + ec.message());
    writeSafetensors(folder / "model.safetensors", model.hfWeights(), saveAs);
    writeConfigJson(config, folder / "config.json");
}

std::string weightsHash(const CausalLMImpl& model) {
    hash::Hasher hasher;
    // Every config field that changes the function the weights compute, and nothing else.
    const ModelConfig& c = model.config();
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

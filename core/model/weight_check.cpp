// Weight files against the weights a model needs. The model's parameters carry the checkpoint's
// names (see llama.h, gpt2.h), so the mapping is the identity, apart from GPT-2's optional
// "transformer." prefix and the tensors Hugging Face leaves in files that are no weights.
#include "core/model/weight_check.h"

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/model/shape_text.h"

namespace ladder::model {
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

std::vector<std::int64_t> sizesOf(const WeightShape& weight) {
    std::vector<std::int64_t> out;
    for (const WeightDim& d : weight.dims) out.push_back(d.size);
    return out;
}

// "hidden_size 131072 makes it [40, 131072]": the fields behind the sizes that differ (all of
// them when even the number of dimensions differs).
std::string fieldsThatDiffer(const WeightShape& weight, const std::vector<std::int64_t>& found) {
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < weight.dims.size(); ++i) {
        const WeightDim& d = weight.dims[i];
        if (found.size() == weight.dims.size() && found[i] == d.size) continue;
        const std::string field = std::string(d.field) + " " + std::to_string(d.size);
        if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
    }
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == fields.size() ? " and " : ", ") + fields[i];
    }
    return out + (fields.size() == 1 ? " makes it " : " make it ");
}

}  // namespace

void addFoundWeight(FoundWeights& found, const ModelConfig& config,
                    const SafetensorsTensorInfo& tensor, const std::filesystem::path& file,
                    std::size_t fileIndex) {
    const std::string name = modelName(config, tensor.name);
    if (const auto it = found.find(name); it != found.end()) {
        throw Error("tensor " + tensor.name + " is in both " + it->second.fileName + " and " +
                    file.string() + ": the checkpoint is inconsistent");
    }
    found.emplace(name, FoundWeight{fileIndex, file.filename().string(), tensor.name,
                                    tensor.dtype, tensor.shape});
}

void checkWeightsFit(const std::vector<WeightShape>& expected, const FoundWeights& found,
                     const ModelConfig& config, const std::string& where,
                     const std::string& configSource, bool ignoreUnexpected) {
    std::set<std::string> expectedNames;
    std::vector<std::string> missing;
    std::vector<std::string> wrong;
    std::vector<std::string> wrongType;
    for (const WeightShape& weight : expected) {
        expectedNames.insert(weight.name);
        const auto it = found.find(weight.name);
        if (it == found.end()) {
            missing.push_back(weight.name);
            continue;
        }
        const FoundWeight& f = it->second;
        const std::vector<std::int64_t> sizes = sizesOf(weight);
        if (f.shape != sizes) {
            wrong.push_back(f.nameInFile + " is " + shapeText(f.shape) + " in " + f.fileName +
                            (configSource.empty()
                                 ? ", the model expects " + shapeText(sizes)
                                 : ", but " + configSource + "'s " + fieldsThatDiffer(weight, f.shape) +
                                       shapeText(sizes)));
        } else if (!isFloatingDtype(f.dtype)) {
            wrongType.push_back(f.nameInFile + " is " + f.dtype + " in " + f.fileName);
        }
    }
    const std::string whatToDo = configSource.empty()
                                     ? "does the checkpoint match config.json?"
                                     : "check that config.json belongs to these weights";
    if (!missing.empty()) {
        throw Error(where + ": missing " + std::to_string(missing.size()) + " tensor(s): " +
                    listSome(missing) + ": " + whatToDo);
    }
    if (!wrong.empty()) throw Error(where + ": " + listSome(wrong) + ": " + whatToDo);
    if (!wrongType.empty()) {
        throw Error(where + ": " + listSome(wrongType) + ", not floating point: Ladder reads F32, "
                    "F16, BF16 and F64 weights; a quantized checkpoint (GPTQ, AWQ, bitsandbytes) "
                    "must be saved unquantized (float16 or bfloat16) first");
    }
    if (ignoreUnexpected) return;
    std::vector<std::string> unexpected;
    for (const auto& [name, f] : found) {
        if (!expectedNames.count(name) && !isKnownLeftover(config, name)) {
            unexpected.push_back(f.nameInFile);
        }
    }
    if (!unexpected.empty()) {
        throw Error(where + ": " + std::to_string(unexpected.size()) +
                    " tensor(s) the model has no place for: " + listSome(unexpected) + ": " +
                    whatToDo);
    }
}

}  // namespace ladder::model

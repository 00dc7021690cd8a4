// ladder-cli model info | logits | generate | loss: a model folder as Ladder reads it, its logits
// for given token ids (a safetensors file the oracle tests compare with transformers'), greedy
// continuations of token ids without any prompt template, and one training step's loss and metrics
// on given token ids (what the TRL oracle compares with DPOTrainer and SFTTrainer).
#include <cstdio>
#include <memory>
#include <sstream>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/checkpoint.h"
#include "core/model/generation.h"
#include "core/model/safetensors.h"
#include "core/train/batch.h"
#include "core/train/loss.h"
#include "core/train/model_source.h"
#include "core/train/train_step.h"

namespace ladder::cli {
namespace {

struct ModelArgs {
    std::string folder;
    std::vector<std::string> ids;  // each "1 2 3"
    std::string out;
    std::int64_t maxNewTokens = 32;
    bool ignoreEos = false;
    std::string device = "cpu";
    // model loss
    std::string reference;
    std::string pairs;
    std::string loss;
    std::string lossParams = "{}";
    bool noPrefixSharing = false;
    std::int64_t microBatch = 0;  // pairs per micro-batch; 0: all in one
};

std::vector<std::int64_t> parseIds(const std::string& text) {
    std::vector<std::int64_t> ids;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        try {
            std::size_t used = 0;
            ids.push_back(std::stoll(word, &used));
            if (used != word.size()) throw std::invalid_argument(word);
        } catch (const std::exception&) {
            throw Error("--ids takes token ids separated by spaces, e.g. \"1 15043 29871\"; '" +
                        word + "' is not one");
        }
    }
    if (ids.empty()) throw Error("--ids is empty: give at least one token id");
    return ids;
}

model::CausalLM load(const ModelArgs& args) {
    if (args.folder.empty()) throw Error("give the model folder: --model DIR");
    return model::loadPretrained(args.folder, model::parseDevice(args.device), torch::kFloat);
}

void checkIds(const model::CausalLMImpl& m, const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) {
        if (id < 0 || id >= m.config().vocabSize) {
            throw Error("token id " + std::to_string(id) + " is outside the model's vocabulary (" +
                        std::to_string(m.config().vocabSize) + " ids)");
        }
    }
}

void info(const ModelArgs& args) {
    const auto m = load(args);
    const auto& c = m->config();
    std::int64_t parameters = 0;
    for (const auto& p : m->parameters()) parameters += p.numel();
    std::printf("model_type   %s (%s family)\n", c.modelType.c_str(), model::toString(c.family));
    std::printf("layers %lld, hidden %lld, heads %lld (kv %lld, head dim %lld), mlp %lld\n",
                static_cast<long long>(c.numLayers), static_cast<long long>(c.hiddenSize),
                static_cast<long long>(c.numHeads), static_cast<long long>(c.numKvHeads),
                static_cast<long long>(c.headDimension()),
                static_cast<long long>(c.intermediateSize));
    std::printf("vocabulary %lld, tied embeddings %s, saved as %s\n",
                static_cast<long long>(c.vocabSize), c.tieWordEmbeddings ? "yes" : "no",
                c.torchDtype.c_str());
    const std::string attention = model::attentionText(c);
    if (!attention.empty()) std::printf("attention  %s\n", attention.c_str());
    std::printf("parameters %lld\n", static_cast<long long>(parameters));
}

void logits(const ModelArgs& args) {
    if (args.out.empty()) throw Error("give the file to write: --out logits.safetensors");
    const auto m = load(args);
    torch::NoGradGuard noGrad;
    m->eval();
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (std::size_t i = 0; i < args.ids.size(); ++i) {
        const auto ids = parseIds(args.ids[i]);
        checkIds(*m, ids);
        model::ForwardInput input;
        input.inputIds = torch::tensor(ids, torch::kLong).unsqueeze(0).to(m->device());  // (1, T)
        const auto out = m->forward(input).squeeze(0).to(torch::kCPU, torch::kFloat);    // (T, V)
        tensors.emplace_back("logits." + std::to_string(i), out.contiguous());
    }
    model::writeSafetensors(args.out, tensors);
    std::printf("wrote the logits of %zu sequences to %s\n", tensors.size(), args.out.c_str());
}

void generateIds(const ModelArgs& args) {
    const auto m = load(args);
    std::vector<std::vector<std::int64_t>> prompts;
    for (const auto& text : args.ids) {
        prompts.push_back(parseIds(text));
        checkIds(*m, prompts.back());
    }
    if (prompts.empty()) throw Error("give the prompt's token ids: --ids \"1 2 3\"");
    model::GenerationOptions options;
    options.maxNewTokens = args.maxNewTokens;
    if (args.ignoreEos) options.stopIds = {-1};  // no id is -1: only the length ends a row
    for (const auto& g : model::generate(*m, prompts, options)) {
        std::string line;
        for (const auto t : g.tokens) line += (line.empty() ? "" : " ") + std::to_string(t);
        std::printf("%s\n", line.c_str());
    }
}

std::vector<std::int64_t> idsOf(const nlohmann::json& row, const char* key, std::size_t index,
                                const std::string& file) {
    const auto where = file + ": pair " + std::to_string(index) + ": ";
    if (!row.contains(key) || !row.at(key).is_array()) {
        throw Error(where + "`" + key + "` must be a list of token ids");
    }
    std::vector<std::int64_t> ids;
    for (const auto& v : row.at(key)) {
        if (!v.is_number_integer()) throw Error(where + "`" + key + "` holds a non-integer");
        ids.push_back(v.get<std::int64_t>());
    }
    return ids;
}

// A pairs file: [{"prompt": [ids], "chosen": [ids], "rejected": [ids], "tier": "easy"}, ...],
// already tokenised (no template, no EOS added: the ids are the answers as trained).
std::vector<train::TokenizedPair> readIdPairs(const std::string& file, std::int64_t vocabSize) {
    const auto rows = json::readFile(file);
    if (!rows.is_array() || rows.empty()) {
        throw Error(file + ": expected a non-empty list of {\"prompt\", \"chosen\", \"rejected\"}");
    }
    std::vector<train::TokenizedPair> pairs;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows.at(i);
        if (!row.is_object()) throw Error(file + ": pair " + std::to_string(i) + " is not an object");
        train::TokenizedPair p;
        p.pairId = static_cast<std::int64_t>(i);
        p.tier = row.value("tier", std::string());
        p.prompt = idsOf(row, "prompt", i, file);
        p.chosen = idsOf(row, "chosen", i, file);
        p.rejected = idsOf(row, "rejected", i, file);
        if (p.prompt.empty() || p.chosen.empty() || p.rejected.empty()) {
            throw Error(file + ": pair " + std::to_string(i) +
                        ": the prompt and both answers need at least one token");
        }
        for (const auto* ids : {&p.prompt, &p.chosen, &p.rejected}) {
            for (const auto id : *ids) {
                if (id < 0 || id >= vocabSize) {
                    throw Error(file + ": pair " + std::to_string(i) + ": token id " +
                                std::to_string(id) + " is outside the model's vocabulary (" +
                                std::to_string(vocabSize) + " ids)");
                }
            }
        }
        pairs.push_back(std::move(p));
    }
    return pairs;
}

// One training step on one batch, through the trainer's own code: the loss of the registry,
// collate, the reference log-probs, TrainStep (forward, loss, backward, gradient norm) and the
// step's metrics. The step runs at learning rate 0 and nothing is saved: the given weights are
// what every number describes. Prints {"method", "parameters", "metrics": {name: value}}.
void lossOfPairs(const ModelArgs& args) {
    if (args.pairs.empty()) throw Error("give the pairs: --pairs FILE (a JSON list of token ids)");
    auto loss = train::lossRegistry().create(args.loss);
    loss->configure(json::parseText(args.lossParams, "--loss-params"));
    const auto device = model::parseDevice(args.device);
    auto policy = model::loadPretrained(args.folder, device, torch::kFloat);
    model::CausalLM reference{nullptr};
    if (loss->needsReference()) {
        if (args.reference.empty()) {
            throw Error("loss '" + args.loss + "' compares with a reference model: give --reference DIR");
        }
        reference = model::loadPretrained(args.reference, device, torch::kFloat);
        reference->eval();
    } else if (!args.reference.empty()) {
        throw Error("loss '" + args.loss + "' uses no reference model: leave out --reference");
    }
    const auto pairs = readIdPairs(args.pairs, policy->config().vocabSize);
    std::vector<const train::TokenizedPair*> pointers;
    for (const auto& p : pairs) pointers.push_back(&p);

    train::ForwardOptions forward;
    forward.prefixSharing = !args.noPrefixSharing;
    const bool withRejected = loss->usesRejected();
    // Consecutive micro-batches of --micro-batch pairs, as the trainer accumulates gradients.
    const auto size = args.microBatch > 0 ? static_cast<std::size_t>(args.microBatch) : pointers.size();
    std::vector<train::Batch> micro;
    std::vector<train::ReferenceLogps> refs;
    std::vector<std::string> tiers;
    for (std::size_t at = 0; at < pointers.size(); at += size) {
        const std::vector<const train::TokenizedPair*> part(
            pointers.begin() + static_cast<std::ptrdiff_t>(at),
            pointers.begin() + static_cast<std::ptrdiff_t>(std::min(at + size, pointers.size())));
        micro.push_back(train::collate(part, withRejected, /*padId=*/0, device));
        refs.push_back(withRejected && reference
                           ? train::referenceLogps(*reference, micro.back(), forward)
                           : train::ReferenceLogps{});
        tiers.insert(tiers.end(), micro.back().tiers.begin(), micro.back().tiers.end());
    }
    std::vector<const train::Batch*> batches;
    for (const auto& b : micro) batches.push_back(&b);
    const std::shared_ptr<const train::PreferenceLoss> shared = std::move(loss);
    train::TrainStep step(policy, shared, train::OptimizerSpec{}, forward);
    const auto result = step.run(batches, refs, /*lr=*/0.0);

    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [name, value] : train::stepMetrics(result, tiers)) metrics[name] = value;
    const nlohmann::json out = {{"method", args.loss},
                                {"parameters", shared->parameters()},
                                {"pairs", pairs.size()},
                                {"micro_batches", micro.size()},
                                {"tokens", result.tokens},
                                {"metrics", metrics}};
    std::printf("%s\n", out.dump(2).c_str());
}

}  // namespace

void addModelCommands(CLI::App& app, CliContext& context) {
    (void)context;
    auto args = std::make_shared<ModelArgs>();
    auto* model = app.add_subcommand("model", "Inspect a Hugging Face model folder as Ladder reads it");
    model->require_subcommand(1);
    auto addFolder = [&](CLI::App* c) {
        c->add_option("--model", args->folder, "The model folder (config.json, *.safetensors)")
            ->required();
        c->add_option("--device", args->device, "cpu, cuda or cuda:N");
    };
    auto* infoCmd = model->add_subcommand("info", "Architecture, sizes and parameter count");
    addFolder(infoCmd);
    infoCmd->callback([args] { info(*args); });

    auto* logitsCmd = model->add_subcommand(
        "logits", "Write the logits (T, V) for token ids into a safetensors file (float32)");
    addFolder(logitsCmd);
    logitsCmd->add_option("--ids", args->ids, "Token ids separated by spaces (repeatable)")
        ->required();
    logitsCmd->add_option("--out", args->out, "The safetensors file: logits.0, logits.1, ...")
        ->required();
    logitsCmd->callback([args] { logits(*args); });

    auto* generateCmd = model->add_subcommand(
        "generate", "Greedy continuation of token ids (no template, no tokenizer); one line each");
    addFolder(generateCmd);
    generateCmd->add_option("--ids", args->ids, "Prompt token ids (repeatable: a batch)")->required();
    generateCmd->add_option("--max-new-tokens", args->maxNewTokens, "Tokens to generate at most")
        ->check(CLI::Range(1, 100000));
    generateCmd->add_flag("--ignore-eos", args->ignoreEos, "Go on past the end-of-sequence id");
    generateCmd->callback([args] { generateIds(*args); });

    auto* lossCmd = model->add_subcommand(
        "loss", "One training step's loss and metrics on token-id pairs (JSON on stdout; the "
                "weights are not changed)");
    addFolder(lossCmd);
    lossCmd->add_option("--reference", args->reference,
                        "The reference model folder (losses that compare with one)");
    lossCmd->add_option("--pairs", args->pairs,
                        "A JSON list of {\"prompt\": [ids], \"chosen\": [ids], \"rejected\": [ids]}")
        ->required();
    lossCmd->add_option("--loss", args->loss, "A loss of the registry: sft, dpo, ipo, robust, ...")
        ->required();
    lossCmd->add_option("--loss-params", args->lossParams,
                        "The loss's knobs as in a run config's `loss`, e.g. '{\"beta\": 0.1}'");
    lossCmd->add_flag("--no-prefix-sharing", args->noPrefixSharing,
                      "Each row is prompt + answer (else one prompt forward per pair)");
    lossCmd->add_option("--micro-batch", args->microBatch,
                        "Pairs per micro-batch (gradient accumulation over the rest); default all")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
    lossCmd->callback([args] { lossOfPairs(*args); });
}

}  // namespace ladder::cli

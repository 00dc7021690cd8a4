// ladder-cli model info | logits | generate: a model folder as Ladder reads it, its logits for
// given token ids (a safetensors file the oracle tests compare with transformers'), and greedy
// continuations of token ids without any prompt template.
#include <cstdio>
#include <memory>
#include <sstream>

#include <torch/torch.h>

#include "app/cli/cli_context.h"
#include "core/common/error.h"
#include "core/model/checkpoint.h"
#include "core/model/generation.h"
#include "core/model/safetensors.h"
#include "core/train/model_source.h"

namespace ladder::cli {
namespace {

struct ModelArgs {
    std::string folder;
    std::vector<std::string> ids;  // each "1 2 3"
    std::string out;
    std::int64_t maxNewTokens = 32;
    bool ignoreEos = false;
    std::string device = "cpu";
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
    return model::loadPretrained(args.folder, train::parseDevice(args.device), torch::kFloat);
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
}

}  // namespace ladder::cli

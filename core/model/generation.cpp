// generate(): a left-padded batch, one forward over the prompts, then one token per step.
#include "core/model/generation.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/common/error.h"

namespace ladder::model {
namespace {

// One token from (V) float logits: argmax at temperature 0, else a seeded top-p draw.
std::int64_t pickToken(const float* logits, std::int64_t vocab, const GenerationOptions& options,
                       std::mt19937_64& rng) {
    if (options.temperature <= 0.0) {
        return std::max_element(logits, logits + vocab) - logits;
    }
    const float top = *std::max_element(logits, logits + vocab);
    std::vector<std::pair<double, std::int64_t>> probs(static_cast<std::size_t>(vocab));
    double total = 0.0;
    for (std::int64_t i = 0; i < vocab; ++i) {
        const double p = std::exp((static_cast<double>(logits[i]) - top) / options.temperature);
        probs[static_cast<std::size_t>(i)] = {p, i};
        total += p;
    }
    std::sort(probs.begin(), probs.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    // Keep tokens while the mass before them is below topP: the first always stays.
    double kept = 0.0;
    std::size_t count = 0;
    // Top-k first (as transformers applies it before top-p): the mass is of the k kept.
    if (options.topK > 0 && static_cast<std::size_t>(options.topK) < probs.size()) {
        total = 0.0;
        for (std::int64_t i = 0; i < options.topK; ++i) total += probs[static_cast<std::size_t>(i)].first;
    }
    const std::size_t most = options.topK > 0 ? std::min<std::size_t>(probs.size(), options.topK)
                                               : probs.size();
    while (count < most && (count == 0 || kept < options.topP * total)) {
        kept += probs[count++].first;
    }
    std::uniform_real_distribution<double> uniform(0.0, kept);
    double draw = uniform(rng);
    for (std::size_t i = 0; i < count; ++i) {
        draw -= probs[i].first;
        if (draw < 0.0) return probs[i].second;
    }
    return probs[count - 1].second;
}

bool endsWith(const std::vector<std::int64_t>& tokens, const std::vector<std::int64_t>& tail) {
    return !tail.empty() && tokens.size() >= tail.size() &&
           std::equal(tail.begin(), tail.end(), tokens.end() - static_cast<long>(tail.size()));
}

}  // namespace

const char* toString(StopReason reason) {
    switch (reason) {
        case StopReason::Eos:
            return "eos";
        case StopReason::StopSequence:
            return "stop_sequence";
        case StopReason::StopWhen:
            return "stop_when";
        case StopReason::MaxTokens:
            return "max_tokens";
    }
    return "?";
}

std::vector<Generation> generate(CausalLMImpl& model,
                                 const std::vector<std::vector<std::int64_t>>& prompts,
                                 const GenerationOptions& options) {
    const ModelConfig& config = model.config();
    const auto b = static_cast<std::int64_t>(prompts.size());
    if (b == 0) return {};
    if (options.topP <= 0.0 || options.topP > 1.0) {
        throw Error("generation: top_p must be in (0, 1], got " + std::to_string(options.topP));
    }
    if (options.topK < 0) {
        throw Error("generation: top_k must be 0 (no limit) or more, got " +
                    std::to_string(options.topK));
    }
    std::int64_t promptLength = 0;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
        if (prompts[i].empty()) {
            throw Error("generation: prompt " + std::to_string(i) +
                        " has no tokens: start it with BOS or the template's text");
        }
        promptLength = std::max<std::int64_t>(promptLength, prompts[i].size());
    }
    const std::vector<std::int64_t> stopIds =
        options.stopIds.empty() ? config.eosTokenIds : options.stopIds;
    const std::int64_t padId =
        config.padTokenId >= 0 && config.padTokenId < config.vocabSize ? config.padTokenId : 0;

    torch::NoGradGuard noGrad;
    const torch::Device device = model.device();
    // Left padding: every row's last prompt token sits in the last column.
    auto ids = torch::full({b, promptLength}, padId, torch::kLong);  // (B, P)
    auto mask = torch::zeros({b, promptLength}, torch::kBool);       // (B, P)
    for (std::int64_t r = 0; r < b; ++r) {
        const auto& prompt = prompts[static_cast<std::size_t>(r)];
        const auto n = static_cast<std::int64_t>(prompt.size());
        ids[r].narrow(0, promptLength - n, n).copy_(torch::tensor(prompt, torch::kLong));
        mask[r].narrow(0, promptLength - n, n).fill_(true);
    }
    ids = ids.to(device);
    mask = mask.to(device);

    std::vector<Generation> out(prompts.size());
    std::vector<bool> done(prompts.size(), false);
    std::size_t remaining = prompts.size();
    std::mt19937_64 rng(options.seed);
    KvCache cache;
    torch::Tensor nextInput = ids;                                      // (B, T)
    torch::Tensor positions = positionIdsFromMask(mask, promptLength);  // (B, T)
    const RopeScaling& rope = config.ropeScaling;
    for (std::int64_t step = 0; step < options.maxNewTokens && remaining > 0; ++step) {
        // Phi-3's longrope turns every position differently once the text outgrows the
        // pretraining context: the keys cached before are dropped and the whole text is encoded
        // again, once, as transformers' Phi3ForCausalLM does.
        if (rope.type == "longrope" && !cache.empty() &&
            ids.size(1) > rope.originalMaxPositions &&
            cache.pastLength() <= rope.originalMaxPositions) {
            cache = KvCache();
            nextInput = ids;
            positions = positionIdsFromMask(mask, ids.size(1));
        }
        ForwardInput input;
        if (options.useCache) {
            input = ForwardInput{nextInput, positions, mask, &cache};
        } else {
            input = ForwardInput{ids, positionIdsFromMask(mask, ids.size(1)), mask, nullptr};
        }
        const auto hidden = model.hidden(input);                               // (B, T, C)
        const auto last = model.logits(hidden.select(1, hidden.size(1) - 1));  // (B, V)
        const auto logits = last.to(torch::kCPU, torch::kFloat).contiguous();  // (B, V)

        std::vector<std::int64_t> chosen(prompts.size(), padId);
        for (std::size_t r = 0; r < prompts.size(); ++r) {
            if (done[r]) continue;
            const float* row =
                logits.data_ptr<float>() + r * static_cast<std::size_t>(config.vocabSize);
            const std::int64_t token = pickToken(row, config.vocabSize, options, rng);
            chosen[r] = token;
            Generation& g = out[r];
            if (std::find(stopIds.begin(), stopIds.end(), token) != stopIds.end()) {
                g.reason = StopReason::Eos;
            } else {
                g.tokens.push_back(token);
                for (const auto& sequence : options.stopSequences) {
                    if (endsWith(g.tokens, sequence)) {
                        g.tokens.resize(g.tokens.size() - sequence.size());
                        g.reason = StopReason::StopSequence;
                        break;
                    }
                }
                if (g.reason == StopReason::MaxTokens && options.stopWhen &&
                    options.stopWhen(r, g.tokens)) {
                    g.reason = StopReason::StopWhen;
                }
            }
            if (g.reason != StopReason::MaxTokens) {
                done[r] = true;
                --remaining;
            }
        }

        // Finished rows keep feeding padding: cheaper than reshaping the batch and the cache.
        nextInput = torch::tensor(chosen, torch::kLong).to(device).unsqueeze(1);  // (B, 1)
        positions = positions.select(1, positions.size(1) - 1).unsqueeze(1) + 1;  // (B, 1)
        ids = torch::cat({ids, nextInput}, 1);                                    // (B, P + n)
        mask = torch::cat({mask, torch::ones({b, 1}, mask.options())}, 1);        // (B, P + n)
    }
    return out;
}

}  // namespace ladder::model

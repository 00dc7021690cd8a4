#include "core/demo/demo_models.h"

#include <algorithm>
#include <array>

#include "core/common/lists.h"
#include "core/common/random.h"

namespace ladder::demo {
namespace {

std::string swapTwo(std::string s, random::Stream& rng) {
    if (s.size() < 2) return s + s;
    const std::size_t i = rng.below(s.size() - 1);
    std::swap(s[i], s[i + 1]);
    return s;
}

std::vector<std::string> words(const std::string& s) {
    const auto pieces = text::split(s, ' ');
    return {pieces.begin(), pieces.end()};
}

std::string operandOf(const std::string& instruction) {
    // The last space-separated token, without trailing punctuation: the word or list operated on.
    std::string last = instruction.substr(instruction.rfind(' ') + 1);
    while (!last.empty() && (last.back() == '?' || last.back() == '.')) last.pop_back();
    return last;
}

// A plausible wrong answer for the prompt's kind of task.
std::string mistake(const DemoPrompt& p, random::Stream& rng) {
    const std::string& e = p.expected;
    switch (p.kind) {
        case TaskKind::Reverse:
            return rng.chance(0.5) ? operandOf(p.instruction) : swapTwo(e, rng);
        case TaskKind::SortLetters:
            return rng.chance(0.5) ? swapTwo(e, rng) : std::string(e.rbegin(), e.rend());
        case TaskKind::SortNumbers: {
            auto n = words(e);
            if (rng.chance(0.5)) {
                std::reverse(n.begin(), n.end());
            } else if (n.size() > 1) {
                n.erase(n.begin() + static_cast<std::ptrdiff_t>(rng.below(n.size())));
            }
            return text::join(n, " ");
        }
        case TaskKind::CountLetters:
        case TaskKind::CountLetter:
        case TaskKind::Add: {
            const long value = std::stol(e);
            static constexpr std::array<long, 6> kOffsets = {-2, -1, 1, 2, 10, -10};
            long wrong = value + kOffsets[rng.below(kOffsets.size())];
            if (wrong < 0) wrong = value + 1;
            return std::to_string(wrong);
        }
        case TaskKind::Upper: {
            std::string lower = e;
            for (char& c : lower) {
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            }
            if (rng.chance(0.5)) return lower;
            // Title case: capitals only at the start of each word.
            for (std::size_t i = 0; i < lower.size(); ++i) {
                if ((i == 0 || lower[i - 1] == ' ') && lower[i] >= 'a' && lower[i] <= 'z') {
                    lower[i] = static_cast<char>(lower[i] - 'a' + 'A');
                }
            }
            return lower;
        }
        case TaskKind::NthWord: {
            const auto list = words(p.instruction.substr(p.instruction.find(": ") + 2));
            std::vector<std::string> others;
            for (const auto& w : list) {
                if (w != e) others.push_back(w);
            }
            return others.empty() ? e + "s" : others[rng.below(others.size())];
        }
    }
    return e + "?";
}

std::string offFormat(const std::string& content, random::Stream& rng) {
    switch (rng.below(4)) {
        case 0:
            return "The answer is " + content + ".";
        case 1:
            return "Answer: " + content;
        case 2:
            return content + ".";
        default:
            return "Sure! " + content;
    }
}

}  // namespace

const std::vector<ModelProfile>& demoModels() {
    static const std::vector<ModelProfile> models = {
        {"strong", 0.97, 0.98},
        {"medium", 0.66, 0.85},
        {"weak", 0.20, 0.45},
    };
    return models;
}

std::string simulateAnswer(const DemoPrompt& prompt, const ModelProfile& model, std::uint64_t seed,
                           std::uint64_t index) {
    random::Stream rng(random::keyed(seed, random::fnv1a(model.name), index));
    std::string content = prompt.expected;
    if (!rng.chance(model.correct)) {
        content = mistake(prompt, rng);
        if (content == prompt.expected) content += prompt.kind == TaskKind::Upper ? "S" : "s";
    }
    return rng.chance(model.formatted) ? content : offFormat(content, rng);
}

}  // namespace ladder::demo

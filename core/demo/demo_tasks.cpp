#include "core/demo/demo_tasks.h"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include "core/common/error.h"
#include "core/common/lists.h"
#include "core/common/random.h"

namespace ladder::demo {
namespace {

// Short, common, lower-case words: the operands of the word tasks.
constexpr std::string_view kWords[] = {
    "apple",  "river",  "stone",  "garden", "planet", "window", "candle", "forest", "silver",
    "orange", "bridge", "pencil", "rocket", "tiger",  "castle", "monkey", "butter", "summer",
    "winter", "spring", "autumn", "market", "yellow", "purple", "basket", "button", "cookie",
    "dragon", "engine", "flower", "guitar", "hammer", "island", "jacket", "kitten", "ladder",
    "magnet", "needle", "pepper", "rabbit", "saddle", "temple", "valley", "walnut", "zipper",
    "anchor", "barrel", "cactus", "dinner", "energy", "falcon", "ginger", "harbor", "insect",
    "jungle", "kettle", "lemon",  "mirror", "nickel", "oyster", "parrot", "quiver", "ribbon",
    "salmon", "tunnel", "velvet", "wizard", "yogurt", "zebra",  "bread",  "cloud",  "dance",
    "eagle",  "flame",  "grape",  "honey",  "ivory",  "juice",  "knife",  "light",  "maple",
    "night",  "ocean",  "piano",  "queen",  "robin",  "sugar",  "table",  "uncle",  "voice",
    "water",  "youth",  "brick",  "chair",  "drum",   "frog",   "goat",   "hill",   "iron",
    "jar",    "kite",   "lamp",   "moon",   "nest",   "owl",    "pear",   "rain",   "sand",
    "tree",   "vase",   "wolf",   "yard",   "ant",    "bee",    "cat",    "dog",    "egg",
    "fox",    "hat",    "ink",    "jam",    "key",    "leaf",   "map",    "net",    "oak",
    "pig",    "ram",    "sun",    "toy",    "van",    "web",    "box",    "cup",    "fan",
    "gem",    "hen",    "kiwi",   "lion",   "mint",   "nose",   "pine",   "rose",   "ship",
    "tent",   "wind",   "bell",   "coin",   "desk",   "fish",   "gold",   "horn",   "lake",
    "milk",   "nail",   "palm",   "ring",   "salt",   "tide",   "wall",   "bird",   "corn",
    "door",   "farm",   "gate",   "king",   "lock",   "mask",   "note",   "park",   "road",
    "seed",   "tail",   "wave",   "beach",  "clock",  "dream",  "field",  "glass",  "horse",
    "jewel",  "lunch",  "mouse",  "nurse",  "paint",  "crane",  "sheep",  "train",  "whale",
    "badge",  "camel",  "daisy",  "fairy",  "ghost",  "heart",  "igloo",  "koala",  "llama",
    "melon",  "noble",  "olive",  "pizza",  "quilt",  "radio",  "snake",  "tulip",  "vivid",
    "wheat",  "pixel",  "orbit",  "comet",  "lunar",  "solar",  "metal",  "paper",  "music",
    "story",  "smile",  "storm",  "sword",  "tower",  "truck",  "berry",  "cabin",  "delta",
    "ember",  "frost",  "globe",  "haven",  "jolly",  "karma",  "lotus",  "mango"};

constexpr std::string_view kReverse = "Reverse the word: ";
constexpr std::string_view kSortLettersA = "Sort the letters of ";
constexpr std::string_view kSortLettersB = " alphabetically.";
constexpr std::string_view kSortNumbers = "Sort these numbers ascending: ";
constexpr std::string_view kCountLettersA = "How many letters are in the word ";
constexpr std::string_view kCountLetterA = "How many times does '";
constexpr std::string_view kCountLetterB = "' appear in ";
constexpr std::string_view kAddA = "What is the sum of ";
constexpr std::string_view kAddB = " and ";
constexpr std::string_view kUpper = "Write in capital letters: ";
constexpr std::string_view kNthA = "Give word number ";
constexpr std::string_view kNthB = " of: ";

std::string_view word(random::Stream& rng) {
    return kWords[rng.below(std::size(kWords))];
}

bool isWord(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool isNumber(std::string_view s) {
    return !s.empty() && s.size() <= 6 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}
bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The part of s between a prefix and a suffix, or nullopt when s does not have them.
std::optional<std::string_view> between(std::string_view s, std::string_view prefix,
                                        std::string_view suffix) {
    if (s.size() < prefix.size() + suffix.size() || !startsWith(s, prefix) ||
        !endsWith(s, suffix)) {
        return std::nullopt;
    }
    return s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
}

std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::string makeInstruction(TaskKind kind, random::Stream& rng) {
    switch (kind) {
        case TaskKind::Reverse:
            return std::string(kReverse) + std::string(word(rng));
        case TaskKind::SortLetters:
            return std::string(kSortLettersA) + std::string(word(rng)) + std::string(kSortLettersB);
        case TaskKind::SortNumbers: {
            std::vector<std::string> numbers;
            const auto n = rng.between(3, 5);
            for (std::int64_t i = 0; i < n; ++i) numbers.push_back(std::to_string(rng.below(100)));
            return std::string(kSortNumbers) + joinWords(numbers);
        }
        case TaskKind::CountLetters:
            return std::string(kCountLettersA) + std::string(word(rng)) + "?";
        case TaskKind::CountLetter: {
            const std::string_view w = word(rng);
            // Mostly a letter of the word, sometimes one it lacks (answer 0).
            const char c = rng.chance(0.8) ? w[rng.below(w.size())] : char('a' + rng.below(26));
            return std::string(kCountLetterA) + c + std::string(kCountLetterB) + std::string(w) +
                   "?";
        }
        case TaskKind::Add:
            return std::string(kAddA) + std::to_string(rng.below(100)) + std::string(kAddB) +
                   std::to_string(rng.below(100)) + "?";
        case TaskKind::Upper: {
            std::vector<std::string> words;
            const auto n = rng.between(2, 3);
            for (std::int64_t i = 0; i < n; ++i) words.emplace_back(word(rng));
            return std::string(kUpper) + joinWords(words);
        }
        case TaskKind::NthWord: {
            std::vector<std::string> words;
            const auto n = rng.between(3, 5);
            for (std::int64_t i = 0; i < n; ++i) words.emplace_back(word(rng));
            return std::string(kNthA) + std::to_string(rng.between(1, n)) + std::string(kNthB) +
                   joinWords(words);
        }
    }
    return {};
}

}  // namespace

const char* toString(TaskKind kind) {
    switch (kind) {
        case TaskKind::Reverse:
            return "reverse";
        case TaskKind::SortLetters:
            return "sort-letters";
        case TaskKind::SortNumbers:
            return "sort-numbers";
        case TaskKind::CountLetters:
            return "count-letters";
        case TaskKind::CountLetter:
            return "count-letter";
        case TaskKind::Add:
            return "add";
        case TaskKind::Upper:
            return "upper-case";
        case TaskKind::NthWord:
            return "nth-word";
    }
    return "unknown";
}

const std::vector<TaskKind>& allTaskKinds() {
    static const std::vector<TaskKind> kinds = {
        TaskKind::Reverse,     TaskKind::SortLetters, TaskKind::SortNumbers, TaskKind::CountLetters,
        TaskKind::CountLetter, TaskKind::Add,         TaskKind::Upper,       TaskKind::NthWord};
    return kinds;
}

std::optional<ParsedInstruction> parseInstruction(std::string_view s) {
    if (auto w = between(s, kReverse, ""); w && isWord(*w)) {
        return ParsedInstruction{TaskKind::Reverse, std::string(w->rbegin(), w->rend())};
    }
    if (auto w = between(s, kSortLettersA, kSortLettersB); w && isWord(*w)) {
        std::string sorted(*w);
        std::sort(sorted.begin(), sorted.end());
        return ParsedInstruction{TaskKind::SortLetters, sorted};
    }
    if (auto list = between(s, kSortNumbers, "")) {
        std::vector<int> numbers;
        for (std::string_view n : text::split(*list, ' ')) {
            if (!isNumber(n)) return std::nullopt;
            numbers.push_back(std::stoi(std::string(n)));
        }
        std::sort(numbers.begin(), numbers.end());
        std::vector<std::string> out;
        for (int n : numbers) out.push_back(std::to_string(n));
        return ParsedInstruction{TaskKind::SortNumbers, joinWords(out)};
    }
    if (auto w = between(s, kCountLettersA, "?"); w && isWord(*w)) {
        return ParsedInstruction{TaskKind::CountLetters, std::to_string(w->size())};
    }
    if (auto rest = between(s, kCountLetterA, "?"); rest && rest->size() > kCountLetterB.size()) {
        const char c = (*rest)[0];
        const std::string_view w = rest->substr(1 + kCountLetterB.size());
        if (rest->substr(1, kCountLetterB.size()) == kCountLetterB && isWord(w) && c >= 'a' &&
            c <= 'z') {
            return ParsedInstruction{TaskKind::CountLetter,
                                     std::to_string(std::count(w.begin(), w.end(), c))};
        }
        return std::nullopt;
    }
    if (auto rest = between(s, kAddA, "?")) {
        const std::size_t and_ = rest->find(kAddB);
        if (and_ == std::string_view::npos) return std::nullopt;
        const std::string_view a = rest->substr(0, and_);
        const std::string_view b = rest->substr(and_ + kAddB.size());
        if (!isNumber(a) || !isNumber(b)) return std::nullopt;
        return ParsedInstruction{
            TaskKind::Add, std::to_string(std::stoi(std::string(a)) + std::stoi(std::string(b)))};
    }
    if (auto phrase = between(s, kUpper, "")) {
        std::string upper;
        for (std::string_view w : text::split(*phrase, ' ')) {
            if (!isWord(w)) return std::nullopt;
            if (!upper.empty()) upper += ' ';
            for (char c : w) upper += static_cast<char>(c - 'a' + 'A');
        }
        return ParsedInstruction{TaskKind::Upper, upper};
    }
    if (auto rest = between(s, kNthA, "")) {
        const std::size_t of = rest->find(kNthB);
        if (of == std::string_view::npos) return std::nullopt;
        const std::string_view n = rest->substr(0, of);
        const auto words = text::split(rest->substr(of + kNthB.size()), ' ');
        if (!isNumber(n)) return std::nullopt;
        for (std::string_view w : words) {
            if (!isWord(w)) return std::nullopt;
        }
        const int index = std::stoi(std::string(n));
        if (index < 1 || index > static_cast<int>(words.size())) return std::nullopt;
        return ParsedInstruction{TaskKind::NthWord, std::string(words[index - 1])};
    }
    return std::nullopt;
}

std::vector<DemoPrompt> generatePrompts(int count, std::uint64_t seed) {
    if (count <= 0)
        throw Error("the demo needs at least one prompt (asked for " + std::to_string(count) + ")");
    random::Stream rng(random::keyed(seed, 0x70726F6D7074ull));  // "prompt"
    const auto& kinds = allTaskKinds();
    std::vector<DemoPrompt> out;
    out.reserve(static_cast<std::size_t>(count));
    std::unordered_set<std::string> seen;
    int failures = 0;
    while (static_cast<int>(out.size()) < count) {
        const TaskKind kind = kinds[rng.below(kinds.size())];
        std::string instruction = makeInstruction(kind, rng);
        if (!seen.insert(instruction).second) {
            // Small tasks (reverse a word) run out of new prompts first; the others take over.
            if (++failures > 10'000) {
                throw Error("the demo task cannot make " + std::to_string(count) +
                            " distinct prompts (it made " + std::to_string(out.size()) +
                            "): ask for fewer");
            }
            continue;
        }
        failures = 0;
        auto parsed = parseInstruction(instruction);
        out.push_back({kind, std::move(instruction), parsed ? parsed->expected : std::string()});
    }
    return out;
}

}  // namespace ladder::demo

#include "core/data/prompt_key.h"

#include "core/common/random.h"
#include "core/common/text.h"

namespace ladder::data {

std::string matchKey(std::string_view instruction, std::string_view input) {
    std::string key = text::normalize(instruction);
    key += '\n';
    key += text::normalize(input);
    return key;
}

double splitScore(std::string_view matchKey) {
    return random::unitOf(random::mix64(random::fnv1a(matchKey)));
}

const char* splitFor(std::string_view matchKey, double heldoutFraction) {
    return splitScore(matchKey) < heldoutFraction ? "heldout" : "train";
}

}  // namespace ladder::data

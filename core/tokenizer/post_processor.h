// The "post_processor" of tokenizer.json, for encode(addSpecialTokens): the ids put before and
// after a single sequence (Llama-2's TemplateProcessing: <s> before; GPT-2's ByteLevel: none).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer/json_fields.h"

namespace ladder::tokenizer {

class PostProcessor {
public:
    // j: the post_processor object, or null for none.
    static PostProcessor fromJson(const Json& j, const std::string& where);
    // What transformers 5 builds from tokenizer_config.json's add_bos_token / add_eos_token:
    // TemplateProcessing "<bos> $A <eos>" with the flagged ones.
    static PostProcessor fromIds(std::vector<std::int32_t> prefix, std::vector<std::int32_t> suffix);

    [[nodiscard]] const std::vector<std::int32_t>& prefix() const { return m_prefix; }
    [[nodiscard]] const std::vector<std::int32_t>& suffix() const { return m_suffix; }

private:
    void addFromJson(const Json& j, const std::string& where);

    std::vector<std::int32_t> m_prefix;
    std::vector<std::int32_t> m_suffix;
    std::size_t m_steps = 0;  // processors read, Sequences flattened
};

}  // namespace ladder::tokenizer

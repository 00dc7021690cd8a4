// PostProcessor: reads TemplateProcessing ("single" template), Roberta/Bert processing, ByteLevel
// (adds nothing to ids) and Sequence.
#include "core/tokenizer/post_processor.h"

#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::tokenizer {
namespace {

// A token id, checked before conversion: nlohmann converts 1e300 to an int with undefined
// behaviour. Whether the vocabulary has it is checked once all ids are known.
std::int32_t tokenId(const Json& id, const std::string& where) {
    if (!id.is_number_integer() || !json::fits<std::int32_t>(id)) {
        throw Error(where + " should be a token id but is " + json::excerpt(id));
    }
    return id.get<std::int32_t>();
}

std::int32_t idOfPair(const Json& pair, const std::string& where) {
    // Roberta/Bert store a special token as ["</s>", 2].
    if (!pair.is_array() || pair.size() != 2 || !pair[1].is_number_integer()) {
        throw Error(where + " should be [\"token\", id] but is " + json::excerpt(pair));
    }
    return tokenId(pair[1], where + "[1]");
}

}  // namespace

PostProcessor PostProcessor::fromIds(std::vector<std::int32_t> prefix,
                                     std::vector<std::int32_t> suffix) {
    PostProcessor p;
    p.m_prefix = std::move(prefix);
    p.m_suffix = std::move(suffix);
    return p;
}

PostProcessor PostProcessor::fromJson(const Json& j, const std::string& where) {
    PostProcessor p;
    if (!j.is_null()) p.addFromJson(j, where);
    return p;
}

void PostProcessor::addFromJson(const Json& j, const std::string& where) {
    const std::string type = typeOf(j, where);
    if (type != "Sequence") requireRoomForStep(m_steps++, where);
    std::vector<std::int32_t> before;
    std::vector<std::int32_t> after;
    if (type == "Sequence") {
        forEachItem(j, "processors", where,
                    [this](const Json& item, const std::string& at) { addFromJson(item, at); });
        return;
    } else if (type == "ByteLevel") {
        return;
    } else if (type == "TemplateProcessing") {
        const Json& single = requireField(j, "single", where);
        const Json& specials = requireField(j, "special_tokens", where);
        const std::string singleWhere = fieldPath(where, "single");
        bool seenSequence = false;
        for (std::size_t i = 0; i < single.size(); ++i) {
            const Json& item = single[i];
            const std::string at = fieldPath(singleWhere, i);
            if (item.contains("Sequence")) {
                seenSequence = true;
                continue;
            }
            const std::string name = requireString(requireField(item, "SpecialToken", at), "id",
                                                   fieldPath(at, "SpecialToken"));
            const std::string specialWhere = fieldPath(fieldPath(where, "special_tokens"), name);
            if (!specials.contains(name)) throw Error(specialWhere + " is missing");
            const Json& ids = requireField(specials[name], "ids", specialWhere);
            const std::string idsWhere = fieldPath(specialWhere, "ids");
            if (!ids.is_array()) throw Error(idsWhere + " should be a list of token ids");
            for (std::size_t k = 0; k < ids.size(); ++k) {
                (seenSequence ? after : before).push_back(tokenId(ids[k], fieldPath(idsWhere, k)));
            }
        }
    } else if (type == "RobertaProcessing" || type == "BertProcessing") {
        before.push_back(idOfPair(requireField(j, "cls", where), fieldPath(where, "cls")));
        after.push_back(idOfPair(requireField(j, "sep", where), fieldPath(where, "sep")));
    } else {
        throw Error(fieldPath(where, "type") + " is \"" + type +
                    "\", a post-processor Ladder does not read (it reads TemplateProcessing, "
                    "RobertaProcessing, BertProcessing, ByteLevel and Sequence)");
    }
    // A later processor wraps what the earlier ones produced.
    m_prefix.insert(m_prefix.begin(), before.begin(), before.end());
    m_suffix.insert(m_suffix.end(), after.begin(), after.end());
}

}  // namespace ladder::tokenizer

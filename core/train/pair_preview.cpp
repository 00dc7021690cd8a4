#include "core/train/pair_preview.h"

#include "core/eval/answer_generation.h"
#include "core/format/text_format.h"
#include "core/pairs/training_pairs.h"
#include "core/tokenizer/tokenizer.h"
#include "core/train/batch.h"

namespace ladder::train {
namespace {

std::vector<TokenPiece> pieces(const tokenizer::Tokenizer& tokenizer,
                               const std::vector<std::int64_t>& ids, bool loss) {
    std::vector<TokenPiece> out;
    out.reserve(ids.size());
    for (const std::int64_t id : ids) {
        const std::int32_t one[] = {static_cast<std::int32_t>(id)};
        TokenPiece p;
        p.id = one[0];
        p.text = eval::replaceInvalidUtf8(tokenizer.decode(one));
        p.special = !p.text.empty() && tokenizer.decode(one, /*skipSpecialTokens=*/true).empty();
        p.loss = loss;
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

PairPreview previewPair(const pairs::TrainingPair& pair, const format::TextFormat& textFormat,
                        const tokenizer::Tokenizer& tokenizer, const LengthCaps& caps) {
    const TokenizedPair t = tokenizePair(pair, textFormat, caps);
    PairPreview out;
    out.format = textFormat.name();
    out.promptText = textFormat.promptText({pair.instruction, pair.input, pair.messages});
    out.prompt = pieces(tokenizer, t.prompt, false);
    out.chosen = pieces(tokenizer, t.chosen, true);
    out.rejected = pieces(tokenizer, t.rejected, true);
    out.promptCut = t.promptTruncated;
    out.answerCut = t.answerTruncated;
    return out;
}

}  // namespace ladder::train

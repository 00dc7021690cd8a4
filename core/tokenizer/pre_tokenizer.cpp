// PreTokenizer: each step splits (and, for ByteLevel/Metaspace, rewrites) the pieces of the step
// before; pieces flow down the steps one at a time, so nothing is collected for the whole text.
#include "core/tokenizer/pre_tokenizer.h"

#include <algorithm>

#include "core/common/error.h"

namespace ladder::tokenizer {
namespace {

// GPT-2's word pattern (ByteLevel with use_regex): contractions, letters, numbers and other
// symbols each with an optional leading space, and whitespace that keeps its last space for the
// next word.
constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

PreTokenizer::Behavior parseBehavior(const std::string& name, const std::string& where) {
    using B = PreTokenizer::Behavior;
    if (name == "Removed") return B::Removed;
    if (name == "Isolated") return B::Isolated;
    if (name == "MergedWithPrevious") return B::MergedWithPrevious;
    if (name == "MergedWithNext") return B::MergedWithNext;
    if (name == "Contiguous") return B::Contiguous;
    throw Error(where + " is \"" + name +
                "\": expected Removed, Isolated, MergedWithPrevious, MergedWithNext or "
                "Contiguous");
}

PreTokenizer::Prepend parsePrepend(const Json& j, const std::string& where) {
    using P = PreTokenizer::Prepend;
    if (j.contains("prepend_scheme") && !j["prepend_scheme"].is_null()) {
        const std::string scheme = requireString(j, "prepend_scheme", where);
        if (scheme == "always") return P::Always;
        if (scheme == "first") return P::First;
        if (scheme == "never") return P::Never;
        throw Error(fieldPath(where, "prepend_scheme") + " is \"" + scheme +
                    "\": expected always, first or never");
    }
    return boolOr(j, "add_prefix_space", true, where) ? P::Always : P::Never;
}

}  // namespace

PreTokenizer PreTokenizer::fromJson(const Json& j, const std::string& where) {
    PreTokenizer p;
    if (j.is_null()) return p;
    p.addFromJson(j, where);
    for (std::size_t i = 0; i + 1 < p.m_steps.size(); ++i) {
        if (p.m_steps[i].kind == Kind::ByteLevel) {
            throw Error(where + ": ByteLevel is followed by another pre-tokenizer; Ladder reads "
                        "ByteLevel only as the last step of a Sequence");
        }
    }
    return p;
}

void PreTokenizer::addFromJson(const Json& j, const std::string& where) {
    const std::string type = typeOf(j, where);
    if (type != "Sequence") requireRoomForStep(m_steps.size(), where);
    if (type == "Sequence") {
        forEachItem(j, "pretokenizers", where,
                    [this](const Json& item, const std::string& at) { addFromJson(item, at); });
    } else if (type == "ByteLevel") {
        Step step{.kind = Kind::ByteLevel};
        step.addPrefixSpace = boolOr(j, "add_prefix_space", true, where);
        if (boolOr(j, "use_regex", true, where)) {
            step.pattern = TextPattern::regex(kGpt2Pattern, where);
        }
        m_steps.push_back(std::move(step));
        m_byteLevel = true;
    } else if (type == "Split") {
        Step step{.kind = Kind::Split};
        step.pattern = TextPattern::fromJson(requireField(j, "pattern", where),
                                             fieldPath(where, "pattern"));
        step.behavior = parseBehavior(requireString(j, "behavior", where),
                                      fieldPath(where, "behavior"));
        step.invert = boolOr(j, "invert", false, where);
        m_steps.push_back(std::move(step));
    } else if (type == "Metaspace") {
        Step step{.kind = Kind::Metaspace};
        step.replacement = stringOr(j, "replacement", "\u2581", where);
        step.prepend = parsePrepend(j, where);
        step.splitWords = boolOr(j, "split", true, where);
        step.pattern = TextPattern::literal(step.replacement);
        step.behavior = Behavior::MergedWithNext;
        m_steps.push_back(std::move(step));
        m_metaspace = true;
    } else if (type == "Digits") {
        Step step{.kind = Kind::Split};
        step.pattern = TextPattern::regex(R"(\p{N})", where);
        step.behavior = boolOr(j, "individual_digits", false, where) ? Behavior::Isolated
                                                                      : Behavior::Contiguous;
        m_steps.push_back(std::move(step));
    } else if (type == "Whitespace") {
        Step step{.kind = Kind::Split};
        step.pattern = TextPattern::regex(R"(\w+|[^\w\s]+)", where);
        step.behavior = Behavior::Removed;
        step.invert = true;
        m_steps.push_back(std::move(step));
    } else if (type == "WhitespaceSplit") {
        Step step{.kind = Kind::Split};
        step.pattern = TextPattern::regex(R"(\s+)", where);
        step.behavior = Behavior::Removed;
        m_steps.push_back(std::move(step));
    } else {
        throw Error(fieldPath(where, "type") + " is \"" + type +
                    "\", a pre-tokenizer Ladder does not read (it reads ByteLevel, Split, "
                    "Metaspace, Digits, Whitespace, WhitespaceSplit and Sequence)");
    }
}

void PreTokenizer::split(std::string_view text, bool atStart, WordSink emit) const {
    run(0, text, atStart, emit);
}

void PreTokenizer::run(std::size_t index, std::string_view text, bool atStart,
                       WordSink emit) const {
    if (text.empty()) return;
    if (index == m_steps.size()) {
        emit(text, atStart);
        return;
    }
    const Step& step = m_steps[index];
    const auto next = [&](std::string_view piece, bool pieceAtStart) {
        run(index + 1, piece, pieceAtStart, emit);
    };
    switch (step.kind) {
        case Kind::ByteLevel: {
            std::string withSpace;
            if (step.addPrefixSpace && text.front() != ' ') {
                withSpace.reserve(text.size() + 1);
                withSpace += ' ';
                withSpace += text;
                text = withSpace;
            }
            if (step.pattern) {
                applySplit(step, text, atStart, next);
            } else {
                next(text, atStart);
            }
            return;
        }
        case Kind::Split:
            applySplit(step, text, atStart, next);
            return;
        case Kind::Metaspace: {
            std::string replaced = TextPattern::literal(" ").replaceAll(text, step.replacement);
            const bool prepend = step.prepend == Prepend::Always ||
                                 (step.prepend == Prepend::First && atStart);
            if (prepend && !replaced.starts_with(step.replacement)) {
                replaced.insert(0, step.replacement);
            }
            if (step.splitWords) {
                applySplit(step, replaced, atStart, next);
            } else {
                next(replaced, atStart);
            }
            return;
        }
    }
}

void PreTokenizer::applySplit(const Step& step, std::string_view text, bool atStart,
                              FunctionRef<void(std::string_view, bool)> next) const {
    const auto emitRange = [&](std::size_t begin, std::size_t end) {
        if (end > begin) next(text.substr(begin, end - begin), atStart && begin == 0);
    };
    // Isolated and Removed need no look-ahead: stream the pieces as the matches come.
    if (step.behavior == Behavior::Isolated || step.behavior == Behavior::Removed) {
        const bool keepMatches = step.behavior == Behavior::Isolated || step.invert;
        const bool keepGaps = step.behavior == Behavior::Isolated || !step.invert;
        std::size_t last = 0;
        step.pattern->forEachMatch(text, [&](std::size_t begin, std::size_t end) {
            if (keepGaps) emitRange(last, begin);
            if (keepMatches) emitRange(begin, end);
            last = end;
        });
        if (keepGaps) emitRange(last, text.size());
        return;
    }

    struct Range {
        std::size_t begin, end;
        bool delimiter;
    };
    std::vector<Range> ranges;
    std::size_t last = 0;
    step.pattern->forEachMatch(text, [&](std::size_t begin, std::size_t end) {
        if (begin > last) ranges.push_back({last, begin, step.invert});
        ranges.push_back({begin, end, !step.invert});
        last = end;
    });
    if (last < text.size()) ranges.push_back({last, text.size(), step.invert});

    std::vector<Range> pieces;
    bool previousDelimiter = false;
    switch (step.behavior) {
        case Behavior::MergedWithPrevious:
            // A delimiter joins the piece before it, unless that piece is a delimiter too.
            for (const Range& r : ranges) {
                if (r.delimiter && !previousDelimiter && !pieces.empty()) {
                    pieces.back().end = r.end;
                } else {
                    pieces.push_back(r);
                }
                previousDelimiter = r.delimiter;
            }
            break;
        case Behavior::MergedWithNext:
            // A delimiter joins the piece after it, unless that piece is a delimiter too.
            for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
                if (it->delimiter && !previousDelimiter && !pieces.empty()) {
                    pieces.back().begin = it->begin;
                } else {
                    pieces.push_back(*it);
                }
                previousDelimiter = it->delimiter;
            }
            std::reverse(pieces.begin(), pieces.end());
            break;
        default:  // Contiguous: neighbouring delimiters form one piece
            for (const Range& r : ranges) {
                if (!pieces.empty() && r.delimiter && pieces.back().delimiter) {
                    pieces.back().end = r.end;
                } else {
                    pieces.push_back(r);
                }
            }
            break;
    }
    for (const Range& r : pieces) emitRange(r.begin, r.end);
}

}  // namespace ladder::tokenizer

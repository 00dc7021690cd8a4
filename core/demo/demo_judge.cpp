#include "core/demo/demo_judge.h"

#include <array>

#include "core/common/text.h"
#include "core/demo/demo_tasks.h"

namespace ladder::demo {
namespace {

// Wrappers a chatty model puts around an answer; stripped (case-insensitively) before comparing.
constexpr std::array<std::string_view, 6> kPrefixes = {"the answer is", "answer:", "sure!",
                                                       "sure,",         "result:", "it is"};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return text::toLowerAscii(a) == text::toLowerAscii(b);
}

// The answer with the known wrappers and trailing punctuation removed.
std::string core(std::string_view answer) {
    std::string s = text::trim(answer);
    bool changed = true;
    while (changed) {
        changed = false;
        const std::string lower = text::toLowerAscii(s);
        for (std::string_view prefix : kPrefixes) {
            if (lower.rfind(prefix, 0) == 0) {
                s = text::trim(std::string_view(s).substr(prefix.size()));
                changed = true;
                break;
            }
        }
        while (!s.empty() && (s.back() == '.' || s.back() == '!')) {
            s.pop_back();
            changed = true;
        }
        if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
            s = s.substr(1, s.size() - 2);
            changed = true;
        }
        s = text::trim(s);
    }
    return s;
}

}  // namespace

AnswerGrade grade(std::string_view instruction, std::string_view input, std::string_view answer) {
    (void)input;  // demo instructions carry their operands; the input is always empty
    const std::string trimmed = text::trim(answer);
    const std::string stripped = core(trimmed);
    const bool plain = stripped == trimmed;
    const auto parsed = parseInstruction(text::trim(instruction));
    if (!parsed) return plain ? AnswerGrade::Wrong : AnswerGrade::WrongOffFormat;
    if (trimmed == parsed->expected) return AnswerGrade::Exact;
    // Case is the point of the upper-case task; elsewhere "Tenalp" is still the reversed word.
    const bool right = parsed->kind == TaskKind::Upper
                           ? stripped == parsed->expected
                           : equalsIgnoringCase(stripped, parsed->expected);
    if (right) return AnswerGrade::RightOffFormat;
    return plain ? AnswerGrade::Wrong : AnswerGrade::WrongOffFormat;
}

bool isCorrect(std::string_view instruction, std::string_view input, std::string_view answer) {
    return grade(instruction, input, answer) >= AnswerGrade::RightOffFormat;
}

double judge(std::string_view instruction, std::string_view input, std::string_view answerA,
             std::string_view answerB) {
    const int a = static_cast<int>(grade(instruction, input, answerA));
    const int b = static_cast<int>(grade(instruction, input, answerB));
    return a > b ? 1.0 : b > a ? 2.0 : 1.5;
}

}  // namespace ladder::demo

// The demo's programmatic judge: it recomputes the expected answer from the instruction text and
// grades an answer as exact (right and well formatted), right but off-format, or wrong. Between
// two answers the better grade wins (correct first, then format), in AlpacaEval's convention.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ladder::demo {

// Correct first, then format: each grade beats the ones before it.
enum class AnswerGrade {
    WrongOffFormat = 0,  // wrong, and wrapped in extra words or punctuation
    Wrong = 1,           // wrong but answered plainly
    RightOffFormat = 2,  // the right answer wrapped in extra words ("The answer is 12.")
    Exact = 3,           // exactly the expected answer (surrounding white space aside)
};

// WrongOffFormat or Wrong for an instruction that is not a demo instruction.
[[nodiscard]] AnswerGrade grade(std::string_view instruction, std::string_view input,
                                std::string_view answer);
[[nodiscard]] bool isCorrect(std::string_view instruction, std::string_view input,
                             std::string_view answer);
// A model's answers tallied by grade: how many are right (exact or off-format) and how many exact.
struct GradeCount {
    std::int64_t answers = 0;
    std::int64_t correct = 0;
    std::int64_t exact = 0;

    void add(AnswerGrade g) {
        ++answers;
        correct += g >= AnswerGrade::RightOffFormat ? 1 : 0;
        exact += g == AnswerGrade::Exact ? 1 : 0;
    }
    [[nodiscard]] double correctShare() const { return answers ? double(correct) / double(answers) : 0.0; }
    [[nodiscard]] double exactShare() const { return answers ? double(exact) / double(answers) : 0.0; }
};

// 1 = answerA is better, 2 = answerB is better, 1.5 = neither (same grade).
[[nodiscard]] double judge(std::string_view instruction, std::string_view input,
                           std::string_view answerA, std::string_view answerB);

// The name verdicts of this judge are stored under.
inline constexpr const char* kDemoJudgeName = "demo-judge";

}  // namespace ladder::demo

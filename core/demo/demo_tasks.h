// The demo task: short instructions whose answer can be worked out from the instruction text alone
// (reverse a word, sort letters or numbers, count letters, add numbers, upper-case, pick a word).
// Small enough for a byte-level model to learn on a CPU in minutes, and checkable by a program.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ladder::demo {

enum class TaskKind {
    Reverse,
    SortLetters,
    SortNumbers,
    CountLetters,
    CountLetter,
    Add,
    Upper,
    NthWord
};

[[nodiscard]] const char* toString(TaskKind kind);  // "reverse", "sort-letters", ...
[[nodiscard]] const std::vector<TaskKind>& allTaskKinds();

struct DemoPrompt {
    TaskKind kind = TaskKind::Reverse;
    std::string instruction;  // 20-60 characters, e.g. "Reverse the word: garden"
    std::string expected;     // the well-formatted answer, e.g. "nedrag"
};

// count distinct prompts, the same for the same seed on every platform. Throws ladder::Error when
// the task cannot make that many distinct prompts.
[[nodiscard]] std::vector<DemoPrompt> generatePrompts(int count, std::uint64_t seed);

// What the instruction asks for, recomputed from its text alone; nullopt when it is not a demo
// instruction. This is what the judge checks answers against.
struct ParsedInstruction {
    TaskKind kind;
    std::string expected;
};
[[nodiscard]] std::optional<ParsedInstruction> parseInstruction(std::string_view instruction);

}  // namespace ladder::demo

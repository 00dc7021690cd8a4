// The rows an importer reads from a file, before they reach the workspace: answers of a source,
// ready-made preference pairs, and a judge's verdicts. Plain values, no database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/conversation.h"

namespace ladder::data {

// What a dataset holds; stored in datasets.kind. Only Responses datasets feed ladder pairs.
enum class DatasetKind { Responses, Pairs, Verdicts };

[[nodiscard]] const char* toString(DatasetKind kind);
[[nodiscard]] DatasetKind datasetKindFromString(const std::string& s);  // throws ladder::Error

// Where a row sits in its file: row is 0-based (the JSON array index or JSONL record number),
// line is 1-based (the line the row starts on), as people count lines in an editor.
struct RowLocation {
    std::int64_t row = 0;
    std::int64_t line = 0;
};

// One answer of one source to one prompt.
struct ResponseRecord {
    std::string instruction;
    std::string input;
    std::string output;
    std::string source;    // the model (generator) that wrote the answer
    std::string category;  // optional: AlpacaEval's "dataset" (helpful_base, koala, ...)
    RowLocation at;
};

// A pair that comes ready-made (TRL, HH-RLHF, ShareGPT, OpenAI): its direction is kept.
struct PairRecord {
    std::string instruction;  // a conversation's transcript (renderPrompt) when `messages` is one
    std::string input;
    std::vector<Message> messages;  // the prompt as messages; empty: instruction (+ input)
    std::string chosen;
    std::string rejected;
    std::string category;
    RowLocation at;
};

// A judge's decision between two answers to one prompt (AlpacaEval convention).
struct VerdictRecord {
    std::string instruction;
    std::string input;
    std::string output1;
    std::string source1;
    std::string output2;
    std::string source2;
    std::string judge;
    std::optional<double>
        preference;  // 1 = output1 better, 2 = output2, 1.5 = tie, none = undecided
    std::string category;
    RowLocation at;
};

// A row that could not be read: which row, which field, and what is wrong with it.
struct BadRow {
    RowLocation at;
    std::string field;  // empty when the row as a whole is broken (not JSON, not an object)
    std::string message;
};

// "line 12 (row 11), field `output`: not a string", for reports and the window.
[[nodiscard]] std::string describeBadRow(const BadRow& bad);

enum class BadRowPolicy {
    Abort,  // the first bad row stops the import and nothing of the file is kept (the default)
    Skip,   // bad rows are left out, counted and listed in the import report
};

[[nodiscard]] const char* toString(BadRowPolicy policy);
[[nodiscard]] BadRowPolicy badRowPolicyFromString(const std::string& s);  // "abort" | "skip"

struct ImportOptions {
    std::string format;          // importer name; empty: detect from the file's first bytes
    std::string sourceOverride;  // the source of every answer (files without a model field)
    std::string datasetName;     // empty: the file name without its extensions
    BadRowPolicy onBadRow = BadRowPolicy::Abort;
    // Imported pairs go to the held-out split when their prompt's hash falls below this fraction
    // (the same rule as ladder pairs, so one prompt never sits in both splits).
    double heldoutFraction = 0.05;
};

}  // namespace ladder::data

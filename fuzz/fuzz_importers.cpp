// Fuzz target: a dataset file from anywhere, read by every importer of core/data (AlpacaEval
// outputs and annotations, instruction JSON/JSONL, TRL, HH-RLHF, ShareGPT, OpenAI preference).
// The first byte picks the importer and the options; the rest is the file. Every importer's
// detect() sees its first bytes too. Rows go to a sink that does what the workspace import does
// with them before SQLite: the prompt's match key and its split, the messages' stored JSON (which
// must read back the same). Any outcome but rows, bad rows or a ladder::Error is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "core/common/error.h"
#include "core/data/builtin_importers.h"
#include "core/data/conversation.h"
#include "core/data/prompt_key.h"

namespace {

using namespace ladder::data;
namespace fs = std::filesystem;

using Make = std::unique_ptr<Importer> (*)();
constexpr Make kImporters[] = {&makeAlpacaEvalImporter,  &makeInstructionImporter,
                               &makeAlpacaAnnotationsImporter, &makeTrlImporter,
                               &makeHhRlhfImporter,      &makeShareGptImporter,
                               &makeOpenAiPreferenceImporter};
constexpr std::size_t kImporterCount = sizeof(kImporters) / sizeof(kImporters[0]);

// The prompt's key as DatasetWriter computes it; invalid UTF-8 is a refused row, not a finding.
void keyOf(const std::string& instruction, const std::string& input) {
    try {
        const std::string key = matchKey(instruction, input);
        (void)splitFor(key, 0.05);
    } catch (const ladder::Error&) {
    }
}

class CheckingSink final : public ImportSink {
public:
    explicit CheckingSink(BadRowPolicy policy) : m_policy(policy) {}

    void addResponse(ResponseRecord&& r) override {
        if (r.at.row < 0 || r.at.line < 1) __builtin_trap();
        keyOf(r.instruction, r.input);
    }
    void addPair(PairRecord&& p) override {
        if (p.at.row < 0 || p.at.line < 1) __builtin_trap();
        keyOf(p.instruction, p.input);
        if (!p.messages.empty()) {
            // Stored as JSON in the workspace and read back by the trainer: must round-trip.
            std::string error;
            const auto back = messagesFromJson(messagesToJson(p.messages), &error);
            if (!back || back->size() != p.messages.size()) __builtin_trap();
            for (std::size_t i = 0; i < back->size(); ++i) {
                if ((*back)[i].role != p.messages[i].role ||
                    (*back)[i].content != p.messages[i].content) {
                    __builtin_trap();
                }
            }
            (void)renderPrompt(p.messages);
        }
    }
    void addVerdict(VerdictRecord&& v) override {
        if (v.at.row < 0 || v.at.line < 1) __builtin_trap();
        keyOf(v.instruction, v.input);
    }
    void badRow(const BadRow& bad) override {
        if (bad.message.empty()) __builtin_trap();  // a refusal must say why
        if (m_policy == BadRowPolicy::Abort) throw ladder::Error(bad.message);
    }

private:
    BadRowPolicy m_policy;
};

const fs::path& inputFile() {
    // One file per process, rewritten for every input; in memory where /dev/shm exists.
    static const fs::path path = [] {
        const fs::path dir = fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                          : fs::temp_directory_path();
        return dir / ("ladder-fuzz-importers-" + std::to_string(::getpid()) + ".json");
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t selector = data[0];
    const std::string_view file(reinterpret_cast<const char*>(data + 1), size - 1);

    std::vector<std::unique_ptr<Importer>> importers;
    for (Make make : kImporters) importers.push_back(make());
    for (const auto& importer : importers) {
        const int score = importer->detect(inputFile(), file.substr(0, 64 * 1024));
        if (score < 0 || score > 100) __builtin_trap();
    }

    {
        std::ofstream out(inputFile(), std::ios::binary | std::ios::trunc);
        out.write(file.data(), static_cast<std::streamsize>(file.size()));
    }
    ImportOptions options;
    options.onBadRow = (selector & 0x80) ? BadRowPolicy::Skip : BadRowPolicy::Abort;
    if (selector & 0x40) options.sourceOverride = "fuzz-model";
    CheckingSink sink(options.onBadRow);
    try {
        importers[(selector & 0x3f) % kImporterCount]->import(inputFile(), options, sink);
    } catch (const ladder::Error&) {
        // A refused file (or, under Abort, a refused row): what should happen to a bad one.
    }
    return 0;
}

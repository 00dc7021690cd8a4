// The "imported" judge: decisions made earlier, by AlpacaEval's official tool or anyone else,
// looked up by the prompt (its match key) and the answers' normalised texts. Either order is
// found: a verdict on (a, b) answers (b, a) mirrored. When the other answer's text differs (the
// official tool judges against its own copy of the reference outputs, which may be another
// generation of the same model), a verdict on the same answer against the same source counts.
// Options: {"file": "annotations.json"} (read with the annotations importer) or nothing (the
// workspace's verdicts), and {"annotator": NAME} to use only one judge's verdicts.
#include <map>

#include "core/common/log.h"
#include "core/common/text.h"
#include "core/data/prompt_key.h"
#include "core/eval/alpaca_eval_files.h"
#include "core/eval/builtin_judges.h"
#include "core/store/database.h"

namespace ladder::eval {
namespace {

using nlohmann::json;

// The form answers are compared in; a text that is not valid UTF-8 is compared as it is.
std::string answerKey(const std::string& s) {
    return text::isValidUtf8(s) ? text::normalize(s) : s;
}

std::string promptKey(const std::string& instruction, const std::string& input) {
    return text::isValidUtf8(instruction) && text::isValidUtf8(input)
               ? data::matchKey(instruction, input)
               : instruction + "\n" + input;
}

std::string key(const std::string& prompt, const std::string& a, const std::string& b) {
    return prompt + '\x1f' + a + '\x1f' + b;
}

std::optional<double> mirrored(const std::optional<double>& p) {
    return p ? std::optional<double>(3.0 - *p) : std::nullopt;
}

class ImportedVerdictJudge final : public Judge {
public:
    std::string name() const override { return m_name; }
    std::string description() const override {
        return "verdicts judged earlier: AlpacaEval annotations.json (option file) or the "
               "workspace's verdicts (options: file, annotator)";
    }
    bool symmetric() const override { return true; }  // one stored decision, read either way

    void configure(const json& options, const JudgeContext& context) override {
        std::string file;
        std::string annotator;
        if (!options.is_null()) {
            if (!options.is_object()) throw Error("imported judge: options must be an object");
            for (const auto& [name, value] : options.items()) {
                if (!value.is_string()) {
                    throw Error("imported judge: `" + name + "` must be a string");
                }
                if (name == "file") {
                    file = value.get<std::string>();
                } else if (name == "annotator") {
                    annotator = value.get<std::string>();
                } else {
                    throw Error("imported judge: unknown option `" + name +
                                "` (known: file, annotator)");
                }
            }
        }
        m_exact.clear();
        m_secondAgainst.clear();
        m_firstAgainst.clear();
        std::map<std::string, std::int64_t> annotators;
        auto add = [&](const std::string& judge, const std::string& prompt,
                       const std::string& output1, const std::string& source1,
                       const std::string& output2, const std::string& source2,
                       std::optional<double> preference) {
            if (!annotator.empty() && judge != annotator) return;
            ++annotators[judge];
            const std::string a = answerKey(output1);
            const std::string b = answerKey(output2);
            m_exact.emplace(key(prompt, a, b), preference);  // the first verdict stays
            m_secondAgainst.emplace(key(prompt, source1, b), preference);
            m_firstAgainst.emplace(key(prompt, a, source2), preference);
        };
        if (!file.empty()) {
            for (const auto& v : readAnnotations(file)) {
                add(v.judge, promptKey(v.instruction, v.input), v.output1, v.source1, v.output2,
                    v.source2, v.preference);
            }
        } else {
            if (!context.workspace) {
                throw Error(
                    "the imported judge needs a workspace with verdicts, or the option "
                    "file (an AlpacaEval annotations.json)");
            }
            auto s = context.workspace->prepare(
                "SELECT v.judge, p.instruction, p.input, r1.text, s1.name, r2.text, s2.name, "
                "v.preference FROM verdicts v JOIN prompts p ON p.id = v.prompt_id "
                "JOIN responses r1 ON r1.id = v.response_1_id "
                "JOIN sources s1 ON s1.id = r1.source_id "
                "JOIN responses r2 ON r2.id = v.response_2_id "
                "JOIN sources s2 ON s2.id = r2.source_id ORDER BY v.id");
            while (s.step()) {
                add(s.text(0), promptKey(s.text(1), s.text(2)), s.text(3), s.text(4), s.text(5),
                    s.text(6), s.optReal(7));
            }
        }
        if (m_exact.empty()) {
            throw Error("the imported judge found no verdicts" +
                        (annotator.empty() ? std::string() : " of annotator '" + annotator + "'") +
                        (file.empty() ? " in the workspace: import an AlpacaEval annotations.json "
                                        "first (`ladder-cli import FILE`)"
                                      : " in " + file));
        }
        m_name = annotators.size() == 1 ? "imported:" + annotators.begin()->first : "imported";
        log::get("eval")->info("imported judge: {} verdicts of {} annotator(s)", m_exact.size(),
                               annotators.size());
    }

    std::vector<Verdict> judge(const std::vector<Comparison>& comparisons) override {
        std::vector<Verdict> out;
        out.reserve(comparisons.size());
        for (const auto& c : comparisons) {
            if (const auto found = lookup(c)) {
                out.push_back({*found, {}});
            } else {
                out.push_back({std::nullopt,
                               "no imported verdict on these two answers: export them "
                               "(`ladder-cli export-outputs`), judge them with AlpacaEval and "
                               "import its annotations.json"});
            }
        }
        return out;
    }

private:
    using Table = std::map<std::string, std::optional<double>>;

    static const std::optional<double>* find(const Table& table, const std::string& k) {
        const auto it = table.find(k);
        return it == table.end() ? nullptr : &it->second;
    }

    using Found = std::optional<std::optional<double>>;

    // The stored preference in c's order: outer nullopt when there is no verdict at all.
    Found lookup(const Comparison& c) const {
        const auto hit = [](const std::optional<double>& p) { return Found(std::in_place, p); };
        const std::string prompt = promptKey(c.instruction, c.input);
        const std::string a = answerKey(c.output1);
        const std::string b = answerKey(c.output2);
        if (const auto* p = find(m_exact, key(prompt, a, b))) return hit(*p);
        if (const auto* p = find(m_exact, key(prompt, b, a))) return hit(mirrored(*p));
        // The same answer judged against another text of the same source.
        if (!c.source1.empty()) {
            if (const auto* p = find(m_secondAgainst, key(prompt, c.source1, b))) return hit(*p);
            if (const auto* p = find(m_firstAgainst, key(prompt, b, c.source1)))
                return hit(mirrored(*p));
        }
        if (!c.source2.empty()) {
            if (const auto* p = find(m_firstAgainst, key(prompt, a, c.source2))) return hit(*p);
            if (const auto* p = find(m_secondAgainst, key(prompt, c.source2, a)))
                return hit(mirrored(*p));
        }
        return std::nullopt;
    }

    Table m_exact;          // (prompt, output_1, output_2)
    Table m_secondAgainst;  // (prompt, generator_1, output_2): output_2 judged against that source
    Table m_firstAgainst;   // (prompt, output_1, generator_2)
    std::string m_name = "imported";
};

}  // namespace

std::unique_ptr<Judge> makeImportedVerdictJudge() {
    return std::make_unique<ImportedVerdictJudge>();
}

}  // namespace ladder::eval

// The "command" judge: how a user plugs in GPT-4 or any local judge. Ladder runs the program
// (argv, never through a shell), writes one JSON line per comparison to its stdin,
//     {"instruction": "...", "output_1": "...", "output_2": "..."}
// closes stdin, and reads one line back per comparison, in the same order:
//     {"preference": 1 | 2 | 1.5 | 0 | null}      (0 or null: no decision; optional "error": "...")
// Options: {"argv": [program, args...], "timeout_seconds": 120, "symmetric": false, "name": "...",
// "env": ["OPENAI_API_KEY"]}. The program gets a minimal environment (PATH, HOME, locale, ...) and
// only the variables `env` names besides.
// A row whose answer is missing or malformed gets an error that says why; the rows answered
// before a crash or a timeout keep their verdicts.
#include <cstdio>
#include <filesystem>

#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/eval/builtin_judges.h"
#include "core/eval/line_process.h"

namespace ladder::eval {
namespace {

using nlohmann::json;

constexpr double kDefaultTimeoutSeconds = 120;

std::string excerpt(const std::string& s, std::size_t limit = 80) {
    return s.size() <= limit ? s : s.substr(0, limit) + "...";
}

// The last non-empty line of the program's stderr: usually its error message.
std::string lastLine(const std::string& text) {
    std::size_t end = text.find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return {};
    const std::size_t start = text.rfind('\n', end);
    return excerpt(text.substr(start == std::string::npos ? 0 : start + 1,
                               end - (start == std::string::npos ? 0 : start + 1) + 1),
                   300);
}

class CommandJudge final : public Judge {
public:
    std::string name() const override { return m_name; }
    std::string description() const override {
        return "your program: JSON lines {instruction, output_1, output_2} in, {preference} out "
               "(options: argv, timeout_seconds, symmetric, name, env)";
    }
    bool symmetric() const override { return m_symmetric; }

    void configure(const json& options, const JudgeContext&) override {
        if (!options.is_object()) {
            throw Error("the command judge needs options {\"argv\": [program, args...]}");
        }
        for (const auto& [key, value] : options.items()) {
            if (key == "argv") {
                if (!value.is_array() || value.empty()) {
                    throw Error(
                        "command judge: `argv` must be a non-empty list of strings "
                        "(the program, then its arguments)");
                }
                m_argv.clear();
                for (const auto& a : value) {
                    if (!a.is_string()) throw Error("command judge: every `argv` item is a string");
                    m_argv.push_back(a.get<std::string>());
                }
            } else if (key == "timeout_seconds") {
                if (!value.is_number() || value.get<double>() <= 0) {
                    throw Error("command judge: `timeout_seconds` must be a positive number");
                }
                m_timeoutSeconds = value.get<double>();
            } else if (key == "symmetric") {
                if (!value.is_boolean()) throw Error("command judge: `symmetric` is true or false");
                m_symmetric = value.get<bool>();
            } else if (key == "env") {
                // Names of variables of Ladder's environment the program also gets (an API key).
                if (!value.is_array()) {
                    throw Error("command judge: `env` is a list of environment variable names");
                }
                m_environment.clear();
                for (const auto& v : value) {
                    if (!v.is_string() || v.get<std::string>().empty() ||
                        v.get<std::string>().find('=') != std::string::npos) {
                        throw Error("command judge: every `env` item is a variable's name");
                    }
                    m_environment.push_back(v.get<std::string>());
                }
            } else if (key == "name") {
                if (!value.is_string() || value.get<std::string>().empty()) {
                    throw Error("command judge: `name` must be a non-empty string");
                }
                m_name = value.get<std::string>();
                m_named = true;
            } else {
                throw Error("command judge: unknown option `" + key +
                            "` (known: argv, timeout_seconds, symmetric, name, env)");
            }
        }
        if (m_argv.empty()) {
            throw Error(
                "the command judge needs the program to run: give `argv` (on the command "
                "line: --judge-command PROGRAM [ARGS...])");
        }
        if (!m_named) {
            m_name = "command:" + std::filesystem::path(m_argv.front()).filename().string();
        }
    }

    std::vector<Verdict> judge(const std::vector<Comparison>& comparisons) override {
        if (m_argv.empty()) throw Error("the command judge was not configured: give `argv`");
        if (comparisons.empty()) return {};
        std::vector<std::string> lines;
        lines.reserve(comparisons.size());
        for (const auto& c : comparisons) {
            const std::string instruction =
                c.input.empty() ? c.instruction : c.instruction + "\n\n" + c.input;
            lines.push_back(
                json{{"instruction", instruction}, {"output_1", c.output1}, {"output_2", c.output2}}
                    .dump(-1, ' ', false, json::error_handler_t::replace));
        }
        LineExchangeOptions options;
        options.timeout =
            std::chrono::milliseconds(static_cast<long long>(m_timeoutSeconds * 1000));
        options.expectedLines = comparisons.size();
        options.passEnvironment = m_environment;
        const LineExchange exchange = exchangeLines(m_argv, lines, options);
        if (!exchange.started) {
            throw Error("the command judge " + exchange.describeEnd());
        }

        std::vector<Verdict> out(comparisons.size());
        for (std::size_t i = 0; i < out.size() && i < exchange.lines.size(); ++i) {
            out[i] = parseReply(exchange.lines[i], i + 1);
        }
        if (exchange.lines.size() < out.size()) {
            std::string why = "no answer: the judge ";
            why += exchange.timedOut ? "was stopped after " + formatSeconds() + " without output"
                                     : exchange.describeEnd();
            why += " after answering " + std::to_string(exchange.lines.size()) + " of " +
                   std::to_string(out.size()) + " rows";
            const std::string err = lastLine(exchange.stderrTail);
            if (!err.empty()) why += "; its stderr: " + err;
            for (std::size_t i = exchange.lines.size(); i < out.size(); ++i) out[i].error = why;
        } else if (exchange.lines.size() > out.size()) {
            log::get("eval")->warn(
                "judge {} wrote {} lines for {} comparisons: the extra lines "
                "are ignored",
                m_name, exchange.lines.size(), out.size());
        }
        if (exchange.exited && exchange.exitCode != 0 && exchange.lines.size() >= out.size()) {
            log::get("eval")->warn("judge {} answered every row but exited with status {}", m_name,
                                   exchange.exitCode);
        }
        return out;
    }

private:
    std::string formatSeconds() const {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g s", m_timeoutSeconds);
        return buf;
    }

    static Verdict parseReply(const std::string& line, std::size_t number) {
        const std::string where = "line " + std::to_string(number) + " of the judge's output";
        json reply;
        try {
            reply = ladder::json::parseText(line, where);
        } catch (const Error& e) {
            return {std::nullopt, std::string(e.what()) + ": `" + excerpt(line) + "`"};
        }
        if (!reply.is_object()) {
            return {std::nullopt, where + " is not a JSON object: `" + excerpt(line) + "`"};
        }
        const auto error = reply.find("error");
        const auto preference = reply.find("preference");
        if (preference == reply.end() || preference->is_null()) {
            if (error != reply.end() && error->is_string() && !error->get<std::string>().empty()) {
                return {std::nullopt,
                        "the judge reported: " + excerpt(error->get<std::string>(), 300)};
            }
            if (preference == reply.end()) {
                return {std::nullopt, where +
                                          " has no `preference` (expected {\"preference\": 1, "
                                          "2 or 1.5}): `" +
                                          excerpt(line) + "`"};
            }
            return {};  // null: no decision
        }
        const double value = preference->is_number() ? preference->get<double>() : -1.0;
        if (value == 0.0) return {};
        if (!preference->is_number() || !(value >= 1.0 && value <= 2.0)) {
            return {std::nullopt, where +
                                      ": `preference` must be 1 (output_1 better), 2 "
                                      "(output_2 better), 1.5 (tie), 0 or null, not " +
                                      ladder::json::excerpt(*preference)};
        }
        return {value, {}};
    }

    std::vector<std::string> m_argv;
    double m_timeoutSeconds = kDefaultTimeoutSeconds;
    std::vector<std::string> m_environment;  // passed through besides the minimal set
    bool m_symmetric = false;
    bool m_named = false;
    std::string m_name = "command";
};

}  // namespace

std::unique_ptr<Judge> makeCommandJudge() {
    return std::make_unique<CommandJudge>();
}

}  // namespace ladder::eval

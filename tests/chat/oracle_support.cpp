// oracle_support (see oracle_support.h).
#include "tests/chat/oracle_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace ladder::chat::test {
namespace {

namespace fs = std::filesystem;

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// Runs a shell command; its exit code, stdout and stderr together in `output`.
int runCommand(const std::string& command, std::string& output) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return -1;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string oraclePython(std::string& reason) {
    if (const char* configured = std::getenv("LADDER_ORACLE_PYTHON"); configured && *configured) {
        if (fs::exists(configured)) return configured;
        reason = std::string("LADDER_ORACLE_PYTHON=") + configured + " does not exist";
        return {};
    }
    const fs::path script = ladder::test::sourceDir() / "scripts" / "oracle-python";
    if (fs::exists(script)) {
        std::string output;
        if (runCommand(quoted(script.string()), output) == 0) {
            while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
                output.pop_back();
            if (!output.empty() && fs::exists(output)) return output;
        }
        reason = "scripts/oracle-python found none: " + output;
        return {};
    }
    reason =
        "set LADDER_ORACLE_PYTHON to a Python with jinja2 3.1.6 (and transformers 5.24.0), "
        "e.g. python3 -m venv ~/.cache/ladder/venv-jinja && ~/.cache/ladder/venv-jinja/bin/pip "
        "install jinja2==3.1.6 transformers==5.24.0";
    return {};
}

Reference renderReference(const std::string& python, const std::vector<OracleCase>& cases,
                          const fs::path& workDir) {
    OrderedJson batch = OrderedJson::array();
    for (const auto& oracleCase : cases) batch.push_back(caseToJson(oracleCase));
    const fs::path casesFile = workDir / "cases.json";
    const fs::path outFile = workDir / "reference.json";
    ladder::test::writeFile(casesFile, batch.dump());
    const fs::path script = ladder::test::sourceDir() / "tests" / "chat" / "render_reference.py";
    // Folders without a tokenizer.json borrow SmolLM2's: the template and special tokens still
    // come from the folder's own files.
    const fs::path donor =
        ladder::test::sharedDir() / "data" / "models" / "SmolLM2-135M-Instruct" / "tokenizer.json";
    std::string output;
    const int code = runCommand(quoted(python) + " " + quoted(script.string()) + " " +
                                    quoted(casesFile.string()) + " " + quoted(outFile.string()) +
                                    " " + quoted(donor.string()),
                                output);
    Reference reference;
    if (code != 0) {
        ADD_FAILURE() << "render_reference.py failed (exit " << code << "):\n" << output;
        return reference;
    }
    // LADDER_ORACLE_KEEP=folder keeps the cases and the reference renders for a closer look.
    if (const char* keep = std::getenv("LADDER_ORACLE_KEEP"); keep && *keep) {
        fs::create_directories(keep);
        const std::string prefix =
            std::to_string(std::hash<std::string>{}(casesFile.string()) % 100000);
        fs::copy_file(casesFile, fs::path(keep) / (prefix + "-cases.json"),
                      fs::copy_options::overwrite_existing);
        fs::copy_file(outFile, fs::path(keep) / (prefix + "-reference.json"),
                      fs::copy_options::overwrite_existing);
    }
    const OrderedJson json = OrderedJson::parse(ladder::test::readFile(outFile));
    reference.oracle = json.at("oracle").get<std::string>();
    for (const auto& item : json.at("results")) {
        ReferenceResult result;
        result.id = item.at("id").get<std::string>();
        if (item.contains("error_type")) {
            result.failed = true;
            result.errorType = item.at("error_type").get<std::string>();
            result.error = item.at("error").get<std::string>();
        } else {
            result.text = item.at("text").get<std::string>();
        }
        if (item.contains("ids")) result.ids = item.at("ids").get<std::vector<int>>();
        reference.results.push_back(std::move(result));
    }
    return reference;
}

std::string describeDifference(const std::string& ladder, const std::string& reference) {
    if (ladder == reference) return {};
    std::size_t at = 0;
    while (at < ladder.size() && at < reference.size() && ladder[at] == reference[at]) ++at;
    const std::size_t from = at > 40 ? at - 40 : 0;
    auto show = [&](const std::string& text) {
        return OrderedJson(text.substr(from, 100))
            .dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
    };
    return "first difference at byte " + std::to_string(at) + " (of " +
           std::to_string(ladder.size()) + " / " + std::to_string(reference.size()) +
           "):\n  Ladder:       ..." + show(ladder) + "\n  transformers: ..." + show(reference);
}

}  // namespace ladder::chat::test

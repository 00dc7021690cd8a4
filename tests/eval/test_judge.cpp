// A judge program for the command judge's tests, in the protocol a user's judge speaks: JSON lines
// {instruction, output_1, output_2} on stdin, {preference} lines on stdout. The first argument
// picks a behaviour: a good judge, a position-biased one, and the ways a judge goes wrong.
//   longer            the longer output wins, equal lengths tie; answers each line at once
//   first             always output_1 (pure position bias)
//   read-all          reads every line before answering (the longer rule)
//   garbage           cycles: not JSON, preference 7, no preference, an error reply, a good reply
//   hang-after N      answers N lines, then stays silent
//   exit-after N      answers N lines, says why on stderr and exits with status 3
//   no-read           exits with status 2 at once, reading nothing
//   deep N            answers each line with a preference that is a list nested N deep
//   env NAME          output_2 wins where the variable NAME is in its environment, else output_1
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

std::string longerRule(const std::string& line) {
    const auto row = nlohmann::json::parse(line);
    const auto a = row.at("output_1").get<std::string>().size();
    const auto b = row.at("output_2").get<std::string>().size();
    return nlohmann::json{{"preference", a > b ? 1.0 : b > a ? 2.0 : 1.5}}.dump();
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "longer";
    const long limit = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 0;
    if (mode == "no-read") {
        std::cerr << "judge: no API key" << std::endl;
        return 2;
    }
    if (mode == "read-all") {
        std::vector<std::string> lines;
        for (std::string line; std::getline(std::cin, line);) lines.push_back(line);
        for (const auto& line : lines) std::cout << longerRule(line) << "\n";
        std::cout.flush();
        return 0;
    }
    long row = 0;
    for (std::string line; std::getline(std::cin, line);) {
        if (mode == "env") {
            const bool has = argc > 2 && std::getenv(argv[2]) != nullptr;
            std::cout << nlohmann::json{{"preference", has ? 2.0 : 1.0}}.dump() << std::endl;
            continue;
        }
        ++row;
        if ((mode == "hang-after" || mode == "exit-after") && row > limit) {
            if (mode == "exit-after") {
                std::cerr << "judge: out of credits" << std::endl;
                return 3;
            }
            std::this_thread::sleep_for(std::chrono::seconds(60));
            return 0;
        }
        if (mode == "deep") {
            const auto n = static_cast<std::size_t>(limit);
            std::cout << R"({"preference": )" << std::string(n, '[') << std::string(n, ']') << "}"
                      << std::endl;
        } else if (mode == "first") {
            std::cout << R"({"preference": 1})" << std::endl;
        } else if (mode == "garbage") {
            switch (row % 5) {
                case 1:
                    std::cout << "I think the second one is better" << std::endl;
                    break;
                case 2:
                    std::cout << R"({"preference": 7})" << std::endl;
                    break;
                case 3:
                    std::cout << R"({"verdict": 2})" << std::endl;
                    break;
                case 4:
                    std::cout << R"({"preference": null, "error": "rate limited"})" << std::endl;
                    break;
                default:
                    std::cout << longerRule(line) << std::endl;
                    break;
            }
        } else {
            std::cout << longerRule(line) << std::endl;
        }
    }
    return 0;
}

// Positional arguments of the benchmarks that take a few numbers: --help (or -h) prints the usage
// and exits 0; a value that is not a number in its range, or one argument too many, prints what
// is wrong and the usage and exits 2. Header only: each benchmark is one program.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ladder::bench {

class PositionalArgs {
public:
    // `usage` is the line after "usage: PROGRAM", e.g. "[series] [points] [replots]".
    PositionalArgs(int argc, char** argv, const char* usage, int most)
        : m_argc(argc), m_argv(argv), m_usage(usage) {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--help" || a == "-h") {
                std::printf("usage: %s %s\n", argv[0], usage);
                std::exit(0);
            }
        }
        if (argc - 1 > most) fail("too many arguments");
    }

    // The i-th argument (1-based) as a number in [lo, hi], or `fallback` when it is not given.
    [[nodiscard]] double number(int i, double fallback, double lo, double hi) const {
        if (i >= m_argc) return fallback;
        char* end = nullptr;
        const double v = std::strtod(m_argv[i], &end);
        if (end == m_argv[i] || *end != '\0' || !(v >= lo && v <= hi)) {
            fail("argument " + std::to_string(i) + " ('" + m_argv[i] + "') must be a number from " +
                 shortNumber(lo) + " to " + shortNumber(hi));
        }
        return v;
    }
    [[nodiscard]] int integer(int i, int fallback, int lo, int hi) const {
        return static_cast<int>(number(i, fallback, lo, hi));
    }
    [[nodiscard]] std::string text(int i, const std::string& fallback) const {
        return i < m_argc ? std::string(m_argv[i]) : fallback;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        std::fprintf(stderr, "%s: %s\nusage: %s %s\n", m_argv[0], what.c_str(), m_argv[0], m_usage);
        std::exit(2);
    }
    static std::string shortNumber(double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }

    int m_argc;
    char** m_argv;
    const char* m_usage;
};

}  // namespace ladder::bench

// Runs a user's program (argv, never a shell) as a line-oriented filter: writes lines to its
// stdin, reads lines from its stdout, with a timeout on silence, so that a program that hangs,
// dies or floods never hangs Ladder. POSIX (posix_spawn, poll); the child gets its own process
// group so that a timeout kills whatever it started too, and a minimal environment (no secrets of
// Ladder's own environment unless named).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace ladder::eval {

struct LineExchangeOptions {
    // The longest wait for the program's next output line (or for room to write) before it is
    // stopped: a slow judge that keeps answering is never cut off, a silent one is.
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};
    // Once this many lines came back the program has answered everything: its stdin is closed
    // and it gets one more timeout to exit. 0: read until it closes its stdout.
    std::size_t expectedLines = 0;
    // Environment variables the program gets besides the minimal set (PATH, HOME, USER, LOGNAME,
    // LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR), by name, with Ladder's values: an API key a judge
    // needs. Nothing else of Ladder's environment reaches the program.
    std::vector<std::string> passEnvironment;
};

// The environment a program run by exchangeLines() gets: "NAME=value" for each of the minimal set
// and of `extra` that Ladder's environment has.
[[nodiscard]] std::vector<std::string> programEnvironment(const std::vector<std::string>& extra);

struct LineExchange {
    std::vector<std::string> lines;  // stdout lines in order, without the newline (and '\r')
    bool started = false;            // the program ran (false: see problem)
    bool timedOut = false;           // stopped for silence before answering everything
    bool exited = false;             // ended by itself (exitCode valid)
    int exitCode = -1;
    int signal = 0;          // the signal that ended it (Ladder's SIGKILL on a timeout)
    std::string stderrTail;  // the last few KB of its stderr, for messages
    std::string problem;     // why it did not start (not found, not executable)

    // "exited with status 3", "was killed by signal 9", "was stopped after 30 s of silence".
    [[nodiscard]] std::string describeEnd() const;
};

// Runs argv[0] (looked up on PATH when it has no '/') with argv, feeding `input` one line each
// ('\n' appended; lines must not contain '\n'). Never throws for the program's behaviour; throws
// ladder::Error only for an empty argv.
[[nodiscard]] LineExchange exchangeLines(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& input,
                                         const LineExchangeOptions& options);

}  // namespace ladder::eval

// Logging through spdlog: one named logger per area, all writing to the same sinks
// (console, a rotating file under the XDG state directory, and whatever the window adds).
// Per-step training metrics go to the workspace, not here.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace ladder::log {

struct Options {
    bool verbose = false;           // debug messages on the console and in the file
    bool console = true;            // write to stderr
    bool quietConsole = false;      // the console shows warnings and errors only (the file keeps all)
    bool file = true;               // write the rotating log file
    std::filesystem::path filePath; // empty: $XDG_STATE_HOME/ladder/ladder.log
};

// Sets up the shared sinks. Safe to call again (replaces console/file sinks).
void init(const Options& options);

// The logger of one area ("store", "data", "train", "ui", ...), created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& area);

// Extra sinks (the window's log dock). Thread-safe; loggers keep working meanwhile.
void addSink(const spdlog::sink_ptr& sink);
void removeSink(const spdlog::sink_ptr& sink);

// The file the rotating sink writes, or empty when file logging is off or failed.
std::filesystem::path currentLogFile();

}  // namespace ladder::log

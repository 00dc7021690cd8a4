#include "core/common/log.h"

#include <mutex>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "core/common/paths.h"

namespace ladder::log {
namespace {

constexpr std::size_t kMaxFileBytes = 5 * 1024 * 1024;
constexpr std::size_t kMaxFiles = 3;

struct State {
    std::mutex mutex;
    // Every logger writes to this one sink; it fans out to the others and may change at runtime.
    std::shared_ptr<spdlog::sinks::dist_sink_mt> fanout =
        std::make_shared<spdlog::sinks::dist_sink_mt>();
    spdlog::sink_ptr console;
    spdlog::sink_ptr file;
    std::filesystem::path filePath;
    bool initialised = false;
};

State& state() {
    static State s;
    return s;
}

// Without init() (tests, library users) warnings and errors still reach stderr.
void ensureDefaultSinkLocked(State& s) {
    if (s.initialised || s.console) return;
    s.console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    s.console->set_level(spdlog::level::warn);
    s.fanout->add_sink(s.console);
}

}  // namespace

void init(const Options& options) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (s.console) s.fanout->remove_sink(s.console);
    if (s.file) s.fanout->remove_sink(s.file);
    s.console.reset();
    s.file.reset();
    s.filePath.clear();
    s.initialised = true;

    const auto level = options.verbose ? spdlog::level::debug : spdlog::level::info;
    if (options.console) {
        s.console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        s.console->set_level(options.quietConsole && !options.verbose ? spdlog::level::warn : level);
        s.console->set_pattern("%^[%l]%$ %n: %v");
        s.fanout->add_sink(s.console);
    }
    if (options.file) {
        std::filesystem::path path =
            options.filePath.empty() ? paths::stateDir() / "ladder.log" : options.filePath;
        try {
            std::filesystem::create_directories(path.parent_path());
            s.file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.string(),
                                                                            kMaxFileBytes, kMaxFiles);
            s.file->set_level(level);
            s.file->set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %n (%t): %v");
            s.fanout->add_sink(s.file);
            s.filePath = path;
        } catch (const std::exception& e) {
            // A read-only home must not stop Ladder; say so on the console and go on.
            if (s.console) {
                spdlog::logger("log", s.console)
                    .warn("cannot write the log file {}: {} (logging to the console only)",
                          path.string(), e.what());
            }
        }
    }
    spdlog::apply_all([level](const std::shared_ptr<spdlog::logger>& l) {
        l->set_level(std::min(level, l->level()));
    });
}

std::shared_ptr<spdlog::logger> get(const std::string& area) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    ensureDefaultSinkLocked(s);
    if (auto existing = spdlog::get(area)) return existing;
    auto logger = std::make_shared<spdlog::logger>(area, s.fanout);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}

void addSink(const spdlog::sink_ptr& sink) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.fanout->add_sink(sink);
}

void removeSink(const spdlog::sink_ptr& sink) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.fanout->remove_sink(sink);
}

std::filesystem::path currentLogFile() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    return s.filePath;
}

}  // namespace ladder::log

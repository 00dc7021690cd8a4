// An spdlog sink that keeps the latest messages in a bounded queue for the window's log dock to
// drain from a timer: loggers on any thread never touch a widget.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/sinks/base_sink.h>

namespace ladder::ui {

struct LogEntry {
    spdlog::level::level_enum level = spdlog::level::info;
    std::string logger;
    std::string text;
    std::chrono::system_clock::time_point time;
};

class QueueLogSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit QueueLogSink(std::size_t capacity = 5000) : m_capacity(capacity) {}
    // Everything logged since the last call (oldest first); the oldest are dropped past capacity.
    std::vector<LogEntry> drain();
    [[nodiscard]] std::size_t dropped() const { return m_dropped; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::size_t m_capacity;
    std::size_t m_dropped = 0;
    std::deque<LogEntry> m_entries;
};

}  // namespace ladder::ui

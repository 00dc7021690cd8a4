#include "ui/bridge/log_sink.h"

namespace ladder::ui {

void QueueLogSink::sink_it_(const spdlog::details::log_msg& msg) {
    if (m_entries.size() >= m_capacity) {
        m_entries.pop_front();
        ++m_dropped;
    }
    m_entries.push_back({msg.level, std::string(msg.logger_name.data(), msg.logger_name.size()),
                         std::string(msg.payload.data(), msg.payload.size()), msg.time});
}

std::vector<LogEntry> QueueLogSink::drain() {
    std::lock_guard lock(mutex_);
    std::vector<LogEntry> out(std::make_move_iterator(m_entries.begin()),
                              std::make_move_iterator(m_entries.end()));
    m_entries.clear();
    return out;
}

}  // namespace ladder::ui

// A bounded, thread-safe queue of training events between the worker and its reader (the window's
// timer or the CLI's progress line). The worker never blocks on it: when the queue is full the
// oldest Step event is dropped (its metrics are in the workspace anyway); other events are kept.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/train/training_event.h"

namespace ladder::train {

class EventQueue {
public:
    explicit EventQueue(std::size_t capacity = 4096) : m_capacity(capacity) {}

    void push(TrainingEvent event) {
        {
            std::lock_guard lock(m_mutex);
            if (m_events.size() >= m_capacity) dropOldestStepLocked();
            m_events.push_back(std::move(event));
        }
        m_ready.notify_all();
    }

    // Everything queued, oldest first, without waiting.
    std::vector<TrainingEvent> drain() {
        std::lock_guard lock(m_mutex);
        std::vector<TrainingEvent> out(std::make_move_iterator(m_events.begin()),
                                       std::make_move_iterator(m_events.end()));
        m_events.clear();
        return out;
    }

    // The next event, waiting at most `timeout`.
    std::optional<TrainingEvent> pop(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        if (!m_ready.wait_for(lock, timeout, [this] { return !m_events.empty(); })) {
            return std::nullopt;
        }
        TrainingEvent e = std::move(m_events.front());
        m_events.pop_front();
        return e;
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_events.size();
    }
    [[nodiscard]] std::size_t dropped() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }

private:
    void dropOldestStepLocked() {
        for (auto it = m_events.begin(); it != m_events.end(); ++it) {
            if (it->kind == EventKind::Step) {
                m_events.erase(it);
                ++m_dropped;
                return;
            }
        }
        // Only non-step events: keep them all (they are few); the queue grows past capacity.
    }

    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<TrainingEvent> m_events;
    std::size_t m_capacity;
    std::size_t m_dropped = 0;
};

}  // namespace ladder::train

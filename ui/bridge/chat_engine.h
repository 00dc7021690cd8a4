// Talking to a model from the window: a run's latest checkpoint or a Hugging Face model folder
// answers a conversation through its chat template (the run's template setting; "auto" for a
// folder), on a thread of its own, its text streamed token by token. The loaded model is kept for
// the next turn; Stop ends the answer where it is.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <QObject>
#include <QString>

#include "core/data/conversation.h"

class QTimer;

namespace ladder::ui {

struct ChatRequest {
    QString workspacePath;
    std::int64_t runId = 0;  // a run's latest checkpoint, or
    QString modelDir;        // a model folder
    std::vector<data::Message> messages;  // the conversation, ending with the user's turn
    double temperature = 0;  // 0: greedy
    double topP = 1.0;
    int maxNewTokens = 128;
    std::uint64_t seed = 0;
};

class ChatEngine final : public QObject {
    Q_OBJECT
public:
    explicit ChatEngine(QObject* parent = nullptr);
    ~ChatEngine() override;  // stops the answer in progress and waits

    // Starts answering; false with *error when one is in progress or nothing is chosen.
    bool ask(const ChatRequest& request, QString* error);
    void stop();
    [[nodiscard]] bool isBusy() const { return m_thread.joinable(); }

    // The timer's work, public for tests: hands the latest text and the end to the GUI thread.
    void drain();

Q_SIGNALS:
    void partial(const QString& textSoFar);
    // The answer (ok), or what went wrong; info: the model, tokens and why it stopped.
    void finished(bool ok, const QString& text, const QString& info);

private:
    struct Loaded;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_done{false};
    std::mutex m_mutex;
    QString m_latest;  // guarded by m_mutex; newest streamed text not yet handed over
    bool m_fresh = false;
    bool m_ok = false;
    QString m_text, m_info;  // set by the thread before m_done
    std::shared_ptr<Loaded> m_loaded;  // the model of the last answer (used by one thread at a time)
    QTimer* m_timer = nullptr;
};

}  // namespace ladder::ui

// Answers of a model generated from the window (the Sources pane's "Generate Answers"): what
// `ladder-cli generate-source` does, on a thread of its own with its own connection to the
// workspace; progress is polled by a timer into signals, Stop ends it between batches, and the
// same request continues it later (eval::generateSource never stores an answer twice). Also the
// sources of the open workspace, for the pane's table.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <QObject>
#include <QString>

#include "core/data/catalog.h"

class QTimer;

namespace ladder::ui {

class WorkspaceSession;

// The workspace's sources (answers and prompts each); empty when none is open.
[[nodiscard]] std::vector<data::SourceInfo> workspaceSources(WorkspaceSession* session);

// The finished runs of the workspace, newest first: a model to answer with.
struct RunChoice {
    std::int64_t id = 0;
    QString label;  // "run 3 · demo SFT (sft)"
};
[[nodiscard]] std::vector<RunChoice> finishedRuns(WorkspaceSession* session);

struct GenerationRequest {
    QString workspacePath;
    std::int64_t runId = 0;  // a run's latest checkpoint, or
    QString modelDir;        // a Hugging Face model folder
    QString source;          // the new source's name
    int prompts = 0;         // an evenly spread subset of the workspace's prompts (0: all)
    double temperature = 0;  // 0: greedy
    double topP = 1.0;       // nucleus sampling mass
    int topK = 0;            // sample from the K most likely tokens (0: all)
    int maxNewTokens = 64;
    int samplesPerPrompt = 1;
    int batch = 8;
    std::uint64_t seed = 0;
};

class SourceGenerationJob final : public QObject {
    Q_OBJECT
public:
    explicit SourceGenerationJob(QObject* parent = nullptr);
    ~SourceGenerationJob() override;  // stops between batches and waits

    // Checks the request (its mistakes are reported here) and starts the thread.
    bool start(const GenerationRequest& request, QString* error);
    void stop();
    [[nodiscard]] bool isRunning() const { return m_thread.joinable(); }
    // "answers 64/300 · 210 tok/s · ETA 12s"
    [[nodiscard]] QString progressText() const;

    // The timer's work, public for tests.
    void drain();

Q_SIGNALS:
    void progress(const QString& text);
    void finished(const QString& summary, bool ok);

private:
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_done{false};
    mutable std::mutex m_mutex;
    QString m_progress;  // guarded by m_mutex
    QString m_summary;   // set by the thread before m_done
    bool m_ok = false;
    QTimer* m_timer = nullptr;
};

}  // namespace ladder::ui

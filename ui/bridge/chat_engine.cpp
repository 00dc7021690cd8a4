#include "ui/bridge/chat_engine.h"

#include <QTimer>

#include "core/common/log.h"
#include "core/eval/answer_generation.h"
#include "core/model/generation.h"
#include "core/store/workspace.h"
#include "core/train/model_source.h"

namespace ladder::ui {

struct ChatEngine::Loaded {
    QString key;  // what was loaded: "run:<id>" or "dir:<path>" in a workspace
    train::AnsweringModel model;
};

ChatEngine::ChatEngine(QObject* parent) : QObject(parent) {
    m_timer = new QTimer(this);
    m_timer->setInterval(40);  // 25 updates a second at most: the GUI never queues up
    connect(m_timer, &QTimer::timeout, this, &ChatEngine::drain);
}

ChatEngine::~ChatEngine() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

void ChatEngine::stop() { m_stop = true; }

bool ChatEngine::ask(const ChatRequest& request, QString* error) {
    const auto fail = [error](const QString& why) {
        if (error) *error = why;
        return false;
    };
    if (isBusy()) return fail(tr("an answer is in progress: wait for it or stop it"));
    if (request.runId <= 0 && request.modelDir.isEmpty()) {
        return fail(tr("choose the model: a run of this workspace, or a model folder"));
    }
    if (request.messages.empty()) return fail(tr("write a message first"));
    m_stop = false;
    m_done = false;
    m_fresh = false;
    const QString key = (request.runId > 0 ? QStringLiteral("run:%1").arg(request.runId)
                                           : QStringLiteral("dir:") + request.modelDir) +
                        QStringLiteral(" in ") + request.workspacePath;
    auto loaded = m_loaded && m_loaded->key == key ? m_loaded : nullptr;
    m_thread = std::thread([this, request, key, loaded]() mutable {
        bool ok = false;
        QString text, info;
        try {
            if (!loaded) {
                loaded = std::make_shared<Loaded>();
                loaded->key = key;
                auto ws = store::Workspace::open(request.workspacePath.toStdString(),
                                                 store::OpenOptions{.readOnly = true});
                loaded->model =
                    train::loadAnsweringModel(ws, request.runId, request.modelDir.toStdString());
            }
            eval::AnswerOptions options;
            options.templateSetting = loaded->model.templateName;
            options.maxNewTokens = request.maxNewTokens;
            options.temperature = request.temperature;
            options.topP = request.topP;
            options.seed = request.seed;
            options.batchSize = 1;
            options.onText = [this](std::size_t, const std::string& soFar) {
                {
                    const std::lock_guard lock(m_mutex);
                    m_latest = QString::fromStdString(soFar);
                    m_fresh = true;
                }
                return m_stop.load();
            };
            eval::Instruction instruction;
            instruction.messages = request.messages;
            instruction.instruction = request.messages.back().content;
            const auto& model = loaded->model.loaded;
            const auto answers =
                eval::generateAnswers(*model.model, *model.tokenizer, {instruction}, options);
            const auto& a = answers.front();
            text = QString::fromStdString(a.text);
            info = tr("%1 · %2 tokens · %3%4")
                       .arg(QString::fromStdString(model.description))
                       .arg(a.tokens.size())
                       .arg(m_stop ? tr("stopped")
                            : a.reason == model::StopReason::MaxTokens ? tr("cut at the max tokens")
                                                                        : tr("ended by the model"))
                       .arg(a.promptTruncated ? tr(" · the conversation's start was cut to fit")
                                              : QString());
            ok = true;
        } catch (const std::exception& e) {
            text = QString::fromStdString(e.what());
            log::get("ui")->warn("chat: {}", e.what());
        }
        {
            const std::lock_guard lock(m_mutex);
            m_ok = ok;
            m_text = text;
            m_info = info;
            if (ok) m_loaded = loaded;
        }
        m_done = true;
    });
    m_timer->start();
    return true;
}

void ChatEngine::drain() {
    QString latest;
    bool fresh = false;
    {
        const std::lock_guard lock(m_mutex);
        fresh = std::exchange(m_fresh, false);
        if (fresh) latest = m_latest;
    }
    if (fresh && !m_done) Q_EMIT partial(latest);
    if (!m_done || !m_thread.joinable()) return;
    m_thread.join();
    m_timer->stop();
    Q_EMIT finished(m_ok, m_text, m_info);
}

}  // namespace ladder::ui

#include "ui/bridge/source_generation_job.h"

#include <QTimer>

#include "core/common/log.h"
#include "core/eval/source_generation.h"
#include "core/store/runs.h"
#include "core/store/workspace.h"
#include "core/train/model_source.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {
namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// The generation itself, on the job's thread; throws ladder::Error with what went wrong.
eval::SourceGenerationResult generate(const GenerationRequest& r, const std::atomic<bool>& stop,
                                      const std::function<void(const std::string&)>& onProgress) {
    auto ws = store::Workspace::open(r.workspacePath.toStdString());
    const auto model = train::loadAnsweringModel(ws, r.runId, r.modelDir.toStdString());
    const auto& loaded = model.loaded;

    eval::SourceGenerationSettings settings;
    settings.source = r.source.toStdString();
    settings.samplesPerPrompt = r.samplesPerPrompt;
    settings.answers.templateSetting = model.templateName;
    settings.answers.maxNewTokens = r.maxNewTokens;
    settings.answers.temperature = r.temperature;
    settings.answers.topP = r.topP;
    settings.answers.topK = r.topK;
    settings.answers.seed = r.seed;
    settings.answers.batchSize = r.batch;
    if (model.runConfig) settings.answers.maxPromptTokens = model.runConfig->data.maxPromptLength;
    settings.modelKey = eval::answerModelKey(*loaded.model, *loaded.tokenizer);
    settings.provenance = {{"model", loaded.folder.string()}, {"generator", loaded.description},
                           {"from", "window"}};
    if (r.runId > 0) settings.provenance["run"] = r.runId;
    const auto prompts = eval::workspacePrompts(ws.db(), r.prompts);
    return eval::generateSource(
        ws.db(), *loaded.model, *loaded.tokenizer, prompts, settings,
        [&](const eval::SourceGenerationProgress& p) { onProgress(eval::progressLine(p)); }, &stop);
}

}  // namespace

std::vector<data::SourceInfo> workspaceSources(WorkspaceSession* session) {
    if (!session || !session->workspace()) return {};
    try {
        return data::listSources(session->workspace()->db());
    } catch (const std::exception& e) {
        log::get("ui")->warn("sources: {}", e.what());
        return {};
    }
}

std::vector<RunChoice> finishedRuns(WorkspaceSession* session) {
    std::vector<RunChoice> out;
    if (!session || !session->workspace()) return out;
    try {
        for (const auto& run : store::RunStore(session->workspace()->db()).list()) {
            if (run.status != store::RunStatus::Finished) continue;
            out.push_back({run.id, QObject::tr("run %1 · %2 (%3)").arg(run.id).arg(q(run.name), q(run.method))});
        }
    } catch (const std::exception& e) {
        log::get("ui")->warn("runs: {}", e.what());
    }
    return out;
}

SourceGenerationJob::SourceGenerationJob(QObject* parent) : QObject(parent) {
    m_timer = new QTimer(this);
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &SourceGenerationJob::drain);
}

SourceGenerationJob::~SourceGenerationJob() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

bool SourceGenerationJob::start(const GenerationRequest& request, QString* error) {
    const auto fail = [&](const QString& message) {
        if (error) *error = message;
        return false;
    };
    if (m_thread.joinable()) return fail(tr("answers are being generated already: stop them first"));
    if (request.source.trimmed().isEmpty()) return fail(tr("name the new source"));
    if ((request.runId > 0) == !request.modelDir.isEmpty()) {
        return fail(tr("choose the model: a run of this workspace, or a model folder"));
    }
    if (request.samplesPerPrompt > 1 && request.temperature <= 0) {
        return fail(tr("several answers a prompt need a temperature above 0 (greedy answers are "
                       "all the same)"));
    }
    m_stop = false;
    m_done = false;
    {
        std::lock_guard lock(m_mutex);
        m_progress = tr("loading the model");
    }
    m_thread = std::thread([this, request] {
        QString summary;
        bool ok = false;
        try {
            const auto result = generate(request, m_stop, [this](const std::string& line) {
                std::lock_guard lock(m_mutex);
                m_progress = q(line);
            });
            const auto& p = result.progress;
            if (result.alreadyComplete) {
                summary = tr("source %1: its %2 answers are already stored").arg(request.source).arg(p.done);
            } else if (result.stopped) {
                summary = tr("source %1: stopped at %2 of %3 answers (Generate again continues)")
                              .arg(request.source)
                              .arg(p.done)
                              .arg(p.total);
            } else {
                summary = tr("source %1: %2 answers stored").arg(request.source).arg(p.done);
            }
            ok = true;
        } catch (const std::exception& e) {
            summary = tr("source %1: %2").arg(request.source, q(e.what()));
            log::get("ui")->warn("generate answers: {}", e.what());
        }
        m_summary = summary;
        m_ok = ok;
        m_done = true;
    });
    m_timer->start();
    return true;
}

void SourceGenerationJob::stop() {
    m_stop = true;
}

QString SourceGenerationJob::progressText() const {
    std::lock_guard lock(m_mutex);
    return m_progress;
}

void SourceGenerationJob::drain() {
    if (!m_thread.joinable()) return;
    if (m_done) {
        m_thread.join();
        m_timer->stop();
        Q_EMIT finished(m_summary, m_ok);
        return;
    }
    Q_EMIT progress(progressText());
}

}  // namespace ladder::ui

#include "ui/bridge/study_bridge.h"

#include <QFile>
#include <QTimer>

#include "core/common/clock.h"
#include "core/common/log.h"
#include "core/study/study_store.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {
namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

QStringList studyNames(WorkspaceSession* session) {
    QStringList names;
    if (!session || !session->workspace()) return names;
    try {
        for (const auto& s : study::StudyStore(session->workspace()->db()).list())
            names << q(s.name);
    } catch (const std::exception& e) {
        log::get("ui")->warn("studies: {}", e.what());
    }
    return names;
}

std::optional<study::StudyTable> studyTable(WorkspaceSession* session, const QString& name,
                                            QString* error) {
    if (!session || !session->workspace()) return std::nullopt;
    try {
        auto& db = session->workspace()->db();
        const auto record = study::StudyStore(db).find(name.toStdString());
        if (!record) {
            if (error) *error = QObject::tr("the workspace has no study '%1'").arg(name);
            return std::nullopt;
        }
        return study::summarizeStudy(db, study::storedSpec(record->name, record->specJson),
                                     record->id);
    } catch (const std::exception& e) {
        if (error) *error = q(e.what());
        return std::nullopt;
    }
}

bool writeStudyCsv(const study::StudyTable& table, const QString& path, QString* error) {
    QFile file(path);
    const QByteArray text = QByteArray::fromStdString(study::studyTableCsv(table));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size() ||
        !file.flush()) {
        if (error) *error = QObject::tr("could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

StudyJob::StudyJob(QObject* parent) : QObject(parent) {
    m_timer = new QTimer(this);
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &StudyJob::drain);
}

StudyJob::~StudyJob() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
}

bool StudyJob::start(const QString& workspacePath, const QString& studyFile, QString* error) {
    if (isRunning()) {
        if (error) *error = tr("study '%1' is running: stop it first").arg(m_name);
        return false;
    }
    study::StudySpec spec;
    try {
        spec = study::loadStudy(studyFile.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = q(e.what());
        return false;
    }
    m_name = q(spec.name);
    m_stop = false;
    m_done = false;
    m_summary.clear();
    m_progress.clear();
    m_thread = std::thread([this, spec = std::move(spec), path = workspacePath.toStdString()] {
        QString summary;
        try {
            const auto outcome = study::runStudy(
                path, spec, {},
                [this](const study::StudyEvent& e) {
                    using K = study::StudyEventKind;
                    const QString where = q(study::progressLabel(e));
                    const QString eta =
                        e.etaSeconds >= 0
                            ? tr(" · study ETA %1").arg(q(clock::formatDuration(e.etaSeconds)))
                            : QString();
                    if (e.kind == K::Training) {
                        if (e.training->kind != train::EventKind::Step) return;
                        post(e.kind, tr("%1: step %2/%3%4")
                                         .arg(where)
                                         .arg(e.training->step)
                                         .arg(e.training->totalSteps)
                                         .arg(eta));
                    } else if (e.kind == K::RunStarted) {
                        post(e.kind, tr("%1: %2").arg(where, q(e.message)));
                    } else {
                        post(e.kind, tr("%1: run %2 %3").arg(where).arg(e.runId).arg(q(e.message)));
                    }
                },
                m_stop);
            summary = tr("study '%1': %2 of %3 runs finished")
                          .arg(q(spec.name))
                          .arg(outcome.finished)
                          .arg(outcome.total);
            if (outcome.failed) summary += tr(", %1 failed").arg(outcome.failed);
            if (outcome.skipped) summary += tr(", %1 skipped").arg(outcome.skipped);
            if (outcome.stopped) summary += tr("; stopped (Run Study again continues it)");
        } catch (const std::exception& e) {
            summary = tr("study '%1' could not run: %2").arg(q(spec.name), q(e.what()));
        }
        {
            std::lock_guard lock(m_mutex);
            m_summary = summary;
        }
        m_done = true;
    });
    m_timer->start();
    return true;
}

void StudyJob::stop() {
    m_stop = true;
}

void StudyJob::post(study::StudyEventKind kind, const QString& text) {
    std::lock_guard lock(m_mutex);
    // Step lines replace each other: the window shows the latest, not a backlog.
    if (kind == study::StudyEventKind::Training && !m_items.empty() &&
        m_items.back().kind == study::StudyEventKind::Training) {
        m_items.back().text = text;
        return;
    }
    m_items.push_back({kind, text});
}

void StudyJob::drain() {
    const bool done = m_done.load();  // read before the items: the thread's last ones are in
    std::deque<Item> items;
    {
        std::lock_guard lock(m_mutex);
        items.swap(m_items);
    }
    for (const auto& item : items) {
        m_progress = item.text;
        Q_EMIT progress(item.text);
        using K = study::StudyEventKind;
        if (item.kind == K::RunFinished || item.kind == K::RunFailed ||
            item.kind == K::RunStopped) {
            Q_EMIT runEnded();
        }
    }
    if (!done || !m_thread.joinable()) return;
    m_thread.join();
    m_timer->stop();
    QString summary;
    {
        std::lock_guard lock(m_mutex);
        summary = m_summary;
    }
    m_progress = summary;
    Q_EMIT finished(summary);
}

}  // namespace ladder::ui

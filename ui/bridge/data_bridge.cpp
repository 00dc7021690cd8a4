#include "ui/bridge/data_bridge.h"

#include <QMetaObject>

#include "core/common/log.h"
#include "core/data/catalog.h"
#include "core/store/workspace.h"
#include "core/tokenizer/tokenizer.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

DataBridge::DataBridge(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {
    m_workers.setMaxThreadCount(1);  // an import and a build never write at once
    m_reads.setMaxThreadCount(1);
}

DataBridge::~DataBridge() {
    m_reads.clear();
    m_reads.waitForDone();
    m_workers.waitForDone();
}

void DataBridge::sourcesWithLengths(std::function<void(std::vector<data::SourceInfo>)> done) {
    if (!m_session->isOpen()) {
        done({});
        return;
    }
    const std::filesystem::path path = m_session->workspace()->path();
    m_reads.clear();  // an older request not started yet is out of date
    m_reads.start([this, path, done = std::move(done)] {
        std::vector<data::SourceInfo> sources;
        try {
            auto ws = store::Workspace::open(path, store::OpenOptions{.readOnly = true});
            sources = data::listSources(ws.db());
            data::addAnswerLengths(ws.db(), sources);
        } catch (const std::exception& e) {
            log::get("ui")->warn("cannot read the sources' answer lengths: {}", e.what());
            return;
        }
        QMetaObject::invokeMethod(
            this, [done, sources = std::move(sources)]() mutable { done(std::move(sources)); },
            Qt::QueuedConnection);
    });
}

bool DataBridge::canWrite() const { return m_session->isOpen() && !m_session->isReadOnly(); }

QStringList DataBridge::sources() {
    QStringList names;
    if (!m_session->workspace()) return names;
    try {
        for (const auto& s : data::listSources(m_session->workspace()->db())) {
            if (s.answers > 0) names << QString::fromStdString(s.name);
        }
    } catch (const std::exception& e) {
        log::get("ui")->warn("sources: {}", e.what());
    }
    return names;
}

std::vector<pairs::Ladder> DataBridge::ladders() {
    if (!m_session->workspace()) return {};
    try {
        return pairs::listLadders(m_session->workspace()->db());
    } catch (const std::exception& e) {
        log::get("ui")->warn("ladders: {}", e.what());
        return {};
    }
}

bool DataBridge::saveLadder(const pairs::Ladder& ladder, QString* error) {
    if (!canWrite()) {
        if (error) *error = tr("Open a workspace you can write to first.");
        return false;
    }
    try {
        pairs::saveLadder(m_session->workspace()->db(), ladder);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    log::get("ui")->info("ladder {} saved: {}", ladder.name, ladder.describe());
    m_session->notifyChanged();
    return true;
}

template <typename T>
void DataBridge::onWorker(std::function<T(const std::filesystem::path&)> work, DataDone<T> done,
                          bool changesWorkspace) {
    if (!m_session->isOpen() || (changesWorkspace && m_session->isReadOnly())) {
        done(std::nullopt, tr("Open a workspace you can write to first."));
        return;
    }
    const std::filesystem::path path = m_session->workspace()->path();
    if (++m_busy == 1) Q_EMIT busyChanged(true);
    m_workers.start([this, path, work = std::move(work), done = std::move(done), changesWorkspace] {
        std::optional<T> result;
        QString error;
        try {
            result = work(path);
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, result = std::move(result), error, done, changesWorkspace]() mutable {
                if (!error.isEmpty()) log::get("ui")->warn("data: {}", error.toStdString());
                if (--m_busy == 0) Q_EMIT busyChanged(false);
                if (changesWorkspace && result) m_session->notifyChanged();
                done(std::move(result), error);
            },
            Qt::QueuedConnection);
    });
}

void DataBridge::preview(const QString& file, const data::ImportOptions& options,
                         DataDone<data::FilePreview> done) {
    const std::filesystem::path source = file.toStdString();
    onWorker<data::FilePreview>(
        [source, options](const std::filesystem::path& workspace) {
            return data::previewFile(source, options, 20, workspace);
        },
        std::move(done), /*changesWorkspace=*/false);
}

void DataBridge::import(const QString& file, const data::ImportOptions& options,
                        DataDone<data::ImportResult> done) {
    const std::filesystem::path source = file.toStdString();
    onWorker<data::ImportResult>(
        [source, options](const std::filesystem::path& workspace) {
            auto ws = store::Workspace::open(workspace);
            return data::importFile(ws.db(), source, options);
        },
        std::move(done), /*changesWorkspace=*/true);
}

void DataBridge::buildPairs(const QString& ladder, const pairs::PairBuildOptions& options,
                            const QString& tokenizer, bool write,
                            DataDone<pairs::PreflightReport> done) {
    const std::string name = ladder.toStdString();
    const std::filesystem::path tokens = tokenizer.trimmed().toStdString();
    onWorker<pairs::PreflightReport>(
        [name, options, tokens, write](const std::filesystem::path& workspace) {
            auto counted = options;
            if (!tokens.empty()) {
                counted.countTokens = tokenizer::tokenCounter(tokens);
                counted.tokenizerName = tokens.filename().string();
            }
            auto ws = store::Workspace::open(workspace, store::OpenOptions{.readOnly = !write});
            pairs::PairBuilder builder(ws.db(), name, counted);
            return write ? builder.build() : builder.preflight();
        },
        std::move(done), /*changesWorkspace=*/write);
}

}  // namespace ladder::ui

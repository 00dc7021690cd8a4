#include "ui/bridge/pairs_bridge.h"

#include <QUndoCommand>
#include <QUndoStack>

#include "core/common/log.h"
#include "core/data/catalog.h"
#include "core/pairs/ladder.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

namespace {

// One stored change of one pair. Its first redo() is the change already saved by the bridge, so
// only later redos write; undo writes the state before it back.
class AnnotationCommand final : public QUndoCommand {
public:
    AnnotationCommand(PairsBridge* bridge, const QString& text, pairs::AnnotationChange change)
        : QUndoCommand(text), m_bridge(bridge), m_change(std::move(change)) {}

    void undo() override { m_bridge->restore(m_change.pairId, m_change.before); }
    void redo() override {
        if (m_saved) {
            m_saved = false;
            return;
        }
        m_bridge->restore(m_change.pairId, m_change.after);
    }

private:
    PairsBridge* m_bridge;
    pairs::AnnotationChange m_change;
    bool m_saved = true;
};

QString statusVerb(pairs::AnnotationStatus status) {
    switch (status) {
        case pairs::AnnotationStatus::Keep:
            return QObject::tr("keep");
        case pairs::AnnotationStatus::Flip:
            return QObject::tr("flip");
        case pairs::AnnotationStatus::Tie:
            return QObject::tr("tie");
        case pairs::AnnotationStatus::Discard:
            return QObject::tr("discard");
        case pairs::AnnotationStatus::None:
            break;
    }
    return QObject::tr("clear");
}

}  // namespace

PairsBridge::PairsBridge(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session), m_undo(new QUndoStack(this)) {
    m_annotator = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
    // Undo commands write into the workspace they were made in.
    connect(m_session, &WorkspaceSession::aboutToClose, m_undo, &QUndoStack::clear);
    connect(m_session, &WorkspaceSession::opened, m_undo, &QUndoStack::clear);
    m_workers.setMaxThreadCount(1);
}

// A worker still running posts its answer to this object: wait for it, so that the answer is
// dropped with the object instead of arriving at a dangling one.
PairsBridge::~PairsBridge() {
    m_workers.clear();
    m_workers.waitForDone();
}

bool PairsBridge::isOpen() const {
    return m_session->isOpen();
}
bool PairsBridge::isReadOnly() const {
    return m_session->isReadOnly();
}

void PairsBridge::report(const std::exception& e) {
    log::get("ui")->warn("pairs: {}", e.what());
    Q_EMIT failed(QString::fromStdString(e.what()));
}

// Runs a question to core on the GUI thread's connection: the fallback when nothing is open or
// core throws (reported by failed()).
template <typename T, typename Ask>
T PairsBridge::ask(T fallback, Ask question) {
    if (!isOpen()) return fallback;
    try {
        return question(m_session->workspace()->db());
    } catch (const std::exception& e) {
        report(e);
        return fallback;
    }
}

std::vector<PairScope> PairsBridge::scopes() {
    return ask(std::vector<PairScope>{}, [this](store::Database& db) {
        std::vector<PairScope> out;
        for (const pairs::Ladder& l : pairs::listLadders(db)) {
            out.push_back({tr("Ladder %1").arg(QString::fromStdString(l.name)), l.id, {}});
        }
        for (const data::DatasetInfo& d : data::listDatasets(db)) {
            if (d.kind != data::DatasetKind::Pairs) continue;
            out.push_back({tr("Imported %1").arg(QString::fromStdString(d.name)), {}, d.id});
        }
        return out;
    });
}

QStringList PairsBridge::tiers(const pairs::PairFilter& scope) {
    return ask(QStringList(), [&scope](store::Database& db) {
        QStringList out;
        for (const auto& t : pairs::tierNames(db, scope)) out << QString::fromStdString(t);
        return out;
    });
}

QStringList PairsBridge::sources(const pairs::PairFilter& scope) {
    return ask(QStringList(), [&scope](store::Database& db) {
        QStringList out;
        if (scope.ladderId) {
            for (const auto& rung : pairs::loadLadder(db, *scope.ladderId).rungs) {
                out << QString::fromStdString(rung.source);
            }
        } else {
            for (const auto& s : data::listSources(db)) out << QString::fromStdString(s.name);
        }
        return out;
    });
}

std::vector<pairs::MarginRun> PairsBridge::marginRuns() {
    return ask(std::vector<pairs::MarginRun>{},
               [](store::Database& db) { return pairs::marginRuns(db); });
}

std::vector<std::int64_t> PairsBridge::findIds(const pairs::PairFilter& filter,
                                               const pairs::PairSort& sort) {
    return ask(std::vector<std::int64_t>{},
               [&](store::Database& db) { return pairs::findPairIds(db, filter, sort); });
}

void PairsBridge::findIdsAsync(const pairs::PairFilter& filter, const pairs::PairSort& sort,
                               std::function<void(std::vector<std::int64_t>)> done) {
    if (!isOpen()) {
        done({});
        return;
    }
    const std::filesystem::path path = m_session->workspace()->path();
    m_workers.clear();
    m_workers.start([this, path, filter, sort, done = std::move(done)] {
        std::vector<std::int64_t> ids;
        QString error;
        try {
            auto ws = store::Workspace::open(path, store::OpenOptions{.readOnly = true});
            ids = pairs::findPairIds(ws.db(), filter, sort);
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, ids = std::move(ids), error, done]() mutable {
                if (!error.isEmpty()) {
                    log::get("ui")->warn("pairs: {}", error.toStdString());
                    Q_EMIT failed(error);
                }
                done(std::move(ids));
            },
            Qt::QueuedConnection);
    });
}

std::vector<pairs::PairRow> PairsBridge::rows(std::span<const std::int64_t> ids,
                                              std::int64_t marginRunId) {
    return ask(std::vector<pairs::PairRow>{},
               [&](store::Database& db) { return pairs::loadPairRows(db, ids, marginRunId); });
}

std::optional<pairs::PairDetail> PairsBridge::detail(std::int64_t pairId) {
    return ask(std::optional<pairs::PairDetail>{}, [pairId](store::Database& db) {
        return std::optional<pairs::PairDetail>(pairs::pairDetail(db, pairId));
    });
}

bool PairsBridge::setStatus(std::int64_t pairId, pairs::AnnotationStatus status) {
    auto change = ask(std::optional<pairs::AnnotationChange>{}, [&](store::Database& db) {
        return std::optional(
            pairs::setAnnotationStatus(db, pairId, status, m_annotator.toStdString()));
    });
    return change && record(tr("%1 pair %2").arg(statusVerb(status)).arg(pairId), *change);
}

bool PairsBridge::setNote(std::int64_t pairId, const QString& note) {
    auto change = ask(std::optional<pairs::AnnotationChange>{}, [&](store::Database& db) {
        return std::optional(
            pairs::setAnnotationNote(db, pairId, note.toStdString(), m_annotator.toStdString()));
    });
    return change && record(tr("note on pair %1").arg(pairId), *change);
}

bool PairsBridge::record(const QString& text, const pairs::AnnotationChange& change) {
    m_undo->push(new AnnotationCommand(this, text, change));
    Q_EMIT annotationChanged(change.pairId);
    m_session->notifyChanged();
    return true;
}

bool PairsBridge::restore(std::int64_t pairId, const pairs::AnnotationState& state) {
    const bool restored = ask(false, [&](store::Database& db) {
        pairs::restoreAnnotation(db, pairId, state);
        return true;
    });
    if (!restored) return false;
    Q_EMIT annotationChanged(pairId);
    m_session->notifyChanged();
    return true;
}

}  // namespace ladder::ui

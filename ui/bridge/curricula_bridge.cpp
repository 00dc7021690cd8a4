#include "ui/bridge/curricula_bridge.h"

#include "core/common/log.h"
#include "core/curriculum/curriculum_store.h"
#include "core/pairs/ladder.h"
#include "core/pairs/training_pairs.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

CurriculaBridge::CurriculaBridge(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {}

bool CurriculaBridge::isOpen() const {
    return m_session->isOpen();
}
bool CurriculaBridge::isReadOnly() const {
    return m_session->isReadOnly();
}

bool CurriculaBridge::fail(const std::exception& e, QString* error) {
    log::get("ui")->warn("curricula: {}", e.what());
    if (error) *error = QString::fromStdString(e.what());
    return false;
}

// Runs a question to core on the GUI thread's connection: the fallback when nothing is open or
// core throws (its message in *error).
template <typename T, typename Ask>
T CurriculaBridge::ask(T fallback, QString* error, Ask question) {
    if (!isOpen()) return fallback;
    try {
        return question(m_session->workspace()->db());
    } catch (const std::exception& e) {
        fail(e, error);
        return fallback;
    }
}

QStringList CurriculaBridge::ladders() {
    return ask(QStringList(), nullptr, [](store::Database& db) {
        QStringList out;
        for (const auto& l : pairs::listLadders(db)) out << QString::fromStdString(l.name);
        return out;
    });
}

std::vector<curriculum::TierInfo> CurriculaBridge::tiers(const QString& ladder) {
    if (ladder.isEmpty()) return {};
    return ask(std::vector<curriculum::TierInfo>{}, nullptr, [&ladder](store::Database& db) {
        std::vector<curriculum::TierInfo> out;
        for (const auto& t : pairs::tierCounts(db, {.ladder = ladder.toStdString()})) {
            out.push_back({t.tier, t.rankGap, t.train});
        }
        return out;
    });
}

QStringList CurriculaBridge::names() {
    return ask(QStringList(), nullptr, [](store::Database& db) {
        QStringList out;
        for (const auto& c : curriculum::listCurricula(db)) out << QString::fromStdString(c.name);
        return out;
    });
}

std::optional<curriculum::Curriculum> CurriculaBridge::load(const QString& name, QString* error) {
    return ask(std::optional<curriculum::Curriculum>{}, error, [&name](store::Database& db) {
        return std::optional(curriculum::loadCurriculum(db, name.toStdString()));
    });
}

bool CurriculaBridge::save(const curriculum::Curriculum& c, QString* error) {
    const bool saved = ask(false, error, [&c](store::Database& db) {
        curriculum::saveCurriculum(db, c);
        return true;
    });
    if (!saved) return false;
    log::get("ui")->info("saved curriculum '{}' ({} stages)", c.name, c.stages.size());
    Q_EMIT stored();
    m_session->notifyChanged();
    return true;
}

bool CurriculaBridge::remove(const QString& name, QString* error) {
    const bool removed = ask(false, error, [&name](store::Database& db) {
        curriculum::deleteCurriculum(db, name.toStdString());
        return true;
    });
    if (!removed) return false;
    Q_EMIT stored();
    m_session->notifyChanged();
    return true;
}

}  // namespace ladder::ui

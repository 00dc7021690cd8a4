#include "ui/bridge/curricula_bridge.h"

#include "core/common/log.h"
#include "core/curriculum/curriculum_store.h"
#include "core/pairs/ladder.h"
#include "core/pairs/training_pairs.h"
#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

CurriculaBridge::CurriculaBridge(WorkspaceSession* session, QObject* parent)
    : QObject(parent), m_session(session) {}

bool CurriculaBridge::isOpen() const { return m_session->isOpen(); }
bool CurriculaBridge::isReadOnly() const { return m_session->isReadOnly(); }

bool CurriculaBridge::fail(const std::exception& e, QString* error) {
    log::get("ui")->warn("curricula: {}", e.what());
    if (error) *error = QString::fromStdString(e.what());
    return false;
}

QStringList CurriculaBridge::ladders() {
    QStringList out;
    if (!isOpen()) return out;
    try {
        for (const auto& l : pairs::listLadders(m_session->workspace()->db())) {
            out << QString::fromStdString(l.name);
        }
    } catch (const std::exception& e) {
        fail(e, nullptr);
    }
    return out;
}

std::vector<curriculum::TierInfo> CurriculaBridge::tiers(const QString& ladder) {
    std::vector<curriculum::TierInfo> out;
    if (!isOpen() || ladder.isEmpty()) return out;
    try {
        for (const auto& t : pairs::tierCounts(m_session->workspace()->db(),
                                               {.ladder = ladder.toStdString()})) {
            out.push_back({t.tier, t.rankGap, t.train});
        }
    } catch (const std::exception& e) {
        fail(e, nullptr);
    }
    return out;
}

QStringList CurriculaBridge::names() {
    QStringList out;
    if (!isOpen()) return out;
    try {
        for (const auto& c : curriculum::listCurricula(m_session->workspace()->db())) {
            out << QString::fromStdString(c.name);
        }
    } catch (const std::exception& e) {
        fail(e, nullptr);
    }
    return out;
}

std::optional<curriculum::Curriculum> CurriculaBridge::load(const QString& name, QString* error) {
    if (!isOpen()) return std::nullopt;
    try {
        return curriculum::loadCurriculum(m_session->workspace()->db(), name.toStdString());
    } catch (const std::exception& e) {
        fail(e, error);
        return std::nullopt;
    }
}

bool CurriculaBridge::save(const curriculum::Curriculum& c, QString* error) {
    if (!isOpen()) return false;
    try {
        curriculum::saveCurriculum(m_session->workspace()->db(), c);
    } catch (const std::exception& e) {
        return fail(e, error);
    }
    log::get("ui")->info("saved curriculum '{}' ({} stages)", c.name, c.stages.size());
    Q_EMIT stored();
    m_session->notifyChanged();
    return true;
}

bool CurriculaBridge::remove(const QString& name, QString* error) {
    if (!isOpen()) return false;
    try {
        curriculum::deleteCurriculum(m_session->workspace()->db(), name.toStdString());
    } catch (const std::exception& e) {
        return fail(e, error);
    }
    Q_EMIT stored();
    m_session->notifyChanged();
    return true;
}

}  // namespace ladder::ui

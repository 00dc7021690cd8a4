// The curriculum editor's way into the workspace: the ladders and their tiers with pair counts
// (what a curriculum mixes), and the stored curricula (what the launcher picks by name).
// Errors never escape: they are logged and returned as messages.
#pragma once

#include <optional>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>

#include "core/curriculum/curriculum.h"
#include "core/curriculum/presets.h"

namespace ladder::ui {

class WorkspaceSession;

class CurriculaBridge : public QObject {
    Q_OBJECT
public:
    explicit CurriculaBridge(WorkspaceSession* session, QObject* parent = nullptr);

    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] bool isReadOnly() const;

    [[nodiscard]] QStringList ladders();
    // The ladder's tiers, easiest first, with their training pairs (the held-out split is not
    // trained on).
    [[nodiscard]] std::vector<curriculum::TierInfo> tiers(const QString& ladder);

    [[nodiscard]] QStringList names();
    [[nodiscard]] std::optional<curriculum::Curriculum> load(const QString& name,
                                                             QString* error = nullptr);
    bool save(const curriculum::Curriculum& curriculum, QString* error = nullptr);
    bool remove(const QString& name, QString* error = nullptr);

Q_SIGNALS:
    // The stored curricula changed (saved or deleted here).
    void stored();

private:
    bool fail(const std::exception& e, QString* error);
    template <typename T, typename Ask>
    T ask(T fallback, QString* error, Ask question);

    WorkspaceSession* m_session;
};

}  // namespace ladder::ui

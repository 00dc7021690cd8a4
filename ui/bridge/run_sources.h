// The workspaces whose runs the comparison pane reads: the window's open workspace (source 0) and
// any number of other .ladder files opened read-only beside it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <QObject>
#include <QString>

#include "core/store/workspace.h"

namespace ladder::ui {

class WorkspaceSession;

struct RunRef {
    int source = 0;  // 0: the session's workspace; 1..: added read-only
    std::int64_t runId = 0;
    bool operator==(const RunRef& o) const { return source == o.source && runId == o.runId; }
    bool operator<(const RunRef& o) const {
        return source != o.source ? source < o.source : runId < o.runId;
    }
};

class RunSources final : public QObject {
    Q_OBJECT
public:
    explicit RunSources(WorkspaceSession* session, QObject* parent = nullptr);
    ~RunSources() override;

    // Opens another workspace read-only; returns its source number, or -1 with *error set. A file
    // already listed (or the session's own) returns its number.
    int addWorkspace(const QString& path, QString* error);
    void removeWorkspace(int source);

    [[nodiscard]] int count() const { return 1 + static_cast<int>(m_others.size()); }
    [[nodiscard]] QString fileName(int source) const;
    [[nodiscard]] QString path(int source) const;
    // The source's database; nullptr when it is not open (no workspace in the window).
    [[nodiscard]] store::Database* db(int source);

Q_SIGNALS:
    void changed();

private:
    WorkspaceSession* m_session;
    std::vector<std::unique_ptr<store::Workspace>> m_others;
};

}  // namespace ladder::ui

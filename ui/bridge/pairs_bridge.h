// The pair browser's way into the workspace: pair lists and details from core/pairs, and the
// annotator's decisions, each saved at once and pushed on an undo stack whose undo restores the
// stored state exactly. Errors never escape: they are logged and reported by failed().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include "core/pairs/pair_annotations.h"
#include "core/pairs/pair_margins.h"
#include "core/pairs/pair_query.h"

class QUndoStack;

namespace ladder::ui {

class WorkspaceSession;

// What the browser can list: a ladder's pairs or an imported pair dataset's.
struct PairScope {
    QString label;
    std::optional<std::int64_t> ladderId;
    std::optional<std::int64_t> datasetId;
};

class PairsBridge : public QObject {
    Q_OBJECT
public:
    explicit PairsBridge(WorkspaceSession* session, QObject* parent = nullptr);
    ~PairsBridge() override;

    [[nodiscard]] bool isOpen() const;
    [[nodiscard]] bool isReadOnly() const;
    [[nodiscard]] QUndoStack* undoStack() const { return m_undo; }

    [[nodiscard]] std::vector<PairScope> scopes();
    [[nodiscard]] QStringList tiers(const pairs::PairFilter& scope);
    [[nodiscard]] QStringList sources(const pairs::PairFilter& scope);
    [[nodiscard]] std::vector<pairs::MarginRun> marginRuns();

    [[nodiscard]] std::vector<std::int64_t> findIds(const pairs::PairFilter& filter,
                                                    const pairs::PairSort& sort);
    // The same on a worker thread with a connection of its own (a sort or a judge filter over
    // tens of thousands of pairs takes a tenth of a second or more); `done` runs on the GUI
    // thread, unless a newer request or the bridge's end came first. Earlier requests that
    // have not started are dropped.
    void findIdsAsync(const pairs::PairFilter& filter, const pairs::PairSort& sort,
                      std::function<void(std::vector<std::int64_t>)> done);
    [[nodiscard]] std::vector<pairs::PairRow> rows(std::span<const std::int64_t> ids,
                                                   std::int64_t marginRunId);
    [[nodiscard]] std::optional<pairs::PairDetail> detail(std::int64_t pairId);

    // Each saves at once and pushes an undoable command; false (and failed()) when it could not.
    bool setStatus(std::int64_t pairId, pairs::AnnotationStatus status);
    bool setNote(std::int64_t pairId, const QString& note);

    // Used by the undo commands: writes a stored state back and tells the views.
    bool restore(std::int64_t pairId, const pairs::AnnotationState& state);

Q_SIGNALS:
    // A pair's annotation changed (a decision, a note, an undo or a redo).
    void annotationChanged(std::int64_t pairId);
    void failed(const QString& message);

private:
    bool record(const QString& text, const pairs::AnnotationChange& change);
    void report(const std::exception& e);
    template <typename T, typename Ask>
    T ask(T fallback, Ask question);

    WorkspaceSession* m_session;
    QUndoStack* m_undo;
    QThreadPool m_workers;
    QString m_annotator;
};

}  // namespace ladder::ui

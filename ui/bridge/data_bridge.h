// The window's way to bring data in: preview and import files, rank sources into ladders, and check
// and build pairs, with core/data and core/pairs. Reading a file, importing it and building pairs
// run on one worker thread with a connection of their own (an import of thousands of answers takes
// seconds); `done` runs on the GUI thread with the result, or with the error (core's message: the
// file, the row, what to do). Nothing runs on the GUI thread's connection but quick reads.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include "core/data/catalog.h"
#include "core/data/dataset_import.h"
#include "core/data/file_preview.h"
#include "core/pairs/ladder.h"
#include "core/pairs/pair_builder.h"
#include "core/pairs/preflight_report.h"

namespace ladder::ui {

class WorkspaceSession;

template <typename T>
using DataDone = std::function<void(std::optional<T> result, const QString& error)>;

class DataBridge final : public QObject {
    Q_OBJECT
public:
    explicit DataBridge(WorkspaceSession* session, QObject* parent = nullptr);
    ~DataBridge() override;  // waits for the task in progress

    [[nodiscard]] bool canWrite() const;
    [[nodiscard]] bool isBusy() const { return m_busy > 0; }
    [[nodiscard]] WorkspaceSession* session() const { return m_session; }

    // The sources with answers that ladders can pair (answers files), by name.
    [[nodiscard]] QStringList sources();
    // Every source with its counts and answer lengths, read on a worker thread of its own (the
    // lengths read every answer); `done` runs on the GUI thread, not after the bridge's end.
    void sourcesWithLengths(std::function<void(std::vector<data::SourceInfo>)> done);
    [[nodiscard]] std::vector<pairs::Ladder> ladders();
    // Stores the ladder (replacing one of the same name); false with *error naming the problem.
    bool saveLadder(const pairs::Ladder& ladder, QString* error);

    void preview(const QString& file, const data::ImportOptions& options,
                 DataDone<data::FilePreview> done);
    void import(const QString& file, const data::ImportOptions& options,
                DataDone<data::ImportResult> done);
    // write = false: the preflight report only; true: the pairs are written too. A tokenizer (a
    // model folder or tokenizer.json; empty = none) is loaded on the worker to count tokens.
    void buildPairs(const QString& ladder, const pairs::PairBuildOptions& options,
                    const QString& tokenizer, bool write, DataDone<pairs::PreflightReport> done);

Q_SIGNALS:
    void busyChanged(bool busy);

private:
    template <typename T>
    void onWorker(std::function<T(const std::filesystem::path& workspace)> work, DataDone<T> done,
                  bool changesWorkspace);

    WorkspaceSession* m_session;
    QThreadPool m_workers;
    QThreadPool m_reads;  // reads that must not wait behind an import
    int m_busy = 0;
};

}  // namespace ladder::ui

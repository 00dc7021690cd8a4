// The pair browser's table: every pair that passes the filter, in the chosen order. It holds only
// the ordered ids (listed on a worker thread); rows are read a page at a time when a view first
// asks for them, so a list of 60,000 pairs shows as fast as one of 60.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include <QAbstractTableModel>

#include "core/pairs/pair_query.h"

namespace ladder::ui {

class PairsBridge;

class PairTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        TierColumn,
        StatusColumn,
        JudgeColumn,
        LengthDiffColumn,
        ChosenCharsColumn,
        RejectedCharsColumn,
        MarginColumn,
        PromptColumn,
        ColumnCount
    };
    static constexpr int kPairIdRole = Qt::UserRole + 1;
    static constexpr int kPageSize = 100;

    explicit PairTableModel(PairsBridge* bridge, QObject* parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    // Sorts by pair id, tier, length difference or margin (other columns keep the order).
    void sort(int column, Qt::SortOrder order) override;

    // Lists the pairs that pass the filter again (in the current order).
    void setFilter(const pairs::PairFilter& filter);
    // The run whose margins fill the margin column (0: none).
    void setMarginRun(std::int64_t runId);
    void clear();

    [[nodiscard]] const pairs::PairFilter& filter() const { return m_filter; }
    [[nodiscard]] const pairs::PairSort& sortOrder() const { return m_sort; }
    [[nodiscard]] std::int64_t marginRun() const { return m_sort.marginRunId; }
    [[nodiscard]] static bool isSortable(int column);
    [[nodiscard]] static int columnOf(pairs::PairSortKey key);

    [[nodiscard]] std::int64_t pairIdAt(int row) const;
    [[nodiscard]] int rowOf(std::int64_t pairId) const;  // -1 when not listed
    // The row as loaded (loads its page when needed); nullptr for a bad row.
    [[nodiscard]] const pairs::PairRow* rowAt(int row) const;
    // Reads one pair's row again (after an annotation changed it).
    void refreshPair(std::int64_t pairId);
    // Forgets the loaded pages (the workspace changed under them).
    void refreshAll();

    [[nodiscard]] int loadedPages() const { return static_cast<int>(m_pages.size()); }
    // A new list is being made on a worker thread; the current rows stay until it arrives.
    [[nodiscard]] bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void busyChanged(bool busy);

private:
    // A cell of this table (checked quietly: views ask with invalid indexes too).
    [[nodiscard]] bool isCell(const QModelIndex& index) const {
        return index.isValid() && index.model() == this && index.row() < rowCount() &&
               index.column() < columnCount();
    }
    void query();

    PairsBridge* m_bridge;
    pairs::PairFilter m_filter;
    pairs::PairSort m_sort;
    std::vector<std::int64_t> m_ids;
    std::uint64_t m_generation = 0;  // of the latest request; older answers are dropped
    bool m_busy = false;
    // Loaded pages of rows, by page index; bounded so that a long scroll does not keep them all.
    mutable std::unordered_map<int, std::vector<std::optional<pairs::PairRow>>> m_pages;
    mutable std::vector<int> m_pageOrder;  // least recently loaded first
};

}  // namespace ladder::ui

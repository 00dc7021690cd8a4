#include "ui/pairs/pair_table_model.h"

#include <algorithm>

#include <QBrush>
#include <QColor>
#include <QLocale>

#include "ui/bridge/pairs_bridge.h"

namespace ladder::ui {

namespace {

constexpr int kMaxPages = 64;

// Light tints with dark text set alongside, so that rows stay readable in a dark theme too.
QColor statusBackground(pairs::AnnotationStatus status) {
    switch (status) {
        case pairs::AnnotationStatus::Keep:
            return QColor(0xd8, 0xf0, 0xd8);
        case pairs::AnnotationStatus::Flip:
            return QColor(0xff, 0xe2, 0xb8);
        case pairs::AnnotationStatus::Tie:
            return QColor(0xd9, 0xe6, 0xf7);
        case pairs::AnnotationStatus::Discard:
            return QColor(0xe4, 0xe4, 0xe4);
        case pairs::AnnotationStatus::None:
            break;
    }
    return {};
}

QString statusText(const pairs::PairRow& row) {
    QString s = QString::fromLatin1(pairs::toString(row.status));
    if (row.hasNote) s += s.isEmpty() ? QStringLiteral("\u270E") : QStringLiteral(" \u270E");
    return s;
}

QString judgeText(pairs::JudgeVerdict v) {
    switch (v) {
        case pairs::JudgeVerdict::Agree:
            return PairTableModel::tr("agrees");
        case pairs::JudgeVerdict::Disagree:
            return PairTableModel::tr("disagrees");
        case pairs::JudgeVerdict::Tie:
            return PairTableModel::tr("tie");
        case pairs::JudgeVerdict::None:
            break;
    }
    return QStringLiteral("\u2013");
}

}  // namespace

PairTableModel::PairTableModel(PairsBridge* bridge, QObject* parent)
    : QAbstractTableModel(parent), m_bridge(bridge) {}

int PairTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

int PairTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

bool PairTableModel::isSortable(int column) {
    return column == IdColumn || column == TierColumn || column == LengthDiffColumn ||
           column == MarginColumn;
}

int PairTableModel::columnOf(pairs::PairSortKey key) {
    switch (key) {
        case pairs::PairSortKey::Tier:
            return TierColumn;
        case pairs::PairSortKey::LengthDifference:
            return LengthDiffColumn;
        case pairs::PairSortKey::Margin:
            return MarginColumn;
        case pairs::PairSortKey::PairId:
            break;
    }
    return IdColumn;
}

std::int64_t PairTableModel::pairIdAt(int row) const {
    return row >= 0 && row < rowCount() ? m_ids[static_cast<std::size_t>(row)] : 0;
}

int PairTableModel::rowOf(std::int64_t pairId) const {
    const auto it = std::find(m_ids.begin(), m_ids.end(), pairId);
    return it == m_ids.end() ? -1 : static_cast<int>(it - m_ids.begin());
}

const pairs::PairRow* PairTableModel::rowAt(int row) const {
    if (row < 0 || row >= rowCount()) return nullptr;
    const int page = row / kPageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        const std::size_t first = static_cast<std::size_t>(page) * kPageSize;
        const std::size_t count = std::min<std::size_t>(kPageSize, m_ids.size() - first);
        const std::span<const std::int64_t> ids(m_ids.data() + first, count);
        const auto rows = m_bridge->rows(ids, m_sort.marginRunId);
        std::vector<std::optional<pairs::PairRow>> slots(count);
        std::size_t next = 0;
        for (std::size_t i = 0; i < count && next < rows.size(); ++i) {
            if (rows[next].pairId == ids[i]) slots[i] = rows[next++];
        }
        if (static_cast<int>(m_pages.size()) >= kMaxPages) {
            m_pages.erase(m_pageOrder.front());
            m_pageOrder.erase(m_pageOrder.begin());
        }
        it = m_pages.emplace(page, std::move(slots)).first;
        m_pageOrder.push_back(page);
    }
    const auto& slot = it->second[static_cast<std::size_t>(row % kPageSize)];
    return slot ? &*slot : nullptr;
}

QVariant PairTableModel::data(const QModelIndex& index, int role) const {
    if (!isCell(index)) return {};
    if (role == kPairIdRole) return QVariant::fromValue<qlonglong>(pairIdAt(index.row()));
    const pairs::PairRow* r = rowAt(index.row());
    if (!r) {
        return role == Qt::DisplayRole && index.column() == IdColumn
                   ? QVariant::fromValue<qlonglong>(pairIdAt(index.row()))
                   : QVariant();
    }
    const QLocale locale;
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case IdColumn:
                    return QVariant::fromValue<qlonglong>(r->pairId);
                case TierColumn:
                    return QString::fromStdString(r->tier);
                case StatusColumn:
                    return statusText(*r);
                case JudgeColumn:
                    return judgeText(r->judge);
                case LengthDiffColumn: {
                    const auto d = r->lengthDifference();
                    return d > 0 ? QStringLiteral("+") + locale.toString(d) : locale.toString(d);
                }
                case ChosenCharsColumn:
                    return locale.toString(r->chosenChars);
                case RejectedCharsColumn:
                    return locale.toString(r->rejectedChars);
                case MarginColumn:
                    return r->margin ? locale.toString(*r->margin, 'f', 3) : QVariant();
                case PromptColumn:
                    return QString::fromStdString(r->prompt);
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case StatusColumn:
                    return r->status == pairs::AnnotationStatus::None
                               ? tr("Not reviewed yet%1").arg(r->hasNote ? tr(" (has a note)") : "")
                               : tr("Decision: %1%2")
                                     .arg(QString::fromLatin1(pairs::toString(r->status)),
                                          r->hasNote ? tr(" (has a note)") : "");
                case JudgeColumn:
                    return tr("What the judges' verdicts on this prompt say about the two sources");
                case LengthDiffColumn:
                    return tr("Characters of the chosen answer minus those of the rejected one");
                case MarginColumn:
                    return tr(
                        "The run's reward margin: negative when the model prefers the "
                        "rejected answer");
                case PromptColumn:
                    return QString::fromStdString(r->prompt);
                default:
                    return {};
            }
        case Qt::BackgroundRole: {
            const QColor c = statusBackground(r->status);
            return c.isValid() ? QVariant(QBrush(c)) : QVariant();
        }
        case Qt::ForegroundRole:
            if (r->status == pairs::AnnotationStatus::Discard)
                return QBrush(QColor(0x70, 0x70, 0x70));
            if (r->status != pairs::AnnotationStatus::None) return QBrush(QColor(0x20, 0x20, 0x20));
            if (index.column() == JudgeColumn && r->judge == pairs::JudgeVerdict::Disagree) {
                return QBrush(QColor(0xc6, 0x28, 0x28));
            }
            if (index.column() == MarginColumn && r->margin && *r->margin < 0) {
                return QBrush(QColor(0xc6, 0x28, 0x28));
            }
            return {};
        case Qt::TextAlignmentRole:
            switch (index.column()) {
                case IdColumn:
                case LengthDiffColumn:
                case ChosenCharsColumn:
                case RejectedCharsColumn:
                case MarginColumn:
                    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
                default:
                    return {};
            }
        default:
            return {};
    }
}

QVariant PairTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
            case IdColumn:
                return tr("Pair");
            case TierColumn:
                return tr("Tier");
            case StatusColumn:
                return tr("Status");
            case JudgeColumn:
                return tr("Judge");
            case LengthDiffColumn:
                return tr("\u0394 chars");
            // What the numbers are, on a second line: the columns stay narrow.
            case ChosenCharsColumn:
                return tr("Chosen\nchars");
            case RejectedCharsColumn:
                return tr("Rejected\nchars");
            case MarginColumn:
                return tr("Margin");
            case PromptColumn:
                return tr("Prompt");
            default:
                return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case ChosenCharsColumn:
                return tr("Length of the chosen answer in characters");
            case RejectedCharsColumn:
                return tr("Length of the rejected answer in characters");
            case LengthDiffColumn:
                return tr("Chosen minus rejected length in characters (click to sort)");
            case MarginColumn:
                return tr(
                    "Margin of the chosen run; ascending puts the pairs the model gets "
                    "most wrong first");
            default:
                return {};
        }
    }
    return {};
}

void PairTableModel::sort(int column, Qt::SortOrder order) {
    if (!isSortable(column)) return;
    pairs::PairSort next = m_sort;
    next.descending = order == Qt::DescendingOrder;
    next.key = column == TierColumn         ? pairs::PairSortKey::Tier
               : column == LengthDiffColumn ? pairs::PairSortKey::LengthDifference
               : column == MarginColumn     ? pairs::PairSortKey::Margin
                                            : pairs::PairSortKey::PairId;
    if (next.key == pairs::PairSortKey::Margin && next.marginRunId == 0) return;
    m_sort = next;
    query();
}

void PairTableModel::setFilter(const pairs::PairFilter& filter) {
    m_filter = filter;
    query();
}

void PairTableModel::setMarginRun(std::int64_t runId) {
    m_sort.marginRunId = runId;
    if (runId == 0 && m_sort.key == pairs::PairSortKey::Margin) {
        m_sort.key = pairs::PairSortKey::PairId;
        query();
        return;
    }
    if (m_sort.key == pairs::PairSortKey::Margin) {
        query();
        return;
    }
    refreshAll();
}

void PairTableModel::clear() {
    ++m_generation;
    if (m_busy) {
        m_busy = false;
        Q_EMIT busyChanged(false);
    }
    beginResetModel();
    m_ids.clear();
    m_pages.clear();
    m_pageOrder.clear();
    endResetModel();
}

void PairTableModel::query() {
    const std::uint64_t ticket = ++m_generation;
    if (!m_busy) {
        m_busy = true;
        Q_EMIT busyChanged(true);
    }
    m_bridge->findIdsAsync(m_filter, m_sort, [this, ticket](std::vector<std::int64_t> ids) {
        if (ticket != m_generation) return;
        beginResetModel();
        m_ids = std::move(ids);
        m_pages.clear();
        m_pageOrder.clear();
        endResetModel();
        m_busy = false;
        Q_EMIT busyChanged(false);
    });
}

void PairTableModel::refreshPair(std::int64_t pairId) {
    const int row = rowOf(pairId);
    if (row < 0) return;
    auto it = m_pages.find(row / kPageSize);
    if (it != m_pages.end()) {
        const std::int64_t id = pairId;
        const auto fresh =
            m_bridge->rows(std::span<const std::int64_t>(&id, 1), m_sort.marginRunId);
        auto& slot = it->second[static_cast<std::size_t>(row % kPageSize)];
        if (fresh.empty()) {
            slot.reset();
        } else {
            slot = fresh.front();
        }
    }
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void PairTableModel::refreshAll() {
    m_pages.clear();
    m_pageOrder.clear();
    if (!m_ids.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

}  // namespace ladder::ui

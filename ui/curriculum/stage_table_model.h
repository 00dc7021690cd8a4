// The curriculum editor's table: one row per stage (name, length and its unit, transition, blend
// steps) and one weight column per tier. An edit does not change the table itself: it hands the
// edited curriculum to the editor (which makes it an undoable step) through the edit handler.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <QAbstractTableModel>

#include "core/curriculum/curriculum.h"

namespace ladder::ui {

class StageTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, LengthColumn, UnitColumn, TransitionColumn, BlendColumn, FirstTier };
    using EditHandler = std::function<void(const curriculum::Curriculum&, const QString&)>;

    explicit StageTableModel(QObject* parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    [[nodiscard]] Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

    // What the table shows. tierPairs: the training pairs of each tier column (header and hints).
    void setCurriculum(const curriculum::Curriculum& c);
    void setTiers(const std::vector<std::string>& tiers,
                  const std::map<std::string, std::int64_t>& tierPairs);
    void setMessages(const std::vector<curriculum::ValidationMessage>& messages);
    // Each stage's length in steps as the chart resolves it (0 when it cannot).
    void setResolvedSteps(const std::vector<std::int64_t>& steps);
    // Without a handler an edit applies directly.
    void setEditHandler(EditHandler handler) { m_onEdit = std::move(handler); }

    [[nodiscard]] const curriculum::Curriculum& curriculum() const { return m_curriculum; }
    [[nodiscard]] const std::vector<std::string>& tiers() const { return m_tiers; }
    [[nodiscard]] int columnOfTier(const std::string& tier) const;  // -1 when not a column

private:
    // A cell of this table (checked quietly: views ask with invalid indexes too).
    [[nodiscard]] bool isCell(const QModelIndex& index) const {
        return index.isValid() && index.model() == this && index.row() < rowCount() &&
               index.column() < columnCount();
    }
    [[nodiscard]] QString tierOf(int column) const;
    [[nodiscard]] QString messagesOf(int stage) const;
    [[nodiscard]] bool hasError(int stage) const;
    [[nodiscard]] bool hasWarning(int stage) const;

    curriculum::Curriculum m_curriculum;
    std::vector<std::string> m_tiers;
    std::map<std::string, std::int64_t> m_tierPairs;
    std::vector<curriculum::ValidationMessage> m_messages;
    std::vector<std::int64_t> m_resolvedSteps;
    EditHandler m_onEdit;
};

}  // namespace ladder::ui

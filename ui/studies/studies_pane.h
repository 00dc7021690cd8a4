// The Studies pane: a study's runs grouped by what was varied, each metric's final value as mean ±
// standard error over seeds, as a table and as bars with error bars (the answer to "does it help,
// beyond the noise?"); Run Study starts or continues a study file in the window, followed here and
// in the status line, and Stop ends it with a checkpoint. The table exports as CSV, the chart as
// PNG, SVG or PDF.
#pragma once

#include <optional>
#include <string>

#include <QWidget>

#include "core/study/study_table.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QTimer;

namespace ladder::ui {

class StudyJob;
class WorkspaceSession;

class StudiesPane final : public QWidget {
    Q_OBJECT
public:
    StudiesPane(WorkspaceSession* session, QWidget* parent = nullptr);

    // Starts (or continues) the study of a file in this window; false with *error when it cannot.
    bool runStudyFile(const QString& path, QString* error);
    void stopStudy();
    void setStudy(const QString& name);
    void setMetric(const QString& metric);
    // Shows each group's difference from this group, paired by seed ("" : the values).
    void setAgainst(const QString& group);
    // Reads the studies and the chosen study's table again.
    void reload();

    bool exportCsv(const QString& path, QString* error);
    bool saveChart(const QString& path, QString* error);  // PNG, SVG or PDF by its suffix

    [[nodiscard]] StudyJob* job() const { return m_job; }
    [[nodiscard]] QStandardItemModel* tableModel() const { return m_model; }
    [[nodiscard]] QCustomPlot* chart() const { return m_chart; }
    [[nodiscard]] QComboBox* studies() const { return m_studies; }
    [[nodiscard]] const std::optional<study::StudyTable>& table() const { return m_table; }
    // What the table and chart show: the values, or the differences from a group.
    [[nodiscard]] const std::optional<study::StudyTable>& shown() const { return m_shown; }

private:
    void buildUi();
    void fillTable();
    void fillChart();
    void updateButtons();

    WorkspaceSession* m_session;
    StudyJob* m_job = nullptr;
    QComboBox* m_studies = nullptr;
    QComboBox* m_metric = nullptr;
    QComboBox* m_against = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_stop = nullptr;
    QLabel* m_status = nullptr;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QCustomPlot* m_chart = nullptr;
    QTimer* m_poll = nullptr;
    std::optional<study::StudyTable> m_table;
    std::optional<study::StudyTable> m_shown;
    bool m_differences = false;  // m_shown holds differences from a group
    QString m_tableStudy;        // the study m_table is of
    QString m_selectStudy;       // started here: chosen once it is in the workspace
    std::string m_signature;     // of what the table and chart show, to skip refills
    bool m_reloading = false;
};

}  // namespace ladder::ui

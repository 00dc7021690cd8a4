// Import Answers: a file (chosen, or dropped on the window) is read on a worker thread first: its
// format (detected, or chosen among those that recognise it), its first rows and its bad rows.
// Importing a file with bad rows needs the choice to leave them out; the import itself runs on the
// worker too, and its report (rows, matched prompts, answers per source) stays in view.
#pragma once

#include <QDialog>

#include "core/data/records.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace ladder::data {
struct FilePreview;
}

namespace ladder::ui {

class DataBridge;

class ImportDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(DataBridge* bridge, QWidget* parent = nullptr);

    // Reads the file (its preview arrives with previewed()).
    void setFile(const QString& path);
    [[nodiscard]] QString file() const;

Q_SIGNALS:
    void previewed(bool ok);
    void imported(bool ok);

private:
    void choose();
    void refresh();
    void showPreview(const data::FilePreview& preview);
    void startImport();
    void updateButtons();
    [[nodiscard]] data::ImportOptions options() const;

    DataBridge* m_bridge;
    QLineEdit* m_file;
    QComboBox* m_format;
    QLineEdit* m_source;
    QLineEdit* m_name;
    QLabel* m_summary;
    QTableWidget* m_rows;
    QLabel* m_badTitle;
    QListWidget* m_bad;
    QCheckBox* m_skipBad;
    QPushButton* m_import;
    int m_badCount = 0;
    bool m_previewOk = false;
    bool m_working = false;
    int m_request = 0;  // only the newest preview is shown
    QString m_readFile;  // the file (and format) of the preview shown or asked for
};

}  // namespace ladder::ui

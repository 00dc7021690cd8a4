#include "ui/sources/import_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/data/importer_registry.h"
#include "ui/bridge/data_bridge.h"

namespace ladder::ui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString oneLine(const std::string& text, int chars) {
    QString s = q(text).simplified();
    return s.size() > chars ? s.left(chars - 1) + QChar(0x2026) : s;
}

}  // namespace

ImportDialog::ImportDialog(DataBridge* bridge, QWidget* parent) : QDialog(parent), m_bridge(bridge) {
    setObjectName("importDialog");
    setWindowTitle(tr("Import Answers"));
    setAcceptDrops(false);

    m_file = new QLineEdit(this);
    m_file->setObjectName("importFile");
    m_file->setPlaceholderText(tr("A JSON or JSONL file of answers, pairs or judge verdicts"));
    auto* chooseButton = new QPushButton(tr("Choose..."), this);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(chooseButton);

    m_format = new QComboBox(this);
    m_format->setObjectName("importFormat");
    m_format->addItem(tr("Detect from the file"), QString());
    for (const auto& e : data::ImporterRegistry::instance().entries()) {
        m_format->addItem(q(e.name) + " - " + q(e.description), q(e.name));
    }
    m_source = new QLineEdit(this);
    m_source->setObjectName("importSource");
    m_source->setPlaceholderText(tr("From the file's model field"));
    m_source->setToolTip(tr("The model that wrote every answer, for files without a model field"));
    m_name = new QLineEdit(this);
    m_name->setObjectName("importName");
    m_name->setPlaceholderText(tr("The file's name"));

    auto* form = new QFormLayout;
    auto* fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_file);
    form->addRow(fileLabel, fileRow);
    form->addRow(tr("F&ormat:"), m_format);
    form->addRow(tr("&Model:"), m_source);
    form->addRow(tr("&Dataset name:"), m_name);

    m_summary = new QLabel(this);
    m_summary->setObjectName("importSummary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rows = new QTableWidget(0, 4, this);
    m_rows->setObjectName("importRows");
    m_rows->setHorizontalHeaderLabels({tr("Line"), tr("Model"), tr("Prompt"), tr("Answer")});
    m_rows->verticalHeader()->hide();
    m_rows->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rows->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rows->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_rows->horizontalHeader()->setStretchLastSection(true);
    m_badTitle = new QLabel(this);
    m_bad = new QListWidget(this);
    m_bad->setObjectName("importBadRows");
    m_bad->setMaximumHeight(110);
    m_skipBad = new QCheckBox(this);
    m_skipBad->setObjectName("importSkipBad");

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_import = buttons->addButton(tr("&Import"), QDialogButtonBox::AcceptRole);
    m_import->setObjectName("importButton");
    m_import->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_rows, 1);
    layout->addWidget(m_badTitle);
    layout->addWidget(m_bad);
    layout->addWidget(m_skipBad);
    layout->addWidget(buttons);
    resize(860, 560);

    connect(chooseButton, &QPushButton::clicked, this, &ImportDialog::choose);
    // Read again only when what is read changed (editingFinished also comes with a focus change).
    const auto changed = [this] {
        const QString read = file() + '\n' + m_format->currentData().toString() + '\n' + m_source->text();
        if (read == m_readFile) return;
        refresh();
    };
    connect(m_file, &QLineEdit::editingFinished, this, changed);
    connect(m_format, &QComboBox::currentIndexChanged, this, changed);
    connect(m_source, &QLineEdit::editingFinished, this, changed);
    connect(m_skipBad, &QCheckBox::toggled, this, &ImportDialog::updateButtons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Import does not close the dialog until the import is done (its report stays readable).
    disconnect(buttons, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::startImport);
    m_badTitle->hide();
    m_bad->hide();
    m_skipBad->hide();
    updateButtons();
}

void ImportDialog::setFile(const QString& path) {
    m_file->setText(path);
    refresh();
}

QString ImportDialog::file() const { return m_file->text().trimmed(); }

void ImportDialog::choose() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Answers"), QFileInfo(file()).absolutePath(),
        tr("Answers, pairs or verdicts (*.json *.jsonl *.ndjson);;All files (*)"));
    if (!path.isEmpty()) setFile(path);
}

data::ImportOptions ImportDialog::options() const {
    data::ImportOptions o;
    o.format = m_format->currentData().toString().toStdString();
    o.sourceOverride = m_source->text().trimmed().toStdString();
    o.datasetName = m_name->text().trimmed().toStdString();
    o.onBadRow = m_skipBad->isChecked() ? data::BadRowPolicy::Skip : data::BadRowPolicy::Abort;
    return o;
}

void ImportDialog::refresh() {
    m_readFile = file() + '\n' + m_format->currentData().toString() + '\n' + m_source->text();
    m_previewOk = false;
    m_rows->setRowCount(0);
    m_bad->clear();
    m_badTitle->hide();
    m_bad->hide();
    m_skipBad->hide();
    m_badCount = 0;
    if (file().isEmpty()) {
        m_summary->clear();
        updateButtons();
        return;
    }
    m_summary->setText(tr("Reading %1...").arg(file()));
    const int request = ++m_request;
    m_working = true;
    updateButtons();
    m_bridge->preview(file(), options(),
                      [this, self = QPointer(this), request](std::optional<data::FilePreview> preview,
                                                             const QString& error) {
                          if (!self || request != m_request) return;  // closed, or a newer file
                          m_working = false;
                          if (preview) {
                              showPreview(*preview);
                          } else {
                              m_summary->setText(error);
                          }
                          m_previewOk = preview.has_value();
                          updateButtons();
                          Q_EMIT previewed(m_previewOk);
                      });
}

void ImportDialog::showPreview(const data::FilePreview& p) {
    QString text = tr("<b>%1</b> (%2): %3 rows, %4 prompts")
                       .arg(q(p.format).toHtmlEscaped(), q(data::toString(p.kind)))
                       .arg(p.rows)
                       .arg(p.prompts);
    if (!p.answersBySource.empty()) {
        QStringList sources;
        for (const auto& [source, n] : p.answersBySource) {
            sources << tr("%1 (%2)").arg(q(source).toHtmlEscaped()).arg(n);
        }
        text += tr("; answers by %1").arg(sources.join(", "));
    }
    if (p.formats.size() > 1) {
        QStringList others;
        for (const auto& f : p.formats) {
            if (f.name != p.format) others << q(f.name);
        }
        text += tr(". Also read as: %1 (choose it under Format)").arg(others.join(", "));
    }
    m_summary->setText(text);
    const bool pairsOrVerdicts = p.kind != data::DatasetKind::Responses;
    m_rows->setHorizontalHeaderLabels(
        pairsOrVerdicts ? QStringList{tr("Line"), tr("Models"), tr("Prompt"), tr("First / second")}
                        : QStringList{tr("Line"), tr("Model"), tr("Prompt"), tr("Answer")});
    m_rows->setRowCount(static_cast<int>(p.firstRows.size()));
    for (int i = 0; i < static_cast<int>(p.firstRows.size()); ++i) {
        const auto& r = p.firstRows[static_cast<std::size_t>(i)];
        QString answer = oneLine(r.first, 200);
        if (!r.second.empty()) answer += "  |  " + oneLine(r.second, 200);
        if (!r.verdict.empty()) answer = tr("[%1] ").arg(q(r.verdict)) + answer;
        const QStringList cells{QString::number(r.at.line), q(r.source), oneLine(r.prompt, 120), answer};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= 2) item->setToolTip(c == 2 ? q(r.prompt) : q(r.first + "\n\n" + r.second));
            m_rows->setItem(i, c, item);
        }
    }
    m_rows->resizeColumnToContents(0);
    m_rows->resizeColumnToContents(1);
    m_rows->setColumnWidth(2, 280);
    m_badCount = static_cast<int>(p.badRowCount);
    if (m_badCount > 0) {
        for (const auto& b : p.badRows) m_bad->addItem(q(data::describeBadRow(b)));
        if (p.badRowCount > static_cast<std::int64_t>(p.badRows.size())) {
            m_bad->addItem(tr("... and %1 more").arg(p.badRowCount - std::int64_t(p.badRows.size())));
        }
        const QString rows = m_badCount == 1 ? tr("1 bad row") : tr("%1 bad rows").arg(m_badCount);
        m_badTitle->setText(tr("<b>%1</b>: fix the file, or leave %2 out.")
                                .arg(rows, m_badCount == 1 ? tr("it") : tr("them")));
        m_skipBad->setText(tr("&Leave the %1 out and import the rest").arg(rows));
        m_badTitle->show();
        m_bad->show();
        m_skipBad->show();
    }
}

void ImportDialog::startImport() {
    if (!m_import->isEnabled()) return;
    m_working = true;
    updateButtons();
    m_summary->setText(tr("Importing %1...").arg(file()));
    m_bridge->import(file(), options(),
                     [this, self = QPointer(this)](std::optional<data::ImportResult> result,
                                                   const QString& error) {
                         if (!self) return;
                         m_working = false;
                         updateButtons();
                         if (!result) {
                             m_summary->setText(tr("Nothing was imported: %1").arg(error.toHtmlEscaped()));
                             Q_EMIT imported(false);
                             return;
                         }
                         const auto& r = *result;
                         if (r.alreadyImported) {
                             m_summary->setText(tr("%1 was imported before as dataset %2: nothing to do.")
                                                    .arg(file(), q(r.datasetName)));
                         } else {
                             m_summary->setText(
                                 tr("Imported <b>%1</b>: %2 rows (%3 left out), %4 answers, %5 pairs, "
                                    "%6 verdicts; prompts: %7 matched to earlier imports, %8 new.")
                                     .arg(q(r.datasetName).toHtmlEscaped())
                                     .arg(r.rows)
                                     .arg(r.skippedRows)
                                     .arg(r.responses)
                                     .arg(r.pairs)
                                     .arg(r.verdicts)
                                     .arg(r.matchedPrompts)
                                     .arg(r.newPrompts));
                         }
                         Q_EMIT imported(true);
                     });
}

void ImportDialog::updateButtons() {
    const bool ready = m_previewOk && !m_working && m_bridge->canWrite() &&
                       (m_badCount == 0 || m_skipBad->isChecked());
    m_import->setEnabled(ready);
    m_import->setToolTip(!m_bridge->canWrite() ? tr("Open a workspace you can write to first")
                         : m_badCount > 0 && !m_skipBad->isChecked()
                             ? tr("The file has bad rows: choose to leave them out first")
                             : QString());
}

}  // namespace ladder::ui

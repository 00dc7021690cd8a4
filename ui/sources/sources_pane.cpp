#include "ui/sources/sources_pane.h"

#include <cmath>

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/bridge/data_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/sources/build_pairs_dialog.h"
#include "ui/sources/import_dialog.h"

namespace ladder::ui {
namespace {

constexpr int kMedianColumn = 3;
constexpr int kRangeColumn = 4;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QStandardItem* number(std::int64_t n) {
    auto* item = new QStandardItem(QLocale().toString(static_cast<qlonglong>(n)));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

// A median of code points: whole, or with its half when the middle two differ by an odd count.
QStandardItem* median(double chars) {
    auto* item =
        new QStandardItem(QLocale().toString(chars, 'f', chars == std::floor(chars) ? 0 : 1));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QStandardItem* range(std::int64_t shortest, std::int64_t longest) {
    const QLocale locale;
    auto* item = new QStandardItem(QStringLiteral("%1\u2013%2")
                                       .arg(locale.toString(static_cast<qlonglong>(shortest)),
                                            locale.toString(static_cast<qlonglong>(longest))));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

SourcesPane::SourcesPane(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    setObjectName("sourcesPane");
    m_job = new SourceGenerationJob(this);
    m_data = new DataBridge(session, this);

    m_import = new QPushButton(tr("Import Answers..."), this);
    m_import->setObjectName("importAnswers");
    m_import->setToolTip(tr("Answers of models (or pairs, or judge verdicts) from a JSON or JSONL "
                            "file: previewed first (Ctrl+I; or drop files on the window)"));
    m_buildPairs = new QPushButton(tr("Build Pairs..."), this);
    m_buildPairs->setObjectName("openBuildPairs");
    m_buildPairs->setToolTip(tr("Rank the sources into a ladder, check what it gives and build "
                                "its pairs (Ctrl+Shift+B)"));

    m_generate = new QPushButton(tr("Generate Answers..."), this);
    m_generate->setObjectName("generateAnswers");
    m_generate->setToolTip(tr("A model (a run of this workspace, or a model folder) answers the "
                              "workspace's prompts; its answers become a new source (Ctrl+Shift+G)"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName("stopGenerating");
    m_stop->setToolTip(tr("Stop after the batch in progress; generating again with the same "
                          "settings continues where it stopped"));
    m_status = new QLabel(this);
    m_status->setObjectName("sourcesStatus");
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_import);
    bar->addWidget(m_buildPairs);
    bar->addWidget(m_generate);
    bar->addWidget(m_stop);
    bar->addWidget(m_status, 1);

    m_model = new QStandardItemModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("sourcesTable");
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->setAlternatingRowColors(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    auto* generateAction = new QAction(tr("Generate Answers..."), this);
    generateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    generateAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    generateAction->setProperty("shortcutArea", tr("Sources"));
    addAction(generateAction);
    connect(generateAction, &QAction::triggered, this, &SourcesPane::openGenerateDialog);
    connect(m_generate, &QPushButton::clicked, this, &SourcesPane::openGenerateDialog);
    connect(m_stop, &QPushButton::clicked, this, &SourcesPane::stopGeneration);
    auto* buildAction = new QAction(tr("Build Pairs..."), this);
    buildAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    buildAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    buildAction->setProperty("shortcutArea", tr("Sources"));
    addAction(buildAction);
    connect(buildAction, &QAction::triggered, this, &SourcesPane::openBuildPairsDialog);
    connect(m_import, &QPushButton::clicked, this, [this] { openImportDialog(); });
    connect(m_buildPairs, &QPushButton::clicked, this, &SourcesPane::openBuildPairsDialog);

    connect(m_job, &SourceGenerationJob::progress, this, [this](const QString& text) {
        m_status->setText(text);
    });
    connect(m_job, &SourceGenerationJob::finished, this, [this](const QString& summary, bool ok) {
        // A failure is said here and in the status line (and the log), not in a box that waits.
        m_status->setText(ok ? summary : tr("Failed: %1").arg(summary));
        reload();
        updateButtons();
    });
    connect(m_session, &WorkspaceSession::opened, this, &SourcesPane::reload);
    connect(m_session, &WorkspaceSession::closed, this, &SourcesPane::reload);
    connect(m_session, &WorkspaceSession::contentsChanged, this, &SourcesPane::reload);
    reload();
}

void SourcesPane::reload() {
    m_model->clear();
    m_model->setHorizontalHeaderLabels({tr("Source"), tr("Answers"), tr("Prompts"),
                                        tr("Median chars"), tr("Chars (shortest\u2013longest)"),
                                        tr("In pair or verdict files")});
    // A source far shorter or longer than the others is what a ladder turns into a length bias.
    const QString lengthTip =
        tr("Lengths of the source's answers in characters (Unicode code "
           "points), as the pairs count them");
    m_model->horizontalHeaderItem(kMedianColumn)->setToolTip(lengthTip);
    m_model->horizontalHeaderItem(kRangeColumn)->setToolTip(lengthTip);
    for (const auto& s : workspaceSources(m_session)) {
        m_model->appendRow({new QStandardItem(q(s.name)), number(s.answers), number(s.prompts),
                            new QStandardItem, new QStandardItem, number(s.otherResponses)});
    }
    updateButtons();
    // The lengths read every answer: on the bridge's worker, filled in when they come.
    const int generation = ++m_lengthsGeneration;
    m_data->sourcesWithLengths([this, generation](const std::vector<data::SourceInfo>& sources) {
        if (generation != m_lengthsGeneration) return;  // reloaded since
        for (const auto& s : sources) {
            if (s.answers <= 0) continue;
            const auto found = m_model->findItems(q(s.name), Qt::MatchExactly, 0);
            if (found.isEmpty()) continue;
            const int row = found.front()->row();
            m_model->setItem(row, kMedianColumn, median(s.medianChars));
            m_model->setItem(row, kRangeColumn, range(s.shortestChars, s.longestChars));
        }
    });
}

SourcesPane::~SourcesPane() {
    qDeleteAll(findChildren<ImportDialog*>(Qt::FindDirectChildrenOnly));
    qDeleteAll(findChildren<BuildPairsDialog*>(Qt::FindDirectChildrenOnly));
}

ImportDialog* SourcesPane::openImportDialog(const QString& file) {
    auto* dialog = new ImportDialog(m_data, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowFlag(Qt::Window);
    dialog->show();
    if (!file.isEmpty()) dialog->setFile(file);
    return dialog;
}

void SourcesPane::importFiles(const QStringList& files) {
    for (const QString& f : files) openImportDialog(f);
}

BuildPairsDialog* SourcesPane::openBuildPairsDialog() {
    auto* dialog = new BuildPairsDialog(m_data, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowFlag(Qt::Window);
    dialog->show();
    return dialog;
}

void SourcesPane::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    reload();
}

void SourcesPane::updateButtons() {
    const bool open = m_session->isOpen() && !m_session->isReadOnly();
    m_generate->setEnabled(open && !m_job->isRunning());
    m_import->setEnabled(open);
    m_buildPairs->setEnabled(open && m_model->rowCount() >= 2);
    m_stop->setEnabled(m_job->isRunning());
}

bool SourcesPane::generate(GenerationRequest request, QString* error) {
    if (!m_session->isOpen() || m_session->isReadOnly()) {
        if (error) *error = tr("open a workspace you can write to first");
        return false;
    }
    request.workspacePath = m_session->path();
    if (!m_job->start(request, error)) return false;
    m_status->setText(tr("source %1: loading the model...").arg(request.source));
    updateButtons();
    return true;
}

void SourcesPane::stopGeneration() {
    if (!m_job->isRunning()) return;
    m_job->stop();
    m_status->setText(tr("stopping after the batch in progress..."));
}

void SourcesPane::openGenerateDialog() {
    if (!m_generate->isEnabled()) return;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Generate Answers"));
    dialog.setMinimumWidth(480);  // room for a model folder's path
    auto* form = new QFormLayout(&dialog);
    auto* name = new QLineEdit(&dialog);
    name->setObjectName("generateName");
    name->setPlaceholderText(tr("the new source's name, e.g. local-sft"));
    auto* model = new QComboBox(&dialog);
    model->setObjectName("generateModel");
    for (const auto& run : finishedRuns(m_session)) model->addItem(run.label, static_cast<qlonglong>(run.id));
    model->addItem(tr("A model folder..."), qlonglong{0});
    auto* folder = new QLineEdit(&dialog);
    folder->setPlaceholderText(tr("a Hugging Face model folder"));
    auto* browse = new QPushButton(tr("Browse..."), &dialog);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder, 1);
    folderRow->addWidget(browse);
    auto* prompts = new QSpinBox(&dialog);
    prompts->setObjectName("generatePrompts");
    prompts->setRange(0, 10'000'000);
    prompts->setSpecialValueText(tr("all"));
    prompts->setToolTip(tr("An evenly spread subset of the workspace's prompts (all: every one)"));
    auto* temperature = new QDoubleSpinBox(&dialog);
    temperature->setObjectName("generateTemperature");
    temperature->setRange(0, 5);
    temperature->setSingleStep(0.1);
    temperature->setSpecialValueText(tr("greedy"));
    auto* topP = new QDoubleSpinBox(&dialog);
    topP->setObjectName("generateTopP");
    topP->setRange(0.01, 1.0);
    topP->setSingleStep(0.05);
    topP->setValue(1.0);
    topP->setToolTip(tr("Nucleus sampling: the smallest set of tokens holding this much probability"));
    auto* topK = new QSpinBox(&dialog);
    topK->setObjectName("generateTopK");
    topK->setRange(0, 100'000);
    topK->setSpecialValueText(tr("all"));
    auto* seed = new QSpinBox(&dialog);
    seed->setObjectName("generateSeed");
    seed->setRange(0, 1'000'000'000);
    seed->setToolTip(tr("The same seed and settings give the same sampled answers"));
    const auto syncSampling = [=] {
        const bool sampled = temperature->value() > 0;
        topP->setEnabled(sampled);
        topK->setEnabled(sampled);
        seed->setEnabled(sampled);
    };
    syncSampling();
    connect(temperature, &QDoubleSpinBox::valueChanged, &dialog, syncSampling);
    auto* maxTokens = new QSpinBox(&dialog);
    maxTokens->setObjectName("generateMaxTokens");
    maxTokens->setRange(1, 100'000);
    maxTokens->setValue(64);
    auto* samples = new QSpinBox(&dialog);
    samples->setObjectName("generateSamples");
    samples->setRange(1, 1024);
    samples->setToolTip(tr("Answers to each prompt (with a temperature above 0): pairs self-rank "
                           "makes a tier of the best against the worst"));
    form->addRow(tr("Source name:"), name);
    form->addRow(tr("Model:"), model);
    form->addRow(tr("Folder:"), folderRow);
    form->addRow(tr("Prompts:"), prompts);
    form->addRow(tr("Temperature:"), temperature);
    form->addRow(tr("Top-p:"), topP);
    form->addRow(tr("Top-k:"), topK);
    form->addRow(tr("Seed:"), seed);
    form->addRow(tr("Max new tokens:"), maxTokens);
    form->addRow(tr("Answers a prompt:"), samples);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Generate"));
    form->addRow(buttons);
    const auto folderChosen = [&] { return model->currentData().toLongLong() == 0; };
    const auto syncFolder = [&] {
        folder->setEnabled(folderChosen());
        browse->setEnabled(folderChosen());
    };
    syncFolder();
    connect(model, &QComboBox::currentIndexChanged, &dialog, syncFolder);
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString dir = QFileDialog::getExistingDirectory(&dialog, tr("Model Folder"));
        if (!dir.isEmpty()) folder->setText(dir);
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        GenerationRequest request;
        request.source = name->text().trimmed();
        request.runId = folderChosen() ? 0 : model->currentData().toLongLong();
        request.modelDir = folderChosen() ? folder->text().trimmed() : QString();
        request.prompts = prompts->value();
        request.temperature = temperature->value();
        request.topP = topP->value();
        request.topK = topK->value();
        request.seed = static_cast<std::uint64_t>(seed->value());
        request.maxNewTokens = maxTokens->value();
        request.samplesPerPrompt = samples->value();
        QString error;
        if (!generate(request, &error)) {
            QMessageBox::warning(&dialog, tr("Generate Answers"), error);
            return;
        }
        dialog.accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    dialog.exec();
}

}  // namespace ladder::ui

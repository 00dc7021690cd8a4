// The Launcher pane's widgets: the preset bar, the groups of the form, the method's knobs, and
// what the form remembers between sessions. Reading and checking the form is in launcher_form.cpp.
#include "ui/launcher/launcher_pane.h"

#include <algorithm>
#include <cmath>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

#include "core/common/json_read.h"
#include "core/common/log.h"
#include "core/eval/judge.h"
#include "core/format/prompt_template.h"
#include "core/train/run_presets.h"
#include "ui/bridge/process_launch.h"
#include "ui/bridge/run_queue.h"
#include "ui/bridge/runs_bridge.h"
#include "ui/bridge/workspace_session.h"
#include "ui/launcher/pair_preview_dialog.h"
#include "ui/launcher/scientific_spin_box.h"
#include "ui/reflow_columns.h"

namespace ladder::ui {

namespace {

constexpr const char* kConfigKey = "launcher/config";
constexpr const char* kConfigPathKey = "launcher/configPath";

QSpinBox* spin(QWidget* parent, int lo, int hi, const QString& name) {
    auto* s = new QSpinBox(parent);
    s->setRange(lo, hi);
    s->setObjectName(name);
    s->setKeyboardTracking(false);
    return s;
}

QDoubleSpinBox* dspin(QWidget* parent, double lo, double hi, int decimals, double step,
                      const QString& name) {
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(lo, hi);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    s->setObjectName(name);
    s->setKeyboardTracking(false);
    return s;
}

QComboBox* combo(QWidget* parent, const QString& name) {
    auto* c = new QComboBox(parent);
    c->setObjectName(name);
    // As wide as the column gives, not as the longest entry ("demo (strong > medium > weak)",
    // a run's label): long entries are elided, and shown whole in the open list.
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    c->setMinimumContentsLength(12);
    return c;
}

// A muted, word-wrapped explanation under a field.
QLabel* hint(QWidget* parent, const QString& text) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setEnabled(false);
    return l;
}

}  // namespace

QString LauncherPane::q(const std::string& s) {
    return QString::fromStdString(s);
}

LauncherPane::LauncherPane(WorkspaceSession* session, RunQueue* queue, QWidget* parent)
    : QWidget(parent), m_session(session), m_bridge(new RunsBridge(session, this)), m_queue(queue) {
    setObjectName("launcherPane");
    m_losses = train::lossCatalog();
    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(150);
    connect(m_validateTimer, &QTimer::timeout, this, &LauncherPane::validateNow);
    buildUi();

    // The last form is remembered; a first start shows the demo SFT preset.
    QSettings settings;
    bool restored = false;
    const QString saved = settings.value(kConfigKey).toString();
    if (!saved.isEmpty()) {
        try {
            setConfig(train::parseRunConfig(json::parseText(saved.toStdString(), "the settings"),
                                            "the launcher's last config"));
            m_configPath = settings.value(kConfigPathKey).toString();
            restored = true;
        } catch (const std::exception& e) {
            log::get("ui")->info("the launcher's last config is not usable: {}", e.what());
        }
    }
    if (!restored && !applyPreset("demo-sft")) setConfig(train::RunConfig{});

    // Another workspace: its data plan is made anew (one in progress for the last is dropped).
    connect(m_session, &WorkspaceSession::opened, this, [this] {
        m_plannedKey.clear();
        reloadWorkspaceLists();
    });
    connect(m_session, &WorkspaceSession::closed, this, [this] {
        m_plannedKey.clear();
        reloadWorkspaceLists();
    });
    connect(m_session, &WorkspaceSession::contentsChanged, this,
            &LauncherPane::reloadWorkspaceLists);
    connect(m_queue, &RunQueue::queueChanged, this, &LauncherPane::scheduleValidation);
    connect(m_queue, &RunQueue::runEnded, this, &LauncherPane::reloadWorkspaceLists);
    reloadWorkspaceLists();
}

const train::LossInfo* LauncherPane::methodInfo(const QString& name) const {
    for (const auto& l : m_losses) {
        if (q(l.name) == name) return &l;
    }
    return nullptr;
}

void LauncherPane::buildUi() {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Preset:"), this));
    m_preset = combo(this, "launcherPreset");
    m_preset->setMinimumContentsLength(24);
    m_preset->addItem(tr("(choose a preset)"), QString());
    for (const auto& p : train::listRunPresets()) {
        m_preset->addItem(q(p.title), q(p.name));
        m_preset->setItemData(m_preset->count() - 1, q(p.path.string()), Qt::ToolTipRole);
    }
    top->addWidget(m_preset);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        const QString name = m_preset->itemData(index).toString();
        if (!name.isEmpty()) applyPreset(name);
    });
    top->addStretch();
    auto* load = new QPushButton(tr("Load..."), this);
    auto* save = new QPushButton(tr("Save..."), this);
    auto* copy = new QPushButton(tr("Copy Command"), this);
    copy->setObjectName("launcherCopyCommand");
    copy->setToolTip(
        tr("Copy the ladder-cli line that trains this config (saved as a JSON file) "
           "in another process or on another machine"));
    top->addWidget(load);
    top->addWidget(save);
    top->addWidget(copy);

    // Three columns of groups at full width, two at 1000 px, one in a sliver: never sideways
    // scrolling, and each group whole.
    QWidget* run = buildRunGroup();
    QWidget* model = buildModelGroup();
    QWidget* data = buildDataGroup();
    QWidget* winRate = buildWinRateGroup();
    QWidget* optimiser = buildOptimiserGroup();
    QWidget* running = buildRunningGroup();
    QWidget* memory = buildMemoryGroup();
    auto* form = new ReflowColumns(this);
    form->setObjectName("launcherForm");
    form->addArrangement({{run, model, data, winRate, optimiser, running, memory}});
    form->addArrangement({{run, model, winRate, memory}, {data, optimiser, running}});
    form->addArrangement({{run, model, memory}, {data, winRate}, {optimiser, running}});
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_problemsLabel = new QLabel(this);
    m_problemsLabel->setObjectName("launcherProblems");
    m_problemsLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->setTextFormat(Qt::RichText);
    m_queueLabel = new QLabel(this);
    m_queueLabel->setObjectName("launcherQueue");
    m_startButton = new QPushButton(tr("Start Run"), this);
    m_startButton->setObjectName("launcherStart");
    m_startButton->setDefault(true);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_problemsLabel, 1);
    bottom->addWidget(m_queueLabel);
    bottom->addWidget(m_startButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);

    auto makeAction = [this](const QString& text, const QKeySequence& keys, auto slot) {
        auto* a = new QAction(text, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setProperty("shortcutArea", tr("Launcher"));
        connect(a, &QAction::triggered, this, slot);
        QWidget::addAction(a);
        return a;
    };
    QAction* startAction =
        makeAction(tr("Start run"), QKeySequence(Qt::CTRL | Qt::Key_Return), [this] { start(); });
    QAction* saveAction = makeAction(
        tr("Save run config..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Save Run Config"),
                m_configPath.isEmpty() ? QStringLiteral("run.json") : m_configPath,
                tr("Run configs (*.json)"));
            if (path.isEmpty()) return;
            QString error;
            if (!saveConfigFile(path, &error)) QMessageBox::warning(this, tr("Save failed"), error);
        });
    QAction* loadAction = makeAction(
        tr("Load run config..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), [this] {
            const QString path = QFileDialog::getOpenFileName(
                this, tr("Load Run Config"), m_configPath, tr("Run configs (*.json)"));
            if (path.isEmpty()) return;
            QString error;
            if (!loadConfigFile(path, &error)) QMessageBox::warning(this, tr("Cannot load"), error);
        });
    makeAction(tr("Preview pairs as the model reads them"),
               QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), [this] { previewPairs(); });
    QAction* copyAction =
        makeAction(tr("Copy ladder-cli command"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                   [this] { copyCommand(); });
    connect(m_startButton, &QPushButton::clicked, startAction, &QAction::trigger);
    connect(save, &QPushButton::clicked, saveAction, &QAction::trigger);
    connect(load, &QPushButton::clicked, loadAction, &QAction::trigger);
    connect(copy, &QPushButton::clicked, copyAction, &QAction::trigger);

    // Every field re-checks the config (debounced) and is remembered.
    for (auto* w : findChildren<QSpinBox*>()) {
        connect(w, &QSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QDoubleSpinBox*>()) {
        connect(w, &QDoubleSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QComboBox*>()) {
        if (w == m_preset) continue;
        connect(w, &QComboBox::currentIndexChanged, this, &LauncherPane::scheduleValidation);
        if (w->isEditable())
            connect(w, &QComboBox::editTextChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QLineEdit*>()) {
        if (qobject_cast<QComboBox*>(w->parent()) || qobject_cast<QAbstractSpinBox*>(w->parent()))
            continue;
        connect(w, &QLineEdit::textChanged, this, &LauncherPane::scheduleValidation);
    }
    for (auto* w : findChildren<QCheckBox*>()) {
        connect(w, &QCheckBox::toggled, this, &LauncherPane::scheduleValidation);
    }
    connect(m_f.tiers, &QListWidget::itemChanged, this, &LauncherPane::scheduleValidation);
}

QWidget* LauncherPane::buildRunGroup() {
    auto* box = new QGroupBox(tr("Run"), this);
    auto* form = new QFormLayout(box);
    m_f.name = new QLineEdit(box);
    m_f.name->setObjectName("launcherName");
    m_f.name->setPlaceholderText(tr("method and start time"));
    form->addRow(tr("Name:"), m_f.name);
    m_f.method = combo(box, "launcherMethod");
    for (const auto& l : m_losses) {
        m_f.method->addItem(q(l.name), q(l.name));
        m_f.method->setItemData(m_f.method->count() - 1, q(l.description), Qt::ToolTipRole);
    }
    form->addRow(tr("Method:"), m_f.method);
    m_methodInfo = hint(box, QString());
    form->addRow(QString(), m_methodInfo);
    m_f.knobs = new QWidget(box);
    m_knobsForm = new QFormLayout(m_f.knobs);
    m_knobsForm->setContentsMargins(0, 0, 0, 0);
    form->addRow(m_f.knobs);
    connect(m_f.method, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filling) return;
        rebuildKnobs(m_base.loss);
        updateModelKind();
    });
    return box;
}

QWidget* LauncherPane::buildModelGroup() {
    auto* box = new QGroupBox(tr("Model"), this);
    auto* form = new QFormLayout(box);
    m_f.modelKind = combo(box, "launcherModelKind");
    m_f.modelKind->addItem(tr("Built-in tiny model (from scratch)"), "tiny");
    m_f.modelKind->addItem(tr("Hugging Face folder"), "pretrained");
    m_f.modelKind->addItem(tr("Checkpoint of an earlier run"), "run");
    form->addRow(tr("Start from:"), m_f.modelKind);
    m_modelStack = new QStackedWidget(box);
    m_modelStack->addWidget(
        hint(box, tr("A small Llama-style model over bytes: a CPU run takes minutes.")));
    auto* folderPage = new QWidget(box);
    auto* folderLayout = new QVBoxLayout(folderPage);
    folderLayout->setContentsMargins(0, 0, 0, 0);
    auto* folderRow = new QHBoxLayout;
    m_f.modelFolder = new QLineEdit(folderPage);
    m_f.modelFolder->setObjectName("launcherModelFolder");
    m_f.modelFolder->setPlaceholderText(tr("folder with config.json, weights, tokenizer.json"));
    auto* browse = new QPushButton(tr("Browse..."), folderPage);
    folderRow->addWidget(m_f.modelFolder, 1);
    folderRow->addWidget(browse);
    folderLayout->addLayout(folderRow);
    m_modelCheck = new QLabel(folderPage);
    m_modelCheck->setObjectName("launcherModelCheck");
    m_modelCheck->setWordWrap(true);
    m_modelCheck->setTextFormat(Qt::RichText);
    folderLayout->addWidget(m_modelCheck);
    m_modelStack->addWidget(folderPage);
    m_f.startRun = combo(box, "launcherStartRun");
    m_modelStack->addWidget(m_f.startRun);
    // No taller than its page: the form's spare height goes below the group, not into the gap
    // between Start from and Template.
    m_modelStack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    form->addRow(m_modelStack);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Hugging Face Model Folder"), m_f.modelFolder->text());
        if (!folder.isEmpty()) m_f.modelFolder->setText(folder);
    });
    connect(m_f.modelFolder, &QLineEdit::editingFinished, this, &LauncherPane::checkModelFolder);
    connect(m_f.modelFolder, &QLineEdit::textChanged, this, [this] {
        m_modelCheck->clear();
        m_modelFolderOk = true;
        if (!m_filling) QTimer::singleShot(0, this, &LauncherPane::checkModelFolder);
    });
    connect(m_f.modelKind, &QComboBox::currentIndexChanged, this, &LauncherPane::updateModelKind);

    m_f.templateName = combo(box, "launcherTemplate");
    m_f.templateName->addItem(tr("auto (the model's chat template, else alpaca)"), "auto");
    m_f.templateName->addItem(tr("model (the model's chat template)"), "model");
    for (const auto& t : format::PromptTemplate::names()) m_f.templateName->addItem(q(t), q(t));
    m_f.templateName->setToolTip(
        tr("How prompts and answers become the text the model reads: the "
           "model's own chat template (as transformers and TRL apply it) or "
           "a built-in format. Training, the win rate and evaluations all use "
           "this choice."));
    auto* templateRow = new QHBoxLayout;
    templateRow->addWidget(m_f.templateName, 1);
    auto* preview = new QPushButton(tr("Preview Pairs..."), box);
    preview->setObjectName("launcherPreviewPairs");
    preview->setToolTip(
        tr("Show training pairs as this model will read them with this "
           "template: rendered prompt, every token, special tokens and the "
           "tokens that carry loss (Ctrl+Shift+P)"));
    templateRow->addWidget(preview);
    form->addRow(tr("Template:"), templateRow);
    connect(preview, &QPushButton::clicked, this, &LauncherPane::previewPairs);
    m_f.reference = combo(box, "launcherReference");
    m_f.reference->addItem(tr("cache (computed once, kept in the workspace)"), "cache");
    m_f.reference->addItem(tr("frozen (a copy of the model in memory)"), "frozen");
    m_f.reference->addItem(tr("none (reference-free loss)"), "none");
    form->addRow(tr("Reference:"), m_f.reference);
    return box;
}

QWidget* LauncherPane::buildDataGroup() {
    auto* box = new QGroupBox(tr("Data"), this);
    auto* form = new QFormLayout(box);
    m_f.ladder = combo(box, "launcherLadder");
    form->addRow(tr("Ladder:"), m_f.ladder);
    m_f.tiers = new QListWidget(box);
    m_f.tiers->setObjectName("launcherTiers");
    // Sized to its tiers (reloadTiers), two lines each: the tier, then its pair counts; never
    // a sideways scroll bar that would hide the last tier.
    m_f.tiers->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_f.tiers->setTextElideMode(Qt::ElideRight);
    m_f.tiers->setToolTip(tr("Train on the checked tiers only; none checked trains on every tier"));
    form->addRow(tr("Tiers:"), m_f.tiers);
    form->addRow(QString(), hint(box, tr("None checked: every tier.")));
    m_f.curriculum = combo(box, "launcherCurriculum");
    form->addRow(tr("Curriculum:"), m_f.curriculum);
    m_f.maxLength = spin(box, 8, 32768, "launcherMaxLength");
    form->addRow(tr("Max length:"), m_f.maxLength);
    m_f.maxPromptLength = spin(box, 1, 32767, "launcherMaxPromptLength");
    form->addRow(tr("Max prompt length:"), m_f.maxPromptLength);
    m_dataPlan = new QLabel(box);
    m_dataPlan->setObjectName("launcherDataPlan");
    m_dataPlan->setWordWrap(true);
    m_dataPlan->setToolTip(
        tr("The training pairs tokenised as the run will tokenise them, and the "
           "share of its batches' token slots that is padding (packed pairs and "
           "length groups lower it)"));
    form->addRow(tr("Batches:"), m_dataPlan);
    connect(m_f.ladder, &QComboBox::currentIndexChanged, this, [this] {
        if (m_filling) return;
        const auto c = config();
        reloadTiers(c.data.tiers);
        reloadWinRateSources(c.winRate.reference);
    });
    return box;
}

QWidget* LauncherPane::buildWinRateGroup() {
    auto* box = new QGroupBox(tr("Win rate while training"), this);
    box->setToolTip(
        tr("The policy's answers to held-out prompts against a reference source's "
           "answers, decided by a judge (as ladder-cli eval does)"));
    auto* form = new QFormLayout(box);
    m_f.winRateReference = combo(box, "launcherWinRateReference");
    form->addRow(tr("Against:"), m_f.winRateReference);
    m_f.winRateJudge = combo(box, "launcherWinRateJudge");
    for (const auto& j : eval::judgeRegistry().entries()) {
        m_f.winRateJudge->addItem(q(j.name), q(j.name));
        m_f.winRateJudge->setItemData(m_f.winRateJudge->count() - 1, q(j.description),
                                      Qt::ToolTipRole);
    }
    form->addRow(tr("Judge:"), m_f.winRateJudge);
    m_f.winRateEvery = spin(box, 0, 10000000, "launcherWinRateEvery");
    m_f.winRateEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Every:"), m_f.winRateEvery);
    m_f.winRatePrompts = spin(box, 1, 100000, "launcherWinRatePrompts");
    form->addRow(tr("Prompts:"), m_f.winRatePrompts);
    connect(m_f.winRateReference, &QComboBox::currentIndexChanged, this, [this] {
        updateWinRateEnabled();
        scheduleValidation();
    });
    return box;
}

void LauncherPane::updateWinRateEnabled() {
    const bool on = !m_f.winRateReference->currentData().toString().isEmpty();
    for (QWidget* w :
         {static_cast<QWidget*>(m_f.winRateJudge), static_cast<QWidget*>(m_f.winRateEvery),
          static_cast<QWidget*>(m_f.winRatePrompts)}) {
        w->setEnabled(on);
    }
}

QWidget* LauncherPane::buildOptimiserGroup() {
    auto* box = new QGroupBox(tr("Optimisation"), this);
    auto* form = new QFormLayout(box);
    m_f.lr = new ScientificSpinBox(box);
    m_f.lr->setObjectName("launcherLearningRate");
    m_f.lr->setRange(0, 1);
    form->addRow(tr("Learning rate:"), m_f.lr);
    m_f.decay = combo(box, "launcherDecay");
    for (const char* d : {"cosine", "linear", "constant"}) m_f.decay->addItem(d, d);
    form->addRow(tr("Schedule:"), m_f.decay);
    m_f.warmup = spin(box, 0, 1000000, "launcherWarmup");
    form->addRow(tr("Warmup steps:"), m_f.warmup);
    m_f.minLrRatio = dspin(box, 0, 1, 3, 0.05, "launcherMinLrRatio");
    form->addRow(tr("Final lr ratio:"), m_f.minLrRatio);
    m_f.weightDecay = dspin(box, 0, 10, 4, 0.01, "launcherWeightDecay");
    form->addRow(tr("Weight decay:"), m_f.weightDecay);
    m_f.gradClip = dspin(box, 0, 1000, 2, 0.5, "launcherGradClip");
    m_f.gradClip->setSpecialValueText(tr("off"));
    form->addRow(tr("Gradient clip:"), m_f.gradClip);
    m_f.batch = spin(box, 1, 4096, "launcherBatch");
    form->addRow(tr("Batch (pairs):"), m_f.batch);
    m_f.gradAccum = spin(box, 1, 1024, "launcherGradAccum");
    form->addRow(tr("Accumulation:"), m_f.gradAccum);
    m_f.steps = spin(box, 1, 10000000, "launcherSteps");
    form->addRow(tr("Steps:"), m_f.steps);
    return box;
}

QWidget* LauncherPane::buildRunningGroup() {
    auto* box = new QGroupBox(tr("Evaluation and running"), this);
    auto* form = new QFormLayout(box);
    m_f.evalEvery = spin(box, 0, 10000000, "launcherEvalEvery");
    m_f.evalEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Evaluate every:"), m_f.evalEvery);
    m_f.evalPairs = spin(box, 0, 1000000, "launcherEvalPairs");
    form->addRow(tr("Held-out pairs:"), m_f.evalPairs);
    m_f.checkpointEvery = spin(box, 0, 10000000, "launcherCheckpointEvery");
    m_f.checkpointEvery->setSpecialValueText(tr("at the end only"));
    form->addRow(tr("Checkpoint every:"), m_f.checkpointEvery);
    m_f.keep = spin(box, 1, 1000, "launcherKeep");
    form->addRow(tr("Keep checkpoints:"), m_f.keep);
    m_f.seed = spin(box, 0, 2147483647, "launcherSeed");
    form->addRow(tr("Seed:"), m_f.seed);
    m_f.device = combo(box, "launcherDevice");
    m_f.device->setEditable(true);
    for (const char* d : {"cpu", "cuda", "cuda:0", "cuda:1"}) m_f.device->addItem(d, d);
    form->addRow(tr("Device:"), m_f.device);
    m_f.threads = spin(box, 0, 512, "launcherThreads");
    m_f.threads->setSpecialValueText(tr("auto (%1 here)").arg(RunQueue::defaultThreads()));
    m_f.threads->setToolTip(
        tr("LibTorch threads. Auto leaves one core to the window, so that it "
           "stays responsive while the run trains."));
    form->addRow(tr("CPU threads:"), m_f.threads);
    m_f.processes = spin(box, 1, 64, "launcherProcesses");
    m_f.processes->setToolTip(
        tr("Data-parallel processes on this machine (c10d: Gloo on the CPU, NCCL "
           "on CUDA with a GPU each). Batch size pairs in each. More than 1: the "
           "run trains in ladder-cli's processes, goes on when the window closes, "
           "and Runs > Stop stops it."));
    form->addRow(tr("Processes:"), m_f.processes);
    m_f.ownProcess = new QCheckBox(tr("In its own process"), box);
    m_f.ownProcess->setObjectName("launcherOwnProcess");
    m_f.ownProcess->setToolTip(
        tr("Train in a ladder-cli process of its own: the run goes on when the "
           "window closes, the window follows it when it opens the workspace "
           "again, and Runs > Stop stops it. Always so with more than 1 process."));
    form->addRow(QString(), m_f.ownProcess);
    // On by default: a run outlives the window. Without ladder-cli (a build of the window alone)
    // runs train in the window.
    const bool cli = !ladderCliProgram().isEmpty();
    m_f.ownProcess->setChecked(runsInOwnProcess());
    if (!cli) {
        m_f.ownProcess->setToolTip(
            tr("ladder-cli is neither beside this program nor on PATH: runs "
               "train in this window and stop when it closes"));
    }
    connect(m_f.ownProcess, &QCheckBox::toggled, this, [](bool on) { setRunsInOwnProcess(on); });
    connect(m_f.processes, qOverload<int>(&QSpinBox::valueChanged), m_f.ownProcess,
            [this, cli](int n) { m_f.ownProcess->setEnabled(cli && n <= 1); });
    m_f.ownProcess->setEnabled(cli);
    return box;
}

// What a run keeps in memory and how it lays out its batches (issue 14).
QWidget* LauncherPane::buildMemoryGroup() {
    auto* box = new QGroupBox(tr("Memory"), this);
    auto* form = new QFormLayout(box);
    const auto checkBox = [box](const QString& text, const QString& name, const QString& tip) {
        auto* c = new QCheckBox(text, box);
        c->setObjectName(name);
        c->setToolTip(tip);
        return c;
    };

    m_f.dtype = combo(box, "launcherDtype");
    m_f.dtype->addItem(QStringLiteral("float32"), "float32");
    m_f.dtype->setItemData(0, tr("Everything in float32"), Qt::ToolTipRole);
    m_f.dtype->addItem(QStringLiteral("bfloat16"), "bfloat16");
    m_f.dtype->setItemData(1,
                           tr("With LoRA: the frozen base weights in bfloat16, the adapters and "
                              "AdamW's moments in float32. Full fine-tuning: bfloat16 weights "
                              "stepped from float32 master weights and AdamW moments (autocast "
                              "on CUDA). CPU or CUDA."),
                           Qt::ToolTipRole);
    m_f.dtype->setToolTip(tr("float32, or bfloat16 weights (float32 adapters or master weights)"));
    form->addRow(tr("Dtype:"), m_f.dtype);

    m_f.loraRank = spin(box, 0, 4096, "launcherLoraRank");
    m_f.loraRank->setSpecialValueText(tr("off (full fine-tuning)"));
    m_f.loraRank->setToolTip(
        tr("LoRA: train low-rank adapters of this rank on the target modules "
           "instead of every weight; saved as PEFT saves them. 0 = off: full "
           "fine-tuning."));
    form->addRow(tr("LoRA rank:"), m_f.loraRank);
    // Shown as typed ("16", "0.5") and stepped by factors of two (8, 16, 32), as alphas go.
    m_f.loraAlpha = new ScientificSpinBox(box);
    m_f.loraAlpha->setObjectName("launcherLoraAlpha");
    m_f.loraAlpha->setRange(0, 100000);
    m_f.loraAlpha->setToolTip(tr("lora_alpha: the adapters' update is scaled by alpha / rank"));
    form->addRow(tr("LoRA alpha:"), m_f.loraAlpha);
    m_f.loraDropout = dspin(box, 0, 1, 3, 0.05, "launcherLoraDropout");
    m_f.loraDropout->setToolTip(tr("lora_dropout: dropout on the adapters' input while training"));
    form->addRow(tr("LoRA dropout:"), m_f.loraDropout);
    m_f.loraTargets = combo(box, "launcherLoraTargets");
    m_f.loraTargets->setEditable(true);
    m_f.loraTargets->setInsertPolicy(QComboBox::NoInsert);
    // No inline completion: "q_proj" typed and left would become the first suggestion that
    // starts with it.
    m_f.loraTargets->setCompleter(nullptr);
    for (const char* t : {"all-linear", "q_proj, v_proj", "q_proj, k_proj, v_proj, o_proj",
                          "gate_proj, up_proj, down_proj"}) {
        m_f.loraTargets->addItem(QString::fromLatin1(t));
    }
    m_f.loraTargets->setToolTip(
        tr("The linear layers that get adapters, as PEFT names them, "
           "separated by commas: q_proj, k_proj, v_proj, o_proj, gate_proj, "
           "up_proj, down_proj; or all-linear (every one of them; the LM "
           "head excepted)"));
    form->addRow(tr("Target modules:"), m_f.loraTargets);
    m_f.loraSaveMerged = checkBox(tr("Save the merged model too"), "launcherLoraSaveMerged",
                                  tr("Besides the adapter (adapter_config.json and "
                                     "adapter_model.safetensors), save the base model with the "
                                     "adapter merged into its weights"));
    form->addRow(QString(), m_f.loraSaveMerged);

    m_f.gradientCheckpointing = checkBox(
        tr("Gradient checkpointing"), "launcherGradientCheckpointing",
        tr("Keep only each decoder layer's input and recompute the layer in the backward pass: "
           "far fewer activations in memory for one more forward pass per step"));
    form->addRow(QString(), m_f.gradientCheckpointing);
    m_f.logitsHead = combo(box, "launcherLogitsHead");
    m_f.logitsHead->addItem(QStringLiteral("auto"), "auto");
    m_f.logitsHead->setItemData(0,
                                tr("chunked for vocabularies of 32,000 tokens and more (every "
                                   "current chat model), full below"),
                                Qt::ToolTipRole);
    m_f.logitsHead->addItem(QStringLiteral("full"), "full");
    m_f.logitsHead->setItemData(1,
                                tr("The LM head over every answer position at once; its "
                                   "(batch, tokens, vocabulary) logits are kept for the "
                                   "backward pass"),
                                Qt::ToolTipRole);
    m_f.logitsHead->addItem(QStringLiteral("chunked"), "chunked");
    m_f.logitsHead->setItemData(2,
                                tr("The LM head over the answer tokens only, in chunks, and "
                                   "recomputed in the backward pass: no (batch, tokens, "
                                   "vocabulary) logits kept"),
                                Qt::ToolTipRole);
    m_f.logitsHead->setToolTip(
        tr("How the log-probabilities of the answers are computed. Chunked "
           "computes the LM head over the answer tokens in chunks and "
           "recomputes it in the backward pass; auto is chunked for "
           "vocabularies of 32,000 and more, full below."));
    form->addRow(tr("Logits head:"), m_f.logitsHead);

    m_f.packedPairs = checkBox(tr("Packed pairs"), "launcherPackedPairs",
                               tr("One row per pair: the prompt once, then the chosen and the "
                                  "rejected answer, each attending to the prompt and itself; no "
                                  "padding inside a pair. Wins over prefix sharing."));
    form->addRow(QString(), m_f.packedPairs);
    m_f.prefixSharing = checkBox(tr("Prefix sharing"), "launcherPrefixSharing",
                                 tr("Without packed pairs: one forward pass over the prompt serves "
                                    "the chosen and the rejected answer"));
    form->addRow(QString(), m_f.prefixSharing);
    m_f.lengthGroups = spin(box, 1, 4096, "launcherLengthGroups");
    m_f.lengthGroups->setSpecialValueText(tr("1 (off)"));
    m_f.lengthGroups->setToolTip(
        tr("Batches sorted by length in groups of this many batches "
           "within a curriculum stage: less padding, the same pairs in "
           "each stage. 1 = batches as drawn."));
    form->addRow(tr("Length groups:"), m_f.lengthGroups);
    m_memoryEstimate = new QLabel(box);
    m_memoryEstimate->setObjectName("launcherMemoryEstimate");
    m_memoryEstimate->setWordWrap(true);
    m_memoryEstimate->setToolTip(
        tr("What the run will hold at its peak at the length caps: weights, "
           "gradients, optimizer states, activations and logits. A run on "
           "the CPU that will not fit in the free memory does not start."));
    form->addRow(tr("Estimate:"), m_memoryEstimate);

    connect(m_f.loraRank, &QSpinBox::valueChanged, this, &LauncherPane::updateMemoryEnabled);
    connect(m_f.packedPairs, &QCheckBox::toggled, this, &LauncherPane::updateMemoryEnabled);
    return box;
}

void LauncherPane::updateMemoryEnabled() {
    const bool lora = m_f.loraRank->value() > 0;
    for (QWidget* w :
         {static_cast<QWidget*>(m_f.loraAlpha), static_cast<QWidget*>(m_f.loraDropout),
          static_cast<QWidget*>(m_f.loraTargets), static_cast<QWidget*>(m_f.loraSaveMerged)}) {
        w->setEnabled(lora);
    }
    m_f.prefixSharing->setEnabled(!m_f.packedPairs->isChecked());
}

void LauncherPane::rebuildKnobs(const nlohmann::json& values) {
    while (m_knobsForm->rowCount() > 0) m_knobsForm->removeRow(0);
    const train::LossInfo* info = methodInfo(m_f.method->currentData().toString());
    m_methodInfo->setText(info ? q(info->description) : QString());
    if (!info) return;
    for (const auto& [key, fallback] : info->parameters.items()) {
        // The box reaches every value the loss accepts and its limit too (beta 0 can be typed):
        // the problems list says what is wrong, in the loss's own words.
        double lo = 0, hi = 1000;
        QString tip;
        for (const auto& knob : info->knobs) {
            if (knob.name != key) continue;
            if (std::isfinite(knob.min)) lo = knob.min;
            if (std::isfinite(knob.max)) hi = knob.max;
            tip = tr("%1: %2 (must be %3)").arg(q(key), q(knob.meaning), q(knob.rule()));
        }
        auto* box = dspin(m_f.knobs, lo, hi, 4, 0.05, "launcherKnob_" + q(key));
        double value = fallback.is_number() ? fallback.get<double>() : 0.0;
        if (values.is_object() && values.contains(key) && values.at(key).is_number()) {
            value = values.at(key).get<double>();
        }
        box->setValue(value);
        box->setProperty("knob", q(key));
        box->setToolTip(tip);
        connect(box, &QDoubleSpinBox::valueChanged, this, &LauncherPane::scheduleValidation);
        m_knobsForm->addRow(q(key) + ':', box);
    }
}

PairPreviewDialog* LauncherPane::previewPairs() {
    if (!m_bridge->isOpen()) return nullptr;
    auto* dialog = new PairPreviewDialog(m_bridge, config(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void LauncherPane::updateModelKind() {
    m_modelStack->setCurrentIndex(std::max(0, m_f.modelKind->currentIndex()));
    // The stack is as tall as its shown page, not as its tallest (the folder page with its
    // check): the run list is one combo box high.
    for (int i = 0; i < m_modelStack->count(); ++i) {
        QWidget* page = m_modelStack->widget(i);
        page->setSizePolicy(
            i == m_modelStack->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored,
            i == m_modelStack->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    m_modelStack->updateGeometry();
    const train::LossInfo* info = methodInfo(m_f.method->currentData().toString());
    const bool needsReference = info && info->needsReference;
    m_f.reference->setEnabled(needsReference);
    if (!needsReference) {
        selectData(m_f.reference, "none");
    } else if (m_f.reference->currentData().toString() == "none") {
        selectData(m_f.reference, "cache");
    }
    scheduleValidation();
}

LauncherPane::~LauncherPane() {
    if (m_validateTimer->isActive()) rememberConfig();
    // A data plan in progress: the bridge (a child) waits for it, and its answer is dropped.
}

void LauncherPane::rememberConfig() {
    QSettings settings;
    settings.setValue(kConfigKey, q(train::toJson(config()).dump()));
    settings.setValue(kConfigPathKey, m_configPath);
}

}  // namespace ladder::ui

#include "ui/sources/build_pairs_dialog.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/bridge/data_bridge.h"

namespace ladder::ui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QListWidgetItem* rungItem(const QString& source, bool tiedAbove) {
    auto* item = new QListWidgetItem(source);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled |
                   Qt::ItemIsUserCheckable);
    item->setCheckState(tiedAbove ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(QObject::tr("Ticked: as strong as the source above (tied sources are never "
                                 "paired with each other)"));
    return item;
}

// A length cap: 0 shows "none".
QSpinBox* lengthCap(const QString& name, const QString& unit, const QString& tip, QWidget* parent) {
    auto* box = new QSpinBox(parent);
    box->setObjectName(name);
    box->setRange(0, 10'000'000);
    box->setSpecialValueText(QObject::tr("none"));
    box->setSuffix(unit);
    box->setToolTip(tip);
    return box;
}

QListWidget* sourceList(const QString& name, QWidget* parent) {
    auto* list = new QListWidget(parent);
    list->setObjectName(name);
    list->setDragDropMode(QAbstractItemView::DragDrop);
    list->setDefaultDropAction(Qt::MoveAction);
    list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    return list;
}

}  // namespace

BuildPairsDialog::BuildPairsDialog(DataBridge* bridge, QWidget* parent)
    : QDialog(parent), m_bridge(bridge) {
    setObjectName("buildPairsDialog");
    setWindowTitle(tr("Build Pairs"));

    m_ladder = new QComboBox(this);
    m_ladder->setObjectName("ladderName");
    m_ladder->setEditable(true);
    m_ladder->setInsertPolicy(QComboBox::NoInsert);
    m_ladder->setToolTip(tr("A stored ladder, or a new name"));
    for (const auto& l : m_bridge->ladders()) m_ladder->addItem(q(l.name));

    m_ranked = sourceList("ladderRanked", this);
    m_ranked->setToolTip(tr("Strongest first: drag to order (Alt+Up, Alt+Down); tick a source to "
                            "tie it with the one above; drag it to the right to leave it out"));
    m_leftOut = sourceList("ladderLeftOut", this);
    m_leftOut->setToolTip(tr("Sources left out of the ladder: drag one to the left to rank it"));
    auto* up = new QPushButton(tr("Up"), this);
    auto* down = new QPushButton(tr("Down"), this);
    auto* swap = new QPushButton(tr("In / Out"), this);
    swap->setToolTip(tr("Move the selected sources to the other list (Ctrl+E)"));
    up->setObjectName("ladderUp");
    down->setObjectName("ladderDown");
    swap->setObjectName("ladderInOut");
    m_spec = new QLabel(this);
    m_spec->setObjectName("ladderSpec");
    m_spec->setWordWrap(true);
    m_spec->setTextFormat(Qt::PlainText);

    auto* lists = new QGridLayout;
    lists->addWidget(new QLabel(tr("<b>Ladder</b>, strongest first (ticked: tied with the one "
                                   "above)"),
                                this),
                     0, 0);
    lists->addWidget(new QLabel(tr("Left out"), this), 0, 1);
    lists->addWidget(m_ranked, 1, 0);
    lists->addWidget(m_leftOut, 1, 1);
    auto* moves = new QHBoxLayout;
    moves->addWidget(up);
    moves->addWidget(down);
    moves->addWidget(swap);
    moves->addStretch(1);
    lists->addLayout(moves, 2, 0, 1, 2);
    lists->addWidget(m_spec, 3, 0, 1, 2);

    m_heldout = new QDoubleSpinBox(this);
    m_heldout->setObjectName("pairsHeldout");
    m_heldout->setRange(0, 99);
    m_heldout->setSuffix(tr(" %"));
    m_heldout->setValue(5);
    m_heldout->setToolTip(tr("Share of prompts held out for evaluation (by prompt, so one prompt "
                             "never sits in both)"));
    m_maxChars = lengthCap("pairsMaxChars", tr(" characters"),
                           tr("A cap on prompt + answer; pairs over it are counted (and kept "
                              "marked, unless dropped)"),
                           this);
    m_tokenizer = new QLineEdit(this);
    m_tokenizer->setObjectName("pairsTokenizer");
    m_tokenizer->setPlaceholderText(tr("A model folder or tokenizer.json (optional)"));
    m_tokenizer->setToolTip(tr("The report then gives each tier's prompt + answer lengths in this "
                               "model's tokens"));
    auto* chooseTokenizer = new QPushButton(tr("Choose..."), this);
    auto* tokenizerRow = new QHBoxLayout;
    tokenizerRow->addWidget(m_tokenizer, 1);
    tokenizerRow->addWidget(chooseTokenizer);
    connect(chooseTokenizer, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Model Folder"));
        if (!folder.isEmpty()) m_tokenizer->setText(folder);
    });
    m_maxTokens = lengthCap("pairsMaxTokens", tr(" tokens"),
                            tr("The training max_length: pairs longer than this in the model's "
                               "tokens are counted as cut"),
                            this);
    m_dropOver = new QCheckBox(tr("Drop pairs over the cap"), this);
    m_keepIdentical = new QCheckBox(tr("Keep pairs whose two answers are the same text"), this);
    m_dedupe = new QCheckBox(tr("One pair per prompt and pair of texts (the easiest tier keeps it)"), this);
    m_dedupe->setChecked(true);
    auto* form = new QFormLayout;
    form->addRow(tr("&Ladder:"), m_ladder);
    form->addRow(tr("&Held out:"), m_heldout);
    form->addRow(tr("Length &cap:"), m_maxChars);
    auto* tokensLabel = new QLabel(tr("&Tokens of:"), this);
    tokensLabel->setBuddy(m_tokenizer);
    form->addRow(tokensLabel, tokenizerRow);
    form->addRow(tr("&Max length:"), m_maxTokens);
    form->addRow(QString(), m_dropOver);
    form->addRow(QString(), m_keepIdentical);
    form->addRow(QString(), m_dedupe);

    m_report = new QPlainTextEdit(this);
    m_report->setObjectName("pairsReport");
    m_report->setReadOnly(true);
    m_report->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report->setPlaceholderText(tr("Check shows what the ladder gives: pairs and drops per tier, "
                                    "answer lengths, length-bias flags. Nothing is written."));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_check = buttons->addButton(tr("&Check"), QDialogButtonBox::ActionRole);
    m_check->setObjectName("checkPairs");
    m_check->setToolTip(tr("Save the ladder and report the pairs it would give, writing none (Ctrl+R)"));
    m_build = buttons->addButton(tr("&Build Pairs"), QDialogButtonBox::ActionRole);
    m_build->setObjectName("buildPairs");
    m_build->setToolTip(tr("Save the ladder and write its pairs (pairs built before keep their "
                           "annotations)"));

    auto* top = new QHBoxLayout;
    top->addLayout(lists, 3);
    top->addLayout(form, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_report, 1);
    layout->addWidget(buttons);
    resize(900, 640);

    const auto shortcut = [this](const QKeySequence& keys, auto&& slot) {
        auto* action = new QAction(this);
        action->setShortcut(keys);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), [this] { moveSelected(-1); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Down), [this] { moveSelected(1); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_E), [this] { moveBetweenLists(); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_R), [this] { run(false); });
    connect(up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveSelected(1); });
    connect(swap, &QPushButton::clicked, this, &BuildPairsDialog::moveBetweenLists);
    connect(m_check, &QPushButton::clicked, this, [this] { run(false); });
    connect(m_build, &QPushButton::clicked, this, [this] { run(true); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ladder, &QComboBox::currentTextChanged, this, &BuildPairsDialog::showLadder);
    for (auto* list : {m_ranked, m_leftOut}) {
        connect(list->model(), &QAbstractItemModel::rowsInserted, this, &BuildPairsDialog::updateSpec);
        connect(list->model(), &QAbstractItemModel::rowsRemoved, this, &BuildPairsDialog::updateSpec);
        connect(list->model(), &QAbstractItemModel::rowsMoved, this, &BuildPairsDialog::updateSpec);
        connect(list, &QListWidget::itemChanged, this, &BuildPairsDialog::updateSpec);
    }
    if (m_ladder->count() == 0) m_ladder->setEditText(tr("main"));
    showLadder(m_ladder->currentText());
}

void BuildPairsDialog::showLadder(const QString& name) {
    const QStringList sources = m_bridge->sources();
    QStringList ranked;
    QList<bool> tied;
    for (const auto& l : m_bridge->ladders()) {
        if (q(l.name) != name) continue;
        int previousRank = 0;
        for (const auto& r : l.rungs) {
            ranked << q(r.source);
            tied << (r.rank == previousRank);
            previousRank = r.rank;
        }
    }
    if (ranked.isEmpty()) {  // a new ladder: every source, ranked as listed, to be ordered
        ranked = sources;
        for (int i = 0; i < ranked.size(); ++i) tied << false;
    }
    m_ranked->clear();
    m_leftOut->clear();
    for (int i = 0; i < ranked.size(); ++i) m_ranked->addItem(rungItem(ranked[i], tied[i]));
    for (const auto& s : sources) {
        if (!ranked.contains(s)) m_leftOut->addItem(rungItem(s, false));
    }
    updateSpec();
}

std::vector<std::string> BuildPairsDialog::tokens() const {
    std::vector<std::string> out;
    for (int i = 0; i < m_ranked->count(); ++i) {
        const auto* item = m_ranked->item(i);
        const std::string source = item->text().toStdString();
        if (item->checkState() == Qt::Checked && !out.empty()) {
            out.back() += "=" + source;
        } else {
            out.push_back(source);
        }
    }
    return out;
}

QString BuildPairsDialog::ladderSpec() const {
    try {
        return q(pairs::parseLadder("x", tokens()).describe());
    } catch (const std::exception&) {
        return {};
    }
}

void BuildPairsDialog::updateSpec() {
    QString text;
    try {
        const auto ladder = pairs::parseLadder(m_ladder->currentText().toStdString(), tokens());
        const auto tiers = pairs::tiersOf(ladder);
        const QString spec = q(ladder.describe());
        const QString easiest = tiers.empty() ? QString() : q(tiers.front().name);
        text = tiers.size() == 1 ? tr("%1: 1 tier, %2").arg(spec, easiest)
                                 : tr("%1: %2 tiers, the easiest %3")
                                       .arg(spec, QString::number(tiers.size()), easiest);
    } catch (const std::exception& e) {
        text = q(e.what());
    }
    m_spec->setText(text);
    const bool ok = !ladderSpec().isEmpty() && !m_working && m_bridge->canWrite();
    m_check->setEnabled(ok);
    m_build->setEnabled(ok);
}

void BuildPairsDialog::moveSelected(int by) {
    auto* list = m_ranked->hasFocus() || !m_leftOut->hasFocus() ? m_ranked : m_leftOut;
    const int row = list->currentRow();
    const int to = row + by;
    if (row < 0 || to < 0 || to >= list->count()) return;
    auto* item = list->takeItem(row);
    list->insertItem(to, item);
    list->setCurrentRow(to);
    updateSpec();
}

void BuildPairsDialog::moveBetweenLists() {
    auto* from = m_leftOut->hasFocus() ? m_leftOut : m_ranked;
    auto* to = from == m_ranked ? m_leftOut : m_ranked;
    for (auto* item : from->selectedItems()) {
        auto* moved = from->takeItem(from->row(item));
        moved->setCheckState(Qt::Unchecked);
        to->addItem(moved);
    }
    updateSpec();
}

void BuildPairsDialog::run(bool write) {
    QString error;
    pairs::Ladder ladder;
    try {
        ladder = pairs::parseLadder(m_ladder->currentText().trimmed().toStdString(), tokens());
    } catch (const std::exception& e) {
        m_report->setPlainText(q(e.what()));
        Q_EMIT reported(false, false);
        return;
    }
    if (!m_bridge->saveLadder(ladder, &error)) {
        m_report->setPlainText(error);
        Q_EMIT reported(false, false);
        return;
    }
    if (m_ladder->findText(q(ladder.name)) < 0) {
        const QSignalBlocker block(m_ladder);
        m_ladder->addItem(q(ladder.name));
        m_ladder->setCurrentText(q(ladder.name));
    }
    pairs::PairBuildOptions options;
    options.heldoutFraction = m_heldout->value() / 100.0;
    options.maxChars = static_cast<std::size_t>(m_maxChars->value());
    options.maxTokens = static_cast<std::size_t>(m_maxTokens->value());
    options.dropOverLength = m_dropOver->isChecked();
    if (options.maxTokens > 0 && m_tokenizer->text().trimmed().isEmpty()) {
        m_report->setPlainText(tr("A max length in tokens needs the model whose tokens count: "
                                  "choose its folder under Tokens of."));
        Q_EMIT reported(false, false);
        return;
    }
    options.skipIdentical = !m_keepIdentical->isChecked();
    options.dedupe = m_dedupe->isChecked();
    m_working = true;
    updateSpec();
    m_report->setPlainText(write ? tr("Building the pairs of %1...").arg(q(ladder.describe()))
                                 : tr("Checking %1...").arg(q(ladder.describe())));
    m_bridge->buildPairs(q(ladder.name), options, m_tokenizer->text(), write,
                         [this, self = QPointer(this), write](
                             std::optional<pairs::PreflightReport> report, const QString& error) {
                             if (!self) return;
                             m_working = false;
                             updateSpec();
                             m_report->setPlainText(report ? q(pairs::renderPreflightReport(*report))
                                                           : error);
                             Q_EMIT reported(report.has_value(), write && report.has_value());
                         });
}

}  // namespace ladder::ui

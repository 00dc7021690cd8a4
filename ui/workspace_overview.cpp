#include "ui/workspace_overview.h"

#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/bridge/workspace_session.h"

namespace ladder::ui {

namespace {
constexpr int kPollMs = 2000;  // picks up what ladder-cli writes into the same file

// What a workspace that is not yet ready to train on needs next, in the order a user does it:
// answers of models of different strength, a ladder over them (its pairs), then a run. Empty
// once it has runs.
QString nextStep(const store::WorkspaceSummary& s, const QString& file) {
    const QString w = file.toHtmlEscaped();
    if (s.responses == 0) {
        return WorkspaceOverview::tr(
                   "<b>Next: import answers.</b> This workspace has no models' answers yet. "
                   "Import the answers of models of different strength to the same prompts "
                   "(AlpacaEval <tt>model_outputs.json</tt>, JSONL, TRL or HH-RLHF files) with "
                   "<b>File &gt; Import Answers</b> (Ctrl+I), or drop the files on the window; "
                   "from a shell:<br>"
                   "<tt>ladder-cli import -w %1 strong.json medium.json weak.json</tt><br>"
                   "Or try the demo first: <b>File &gt; Open Demo Workspace</b>.")
            .arg(w);
    }
    if (s.pairs == 0) {
        return WorkspaceOverview::tr(
                   "<b>Next: rank the sources into a ladder.</b> Its pairs are made from the "
                   "answers: the stronger model's is chosen, the weaker one's rejected. "
                   "<b>File &gt; Build Pairs</b> (Ctrl+Shift+B) orders the sources, checks what "
                   "they give and builds the pairs; from a shell:<br>"
                   "<tt>ladder-cli ladder set -w %1 main STRONGEST ... WEAKEST</tt><br>"
                   "<tt>ladder-cli pairs build -w %1 --ladder main</tt>")
            .arg(w);
    }
    if (s.runs == 0) {
        return WorkspaceOverview::tr(
            "<b>Next: train.</b> Browse and correct the pairs in <b>Pairs</b>, shape a "
            "curriculum in <b>Curriculum</b>, then start a run in <b>Launcher</b> (a preset "
            "fills the form).");
    }
    return {};
}

}  // namespace

WorkspaceOverview::WorkspaceOverview(WorkspaceSession* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    setObjectName("overviewPane");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    m_title = new QLabel(this);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    layout->addWidget(m_title);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setTextFormat(Qt::RichText);
    m_hint->setObjectName("overviewHint");
    m_hint->setTextInteractionFlags(Qt::TextSelectableByMouse);  // the commands can be copied
    layout->addWidget(m_hint);
    m_details = new QWidget(this);
    m_form = new QFormLayout(m_details);
    m_form->setLabelAlignment(Qt::AlignRight);
    layout->addWidget(m_details);
    layout->addStretch();

    // Counting every table takes milliseconds on a big workspace: only when the pane is shown.
    const auto refreshIfVisible = [this] {
        if (isVisible()) refresh();
    };
    connect(m_session, &WorkspaceSession::opened, this, refreshIfVisible);
    connect(m_session, &WorkspaceSession::closed, this, refreshIfVisible);
    connect(m_session, &WorkspaceSession::contentsChanged, this, refreshIfVisible);
    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &WorkspaceOverview::refresh);
    refresh();
}

void WorkspaceOverview::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
    m_poll->start();
}

void WorkspaceOverview::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    m_poll->stop();
}

void WorkspaceOverview::refresh() {
    while (m_form->rowCount() > 0) m_form->removeRow(0);
    const auto summary = m_session->summary();
    if (!summary) {
        m_title->setText(tr("No workspace open"));
        m_hint->setText(tr("Create a workspace with <b>File &gt; New</b> (Ctrl+N) or open one with "
                           "<b>File &gt; Open</b> (Ctrl+O). The demo workspace (<b>File &gt; Open "
                           "Demo Workspace</b>, or <tt>ladder --demo</tt>) has simulated models of "
                           "three strengths, ready-made pairs and curricula."));
        m_details->hide();
        return;
    }
    const QFileInfo file(m_session->path());
    m_title->setText(file.completeBaseName());
    QString hint = m_session->isReadOnly() ? tr("Opened read-only: nothing can be changed.")
                                           : QString();
    const QString next = nextStep(*summary, QDir::toNativeSeparators(file.absoluteFilePath()));
    if (!next.isEmpty()) hint += (hint.isEmpty() ? QString() : QStringLiteral("<br>")) + next;
    m_hint->setText(hint);
    const QLocale locale;
    auto row = [&](const QString& label, qint64 value) {
        auto* v = new QLabel(locale.toString(value), m_details);
        v->setObjectName("overview_" + QString(label).remove(' ').toLower());
        m_form->addRow(label + ':', v);
    };
    auto* path = new QLabel(file.absoluteFilePath(), m_details);
    path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(tr("File:"), path);
    row(tr("Datasets"), summary->datasets);
    row(tr("Sources"), summary->sources);
    row(tr("Prompts"), summary->prompts);
    row(tr("Responses"), summary->responses);
    row(tr("Ladders"), summary->ladders);
    row(tr("Pairs"), summary->pairs);
    row(tr("Annotated pairs"), summary->annotations);
    row(tr("Curricula"), summary->curricula);
    row(tr("Runs"), summary->runs);
    row(tr("Checkpoints"), summary->checkpoints);
    row(tr("Evaluations"), summary->evals);
    m_details->show();
}

}  // namespace ladder::ui

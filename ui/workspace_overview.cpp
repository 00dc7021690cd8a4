#include "ui/workspace_overview.h"

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
}

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
                           "<b>File &gt; Open</b> (Ctrl+O). The demo workspace (<tt>ladder --demo</tt>) "
                           "has simulated models of three strengths, ready-made pairs and curricula."));
        m_details->hide();
        return;
    }
    const QFileInfo file(m_session->path());
    m_title->setText(file.completeBaseName());
    m_hint->setText(m_session->isReadOnly() ? tr("Opened read-only: nothing can be changed.")
                                            : QString());
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

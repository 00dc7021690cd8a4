#include "ui/pairs/pair_detail_view.h"

#include <algorithm>

#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "ui/pairs/word_diff.h"

namespace ladder::ui {

namespace {

// Marks on light tints with dark text: readable in light and dark themes alike.
const QColor kOnlyInChosenBackground(0xc3, 0xeb, 0xc9);
const QColor kOnlyInChosenText(0x0b, 0x3d, 0x14);
const QColor kOnlyInRejectedBackground(0xff, 0xcd, 0xd2);
const QColor kOnlyInRejectedText(0x6d, 0x0f, 0x17);

QString counted(qint64 n, const QString& one, const QString& many) {
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString sideHeader(const QString& role, const pairs::PairAnswer& a, const QString& remark) {
    const QString rank = a.rank ? QObject::tr(" (rank %1)").arg(*a.rank) : QString();
    return QStringLiteral("<b>%1</b> &middot; %2%3 &middot; %4 &middot; %5%6")
        .arg(role, QString::fromStdString(a.source).toHtmlEscaped(), rank,
             counted(a.characters, QObject::tr("char"), QObject::tr("chars")),
             counted(a.bytes, QObject::tr("token"), QObject::tr("tokens")),
             remark.isEmpty() ? QString() : QStringLiteral("<br/><i>%1</i>").arg(remark));
}

// The dataset an answer came from and its row (1-based, as an editor counts).
QString originText(const pairs::AnswerOrigin& o) {
    const QString dataset = QString::fromStdString(o.dataset);
    return o.row >= 0 ? QObject::tr("%1 row %2").arg(dataset).arg(o.row + 1) : dataset;
}

QTextBrowser* answerBrowser(QWidget* parent, const QString& name) {
    auto* b = new QTextBrowser(parent);
    b->setObjectName(name);
    b->setOpenLinks(false);
    b->setFocusPolicy(Qt::ClickFocus);  // keys stay with the pair list
    // Two lines at least, not a scroll area's default: in a 1000x700 window the pair sits below
    // the list and must leave the list some rows.
    b->setMinimumHeight(b->fontMetrics().lineSpacing() * 2 + 2 * b->frameWidth() + 8);
    return b;
}

QLabel* header(QWidget* parent, const QColor& mark) {
    auto* l = new QLabel(parent);
    l->setTextFormat(Qt::RichText);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("QLabel { border-left: 5px solid %1; padding-left: 6px; }")
                         .arg(mark.name()));
    return l;
}

// The prompt: its text, or a conversation turn by turn (the role above each message, the
// system message and earlier answers shaded apart from the user's turns).
QString promptHtml(const pairs::PairDetail& d) {
    const auto block = [](const QString& text) {
        QString html = text.toHtmlEscaped();
        html.replace(QLatin1Char('\n'), QStringLiteral("<br/>"));
        return html;
    };
    if (d.messages.empty()) {
        QString prompt = QString::fromStdString(d.instruction);
        if (!d.input.empty()) prompt += QStringLiteral("\n\n") + QString::fromStdString(d.input);
        return QStringLiteral("<div style=\"white-space: pre-wrap;\">%1</div>").arg(block(prompt));
    }
    QString html;
    for (const data::Message& m : d.messages) {
        const QString role = QString::fromStdString(m.role);
        const char* background = m.role == "system"      ? "#f3eee2"
                                 : m.role == "assistant" ? "#e8eef6"
                                                         : "#ffffff";
        html += QStringLiteral("<div style=\"background-color:%1; margin-bottom:4px;\"><b>%2</b>"
                               "<div style=\"white-space: pre-wrap;\">%3</div></div>")
                    .arg(QLatin1String(background),
                         (role.left(1).toUpper() + role.mid(1)).toHtmlEscaped(),
                         block(QString::fromStdString(m.content)));
    }
    return html;
}

}  // namespace

PairDetailView::PairDetailView(QWidget* parent) : QWidget(parent) {
    setObjectName("pairDetail");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    m_title->setObjectName("pairTitle");
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_prompt = answerBrowser(split, "pairPrompt");
    auto* answers = new QWidget(split);
    // A grid, so that both answers start at the same height whatever their headers say.
    auto* sides = new QGridLayout(answers);
    sides->setContentsMargins(0, 0, 0, 0);
    m_leftHeader = header(answers, QColor(0x2e, 0x7d, 0x32));
    const QString tokens = tr("Tokens of the byte-level tokenizer (the demo model's): UTF-8 bytes");
    m_leftHeader->setToolTip(tokens);
    m_left = answerBrowser(answers, "pairLeft");
    m_rightHeader = header(answers, QColor(0xc6, 0x28, 0x28));
    m_rightHeader->setToolTip(tokens);
    m_right = answerBrowser(answers, "pairRight");
    sides->addWidget(m_leftHeader, 0, 0);
    sides->addWidget(m_rightHeader, 0, 1);
    sides->addWidget(m_left, 1, 0);
    sides->addWidget(m_right, 1, 1);
    sides->setRowStretch(1, 1);
    sides->setColumnStretch(0, 1);
    sides->setColumnStretch(1, 1);
    split->addWidget(m_prompt);
    split->addWidget(answers);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    m_facts = new QLabel(this);
    m_facts->setObjectName("pairFacts");
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_facts);
    showNothing(tr("No pair selected."));
}

void PairDetailView::showNothing(const QString& why) {
    m_detail.reset();
    m_title->setText(QStringLiteral("<i>%1</i>").arg(why.toHtmlEscaped()));
    m_prompt->clear();
    m_left->clear();
    m_right->clear();
    m_leftHeader->setText(tr("<b>Chosen</b>"));
    m_rightHeader->setText(tr("<b>Rejected</b>"));
    m_facts->clear();
}

void PairDetailView::showPair(const pairs::PairDetail& d) {
    m_detail = d;
    const bool flipped = d.annotation && d.annotation->status == pairs::AnnotationStatus::Flip;
    const pairs::PairAnswer& preferred = flipped ? d.rejected : d.chosen;
    const pairs::PairAnswer& other = flipped ? d.chosen : d.rejected;

    const QString status = d.annotation && d.annotation->status != pairs::AnnotationStatus::None
                               ? QString::fromLatin1(pairs::toString(d.annotation->status))
                               : tr("not reviewed");
    m_title->setText(tr("<b>Pair %1</b> &middot; tier %2 (rank gap %3) &middot; %4%5 &middot; "
                        "<b>%6</b>")
                         .arg(d.pairId)
                         .arg(QString::fromStdString(d.tier).toHtmlEscaped())
                         .arg(d.rankGap)
                         .arg(QString::fromStdString(d.split),
                              d.truncated ? tr(" &middot; truncated") : QString(), status));

    m_prompt->setHtml(promptHtml(d));

    const WordDiff diff =
        diffWords(QString::fromStdString(preferred.text), QString::fromStdString(other.text));
    m_left->setHtml(diffHtml(diff.left, kOnlyInChosenBackground, kOnlyInChosenText));
    m_right->setHtml(diffHtml(diff.right, kOnlyInRejectedBackground, kOnlyInRejectedText));
    m_leftHeader->setText(sideHeader(flipped ? tr("Chosen (flipped)") : tr("Chosen"), preferred,
                                     flipped ? tr("the ladder's rejected answer") : QString()));
    m_rightHeader->setText(sideHeader(flipped ? tr("Rejected (flipped)") : tr("Rejected"), other,
                                      flipped ? tr("the ladder's chosen answer") : QString()));

    QStringList facts;
    facts << tr("From %1: %2 (%3) vs %4 (%5)")
                 .arg(d.provenance.ladder.empty()
                          ? tr("imported %1").arg(QString::fromStdString(d.provenance.imported))
                          : tr("ladder %1").arg(QString::fromStdString(d.provenance.ladder)))
                 .arg(QString::fromStdString(d.chosen.source), originText(d.provenance.chosen),
                      QString::fromStdString(d.rejected.source), originText(d.provenance.rejected))
                 .toHtmlEscaped();
    if (d.verdicts.empty()) {
        facts << tr("No judge verdict on this prompt's two answers.");
    } else {
        QStringList verdicts;
        for (const auto& v : d.verdicts) {
            const QString what = v.prefersChosen     ? tr("prefers the chosen answer")
                                 : v.prefersRejected ? tr("<b>prefers the rejected answer</b>")
                                 : v.preference      ? tr("calls it a tie")
                                                     : tr("did not decide");
            verdicts << QString::fromStdString(v.judge).toHtmlEscaped() + QLatin1Char(' ') + what;
        }
        facts << tr("Judges: %1").arg(verdicts.join(QStringLiteral("; ")));
    }
    if (!d.margins.empty()) {
        QStringList margins;
        const QLocale locale;
        for (const auto& m : d.margins) {
            margins << tr("%1 %2 at step %3")
                           .arg(QString::fromStdString(m.run).toHtmlEscaped(),
                                locale.toString(m.margin, 'f', 3))
                           .arg(m.step);
        }
        facts << tr("Margins: %1").arg(margins.join(QStringLiteral("; ")));
    }
    for (const auto& path : d.learning) {
        // Its margin over the run's evaluations: at most 8 of them (the first, the last, and
        // evenly between), and what they say.
        const QLocale locale;
        QStringList points;
        const std::size_t n = path.margins.size();
        const std::size_t shown = std::min<std::size_t>(n, 8);
        for (std::size_t k = 0; k < shown; ++k) {
            const auto& [step, margin] = path.margins[shown == 1 ? 0 : k * (n - 1) / (shown - 1)];
            points << tr("%1: %2").arg(step).arg(locale.toString(margin, 'f', 2));
        }
        const QString what = path.learning == "learned"
                                 ? tr("learned at step %1").arg(path.learnedAt)
                                 : QString::fromStdString(path.learning);
        facts << tr("Over steps, %1: <b>%2</b> (%3)")
                     .arg(QString::fromStdString(path.run).toHtmlEscaped(), what.toHtmlEscaped(),
                          points.join(QStringLiteral(" \u00b7 ")));
    }
    if (d.annotation && !d.annotation->note.empty()) {
        facts << tr("Note: <i>%1</i>")
                     .arg(QString::fromStdString(d.annotation->note).toHtmlEscaped());
    }
    if (diff.approximate) facts << tr("(answers too long for a full word diff: ends matched only)");
    m_facts->setText(facts.join(QStringLiteral("<br/>")));
}

QString PairDetailView::leftText() const {
    return m_left->toPlainText();
}
QString PairDetailView::rightText() const {
    return m_right->toPlainText();
}
QString PairDetailView::leftHeader() const {
    return m_leftHeader->text();
}

}  // namespace ladder::ui

#include "ui/launcher/judge_program_prompt.h"

#include <QMessageBox>
#include <QPushButton>

namespace ladder::ui {

bool approveJudgeProgram(QWidget* parent, const train::RunConfig& config,
                         train::JobRequest& request) {
    const auto program = train::judgeProgram(config);
    if (program.empty()) return true;
    QMessageBox box(QMessageBox::Warning, QObject::tr("Run a program?"),
                    QObject::tr("This run's win rate asks a program to judge its answers:\n\n%1\n\n"
                                "Run it only if you trust it: the run's settings may come from a "
                                "workspace someone else made.")
                        .arg(QString::fromStdString(train::describeProgram(program))),
                    QMessageBox::NoButton, parent);
    box.setObjectName("approveJudgeProgram");
    box.addButton(QObject::tr("Run the Program"), QMessageBox::AcceptRole)
        ->setObjectName("runProgram");
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.buttonRole(box.clickedButton()) != QMessageBox::AcceptRole) return false;
    request.judgeProgramApproved = true;
    return true;
}

}  // namespace ladder::ui

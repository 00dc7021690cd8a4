// Helpers of the run panes' tests (beside ui_fixtures.h's): a tiny run config that trains in
// seconds, waiting on the event loop, and checking item models with QAbstractItemModelTester (its
// complaints collected as test failures).
#pragma once

#include <chrono>
#include <functional>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QStringList>
#include <QTest>

#include "core/train/run_config.h"
#include "tests/support/test_support.h"
#include "tests/support/tiny_run.h"
#include "tests/ui/ui_fixtures.h"

namespace ladder::test {

// A tiny model and a short run: seconds, not minutes.
inline train::RunConfig tinyRun(const std::string& method, int steps) {
    train::RunConfig c = tinyRunConfig(method, steps);
    c.name = method + " ui test";
    return c;
}

// Processes events until `done` holds or the time is up; returns done().
inline bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return QTest::qWaitFor(done, static_cast<int>(timeout.count()));
}

// Runs QAbstractItemModelTester on a model for as long as it lives, collecting its complaints.
class ModelChecker {
public:
    explicit ModelChecker(QAbstractItemModel* model)
        : m_armed((s_failures = &m_failures, true)),
          m_previous(qInstallMessageHandler(&ModelChecker::handle)),
          m_tester(model, QAbstractItemModelTester::FailureReportingMode::Warning) {}
    ~ModelChecker() {
        qInstallMessageHandler(m_previous);
        s_failures = nullptr;
    }
    ModelChecker(const ModelChecker&) = delete;
    ModelChecker& operator=(const ModelChecker&) = delete;
    [[nodiscard]] const QStringList& failures() const { return m_failures; }

private:
    static void handle(QtMsgType type, const QMessageLogContext&, const QString& message) {
        if (type != QtDebugMsg && s_failures && message.contains("FAIL")) *s_failures << message;
    }
    inline static QStringList* s_failures = nullptr;
    QStringList m_failures;
    bool m_armed;
    QtMessageHandler m_previous;
    QAbstractItemModelTester m_tester;
};

}  // namespace ladder::test

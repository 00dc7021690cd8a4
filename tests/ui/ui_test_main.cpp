// main() of the UI tests: an offscreen QApplication with settings kept away from the user's and
// from the other UI test processes that ctest runs at the same time (each process has its own
// settings and XDG folders, so one test's remembered window or form never reaches another).
#include <cstdlib>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <gtest/gtest.h>

int main(int argc, char** argv) {
    ::setenv("QT_QPA_PLATFORM", "offscreen", /*overwrite=*/0);
    QTemporaryDir home(QDir::tempPath() + "/ladder-ui-test-XXXXXX");
    if (!home.isValid()) return 2;
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"}) {
        ::setenv(name, (home.path() + "/" + name).toLocal8Bit().constData(), /*overwrite=*/1);
    }
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.path() + "/settings");
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, home.path() + "/settings");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("LadderTests");
    QApplication::setApplicationName("LadderUiTests");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

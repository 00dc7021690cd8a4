// The run panes of the window (Launcher, Plots, Runs, Compare, Studies) and what ties them
// together: one RunQueue for the window's runs, "duplicate config" into the launcher, "show plots"
// of a run.
#pragma once

namespace ladder::ui {

class ComparePane;
class LauncherPane;
class LivePlotsPane;
class MainWindow;
class RunQueue;
class RunsPane;
class StudiesPane;

struct RunPanes {
    RunQueue* queue = nullptr;
    LauncherPane* launcher = nullptr;
    LivePlotsPane* plots = nullptr;
    RunsPane* runs = nullptr;
    ComparePane* compare = nullptr;
    StudiesPane* studies = nullptr;
};

// Adds the panes to the window (as tabs, after the ones it has) and returns them.
RunPanes addRunPanes(MainWindow* window);

}  // namespace ladder::ui

// The plugins of the default locations, loaded once per process with what they provide
// registered: importers (taking over built-ins of the same name), losses and judges. Shared by
// ladder-cli and the window, so both offer the same methods, judges and importers.
#pragma once

namespace ladder::plugin {
class PluginHost;
}

namespace ladder::train {

// Loads on the first call (failures are logged by the host and listed by its errors()); later
// calls return the same host. Call before using any registry.
const plugin::PluginHost& loadPlugins();

}  // namespace ladder::train

// Which settings differ between runs: their config JSONs flattened to dotted keys ("loss.beta",
// "data.curriculum") and compared key by key. The comparison pane's diff table and its legend
// ("dpo: beta=0.5, curriculum=easy-then-hard") come from here. No LibTorch, no Qt.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ladder::train {

// Objects become dotted keys; arrays and scalars are leaves (a list of tiers is one setting).
// An empty object is a leaf too, so that {} and a missing key can be told apart.
[[nodiscard]] std::vector<std::pair<std::string, nlohmann::json>> flattenJson(
    const nlohmann::json& object);

struct ConfigField {
    std::string key;                                  // "loss.beta"
    std::vector<std::optional<nlohmann::json>> values;  // one per config; empty = key absent
    bool differs = false;
};

struct ConfigCompareOptions {
    std::vector<std::string> ignore = {"name"};  // keys (or key prefixes + ".") left out
    // Keys that say how a run was executed, not what it learned: listed with their values but
    // never a difference. A window run leaves a core to the GUI where ladder-cli takes them all;
    // the same config trained both ways is the same experiment.
    std::vector<std::string> executionOnly = {"threads"};
};

// Every key of any config: method, loss, model and data settings first, the rest in key order.
[[nodiscard]] std::vector<ConfigField> compareConfigs(const std::vector<nlohmann::json>& configs,
                                                      const ConfigCompareOptions& options = {});

// A value as a person reads it: strings without quotes, lists joined by ", ", "(none)" when the
// key is absent or the string empty.
[[nodiscard]] std::string describeValue(const std::optional<nlohmann::json>& value);

// The short name of a key for a legend: its last part ("beta"), or the whole key where two
// differing keys share the last part ("eval.every", "checkpoint.every").
[[nodiscard]] std::vector<std::string> shortKeys(const std::vector<ConfigField>& differing);

// "beta=0.5, curriculum=easy-then-hard": config `index`'s values of the differing fields, at most
// maxFields of them (then ", ..."); empty when nothing differs.
[[nodiscard]] std::string differenceLabel(const std::vector<ConfigField>& fields, std::size_t index,
                                          std::size_t maxFields = 4);

}  // namespace ladder::train

#include "core/train/config_diff.h"

#include <algorithm>
#include <array>
#include <map>

namespace ladder::train {
namespace {

using nlohmann::json;

void flattenInto(const json& value, const std::string& prefix,
                 std::vector<std::pair<std::string, json>>& out) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [key, child] : value.items()) {
            flattenInto(child, prefix.empty() ? key : prefix + "." + key, out);
        }
        return;
    }
    out.emplace_back(prefix, value);
}

bool matches(const std::string& key, const std::vector<std::string>& keys) {
    for (const auto& i : keys) {
        if (key == i || key.rfind(i + ".", 0) == 0) return true;
    }
    return false;
}

// The settings a reader looks for first; the rest follow in key order.
constexpr std::array<const char*, 12> kSectionOrder = {
    "method", "loss", "model", "data", "reference", "optimizer", "schedule",
    "batch_size", "grad_accum", "max_steps", "seed", "template"};

std::size_t sectionRank(const std::string& key) {
    const std::string top = key.substr(0, key.find('.'));
    for (std::size_t i = 0; i < kSectionOrder.size(); ++i) {
        if (top == kSectionOrder[i]) return i;
    }
    return kSectionOrder.size();
}

std::string lastPart(const std::string& key) {
    const auto dot = key.rfind('.');
    return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

std::vector<std::pair<std::string, json>> flattenJson(const json& object) {
    std::vector<std::pair<std::string, json>> out;
    if (object.is_object()) {
        for (const auto& [key, child] : object.items()) flattenInto(child, key, out);
    } else if (!object.is_null()) {
        out.emplace_back("", object);
    }
    return out;
}

std::vector<ConfigField> compareConfigs(const std::vector<json>& configs,
                                        const ConfigCompareOptions& options) {
    std::vector<ConfigField> fields;
    std::map<std::string, std::size_t> index;
    for (std::size_t c = 0; c < configs.size(); ++c) {
        for (auto& [key, value] : flattenJson(configs[c])) {
            if (matches(key, options.ignore)) continue;
            auto [it, inserted] = index.emplace(key, fields.size());
            if (inserted) {
                fields.push_back({key, std::vector<std::optional<json>>(configs.size()), false});
            }
            fields[it->second].values[c] = std::move(value);
        }
    }
    // An empty object ("loss": {} of SFT) next to another run's keys under it (loss.beta) says
    // nothing the (none) of those keys does not: one row, not two.
    std::erase_if(fields, [&](const ConfigField& f) {
        const bool empty = std::all_of(f.values.begin(), f.values.end(), [](const auto& v) {
            return !v || (v->is_object() && v->empty());
        });
        if (!empty) return false;
        const std::string below = f.key + ".";
        return std::any_of(index.begin(), index.end(),
                           [&](const auto& entry) { return entry.first.rfind(below, 0) == 0; });
    });
    std::stable_sort(fields.begin(), fields.end(), [](const ConfigField& a, const ConfigField& b) {
        return sectionRank(a.key) < sectionRank(b.key);
    });
    for (auto& f : fields) {
        if (matches(f.key, options.executionOnly)) continue;
        for (std::size_t c = 1; c < f.values.size(); ++c) {
            if (f.values[c] != f.values[0]) f.differs = true;
        }
    }
    return fields;
}

std::string describeValue(const std::optional<json>& value) {
    if (!value) return "(none)";
    if (value->is_string()) return value->get<std::string>().empty() ? "(none)" : value->get<std::string>();
    if (value->is_array()) {
        if (value->empty()) return "(all)";
        std::string out;
        for (const auto& item : *value) {
            out += (out.empty() ? "" : ", ") + describeValue(std::optional<json>(item));
        }
        return out;
    }
    return value->dump();
}

std::vector<std::string> shortKeys(const std::vector<ConfigField>& differing) {
    std::map<std::string, int> uses;
    for (const auto& f : differing) ++uses[lastPart(f.key)];
    std::vector<std::string> out;
    for (const auto& f : differing) {
        const std::string last = lastPart(f.key);
        out.push_back(uses[last] > 1 ? f.key : last);
    }
    return out;
}

std::string differenceLabel(const std::vector<ConfigField>& fields, std::size_t index,
                            std::size_t maxFields) {
    std::vector<ConfigField> differing;
    for (const auto& f : fields) {
        if (f.differs) differing.push_back(f);
    }
    const auto keys = shortKeys(differing);
    std::string out;
    for (std::size_t i = 0; i < differing.size(); ++i) {
        if (i == maxFields) return out + ", ...";
        const auto& values = differing[i].values;
        const std::optional<json> value = index < values.size() ? values[index] : std::nullopt;
        out += (out.empty() ? "" : ", ") + keys[i] + "=" + describeValue(value);
    }
    return out;
}

}  // namespace ladder::train

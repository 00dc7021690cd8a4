// Reading a study file and expanding it into its runs: variants x grid combinations, parents first.
#include "core/study/study_spec.h"

#include <map>
#include <set>

#include "core/common/error.h"
#include "core/common/json_read.h"

namespace ladder::study {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPoints = 1000;  // a grid larger than this is a typo, not a study
const std::set<std::string> kStudyKeys = {"name",    "description", "base",   "variants",
                                          "grid",    "set",         "parent", "parallel",
                                          "metrics", "baseline"};

// A config given inline or as a file beside the study.
json configJson(const json& value, const std::filesystem::path& folder, const std::string& what) {
    if (value.is_object()) return value;
    if (value.is_string()) {
        const auto path = folder / value.get<std::string>();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            throw Error(what + " names the file " + path.string() +
                        ", which does not exist (paths "
                        "are relative to the study file's folder)");
        }
        return ladder::json::readFile(path);
    }
    throw Error(what + " must be a run config (an object) or the name of a run config file");
}

// Sets "a.b.c" in a run config's JSON; the run config's reader then rejects a key it does not know.
void setPath(json& config, const std::string& path, const json& value, const std::string& what) {
    if (path.empty() || path.front() == '.' || path.back() == '.' ||
        path.find("..") != std::string::npos) {
        throw Error(what + ": '" + path +
                    "' is not a config key (write nested keys as \"loss.beta\")");
    }
    if (path == "name") throw Error(what + ": 'name' is set by the study (its runs' names)");
    json* node = &config;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        const std::string part = path.substr(start, dot - start);
        if (!node->is_object()) {
            throw Error(what + ": '" + path + "' goes into '" + part + "', which is not an object");
        }
        if (dot == std::string::npos) {
            (*node)[part] = value;
            return;
        }
        node = &(*node)[part];
        if (node->is_null()) *node = json::object();
        start = dot + 1;
    }
}

std::string valueText(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
}

train::RunConfig parseConfig(const json& config, const std::string& what) {
    auto parsed = train::parseRunConfig(config, what);
    const auto problems = train::validate(parsed);
    if (!problems.empty()) throw Error(what + ": " + problems.front());
    return parsed;
}

}  // namespace

const std::vector<std::string>& defaultStudyMetrics() {
    static const std::vector<std::string> metrics = {"eval/win_rate", "eval/rewards/accuracies",
                                                     "eval/rewards/margins", "eval/loss"};
    return metrics;
}

std::string pointLabel(const StudyPoint& point, bool withSeed) {
    std::string label = point.variant;
    for (const auto& [key, value] : point.settings) {
        if (key == "seed" && !withSeed) continue;
        label += ", " + key + " " + valueText(value);
    }
    return label;
}

std::string runName(const StudySpec& spec, const StudyPoint& point) {
    return spec.name + " · " + pointLabel(point);
}

StudySpec parseStudy(const json& file, const std::filesystem::path& folder,
                     const std::string& origin) {
    if (!file.is_object()) throw Error(origin + " must be a JSON object with name, base and grid");
    for (const auto& [key, value] : file.items()) {
        if (!kStudyKeys.count(key)) {
            throw Error(origin + ": unknown key '" + key +
                        "' (a study has name, description, base, "
                        "variants, grid, parent, parallel, metrics)");
        }
    }
    StudySpec spec;
    if (!file.contains("name") || !file["name"].is_string() ||
        file["name"].get<std::string>().empty()) {
        throw Error(origin + ": 'name' (the study's name in the workspace) is missing");
    }
    spec.name = file["name"].get<std::string>();
    if (!file.contains("base"))
        throw Error(origin + ": 'base' (the run config it varies) is missing");
    const json base = configJson(file["base"], folder, origin + ": base");
    const json common = file.value("set", json::object());  // for every run, the parent's too
    if (!common.is_object()) throw Error(origin + ": 'set' must map config keys to values");
    if (file.contains("parallel")) {
        const auto& p = file["parallel"];
        if (!p.is_number_integer() || p.get<std::int64_t>() < 1 || p.get<std::int64_t>() > 64) {
            throw Error(origin + ": 'parallel' must be a whole number from 1 to 64");
        }
        spec.parallel = p.get<int>();
    }
    spec.metrics = defaultStudyMetrics();
    if (file.contains("metrics")) {
        const auto& m = file["metrics"];
        if (!m.is_array() || m.empty())
            throw Error(origin + ": 'metrics' must be a list of metric names");
        spec.metrics.clear();
        for (const auto& name : m) {
            if (!name.is_string())
                throw Error(origin + ": 'metrics' must be a list of metric names");
            spec.metrics.push_back(name.get<std::string>());
        }
    }

    if (file.contains("baseline")) {
        if (!file["baseline"].is_string()) throw Error(origin + ": 'baseline' must name a group");
        spec.baseline = file["baseline"].get<std::string>();
    }

    // The grid: "seed" outermost, so that a study stopped half-way has every variant at some seeds.
    json grid = file.value("grid", json::object());
    if (!grid.is_object()) throw Error(origin + ": 'grid' must map config keys to lists of values");
    if (grid.contains("seed")) spec.gridKeys.push_back("seed");
    for (const auto& [key, values] : grid.items()) {
        if (!values.is_array() || values.empty()) {
            throw Error(origin + ": grid '" + key + "' must be a non-empty list of values");
        }
        if (key != "seed") spec.gridKeys.push_back(key);
    }
    // Counted before they are made: a typo of 6 keys x 50 values must not fill the memory.
    std::size_t count = 1;
    for (const auto& key : spec.gridKeys) {
        count *= grid[key].size();
        if (count > kMaxPoints) {
            throw Error(origin + ": the grid makes more than " + std::to_string(kMaxPoints) +
                        " runs per variant; a study has at most " + std::to_string(kMaxPoints));
        }
        std::set<std::string> seen;
        for (const auto& value : grid[key]) {
            if (!seen.insert(valueText(value)).second) {
                throw Error(origin + ": grid '" + key + "' lists " + valueText(value) +
                            " twice (each value names its runs)");
            }
        }
    }
    std::vector<std::vector<std::pair<std::string, json>>> combinations = {{}};
    for (const auto& key : spec.gridKeys) {
        std::vector<std::vector<std::pair<std::string, json>>> next;
        for (const auto& combination : combinations) {
            for (const auto& value : grid[key]) {
                next.push_back(combination);
                next.back().emplace_back(key, value);
            }
        }
        combinations = std::move(next);
    }

    // Variants: each a full config (its own or the base) with its changes.
    struct Variant {
        std::string name;
        json config;
        json set;
    };
    std::vector<Variant> variants;
    if (!file.contains("variants")) {
        variants.push_back({"base", base, json::object()});
    } else {
        if (!file["variants"].is_array() || file["variants"].empty()) {
            throw Error(origin + ": 'variants' must be a non-empty list");
        }
        std::set<std::string> names;
        for (const auto& v : file["variants"]) {
            if (!v.is_object() || !v.contains("name") || !v["name"].is_string() ||
                v["name"].get<std::string>().empty()) {
                throw Error(origin + ": each variant needs a 'name'");
            }
            const std::string name = v["name"].get<std::string>();
            const std::string what = origin + ": variant '" + name + "'";
            for (const auto& [key, value] : v.items()) {
                if (key != "name" && key != "config" && key != "set") {
                    throw Error(what + ": unknown key '" + key +
                                "' (a variant has name, config, set)");
                }
            }
            if (name == "parent" || !names.insert(name).second) {
                throw Error(what +
                            ": the name is taken (variants need names of their own, not 'parent')");
            }
            const json set = v.value("set", json::object());
            if (!set.is_object()) throw Error(what + ": 'set' must map config keys to values");
            variants.push_back(
                {name,
                 v.contains("config") ? configJson(v["config"], folder, what + " config") : base,
                 set});
        }
    }
    if (variants.size() * combinations.size() > kMaxPoints) {
        throw Error(origin + ": " + std::to_string(variants.size() * combinations.size()) +
                    " runs; a study has at most " + std::to_string(kMaxPoints));
    }

    spec.resolved = {
        {"name", spec.name},         {"base", base},           {"grid", grid}, {"set", common},
        {"parallel", spec.parallel}, {"metrics", spec.metrics}};
    if (!spec.baseline.empty()) spec.resolved["baseline"] = spec.baseline;
    spec.resolved["variants"] = json::array();
    for (const auto& v : variants) {
        spec.resolved["variants"].push_back(
            {{"name", v.name}, {"config", v.config}, {"set", v.set}});
    }

    // Parents: one per seed of the grid (or one), trained before the runs that start from them.
    std::map<std::string, std::string> parentOfSeed;  // seed value text -> parent key
    if (file.contains("parent")) {
        const json parent = configJson(file["parent"], folder, origin + ": parent");
        spec.resolved["parent"] = parent;
        std::vector<json> seeds;
        if (grid.contains("seed")) {
            for (const auto& s : grid["seed"]) seeds.push_back(s);
        } else {
            seeds.push_back(nullptr);
        }
        for (const auto& seed : seeds) {
            StudyPoint point;
            point.variant = "parent";
            point.isParent = true;
            point.key = "parent";
            json config = parent;
            for (const auto& [key, value] : common.items())
                setPath(config, key, value, origin + ": set");
            if (!seed.is_null()) {
                point.settings.emplace_back("seed", seed);
                point.key += ";seed=" + valueText(seed);
                setPath(config, "seed", seed, origin + ": parent");
            }
            config["name"] = "";
            point.config = parseConfig(config, origin + ": parent");
            point.config.name = runName(spec, point);
            parentOfSeed[seed.is_null() ? "" : valueText(seed)] = point.key;
            spec.points.push_back(std::move(point));
        }
    }

    for (const auto& combination : combinations) {
        for (const auto& v : variants) {
            const std::string what = origin + ": variant '" + v.name + "'";
            json config = v.config;
            for (const auto& [key, value] : common.items())
                setPath(config, key, value, origin + ": set");
            for (const auto& [key, value] : v.set.items()) setPath(config, key, value, what);
            StudyPoint point;
            point.variant = v.name;
            point.key = "variant=" + v.name;
            std::string seedText;
            for (const auto& [key, value] : combination) {
                setPath(config, key, value, what + ", grid");
                point.settings.emplace_back(key, value);
                point.key += ";" + key + "=" + valueText(value);
                if (key == "seed") seedText = valueText(value);
            }
            config["name"] = "";
            if (!parentOfSeed.empty()) {
                for (const auto& [key, value] : combination) {
                    if (key.rfind("model", 0) == 0) {
                        throw Error(what + ": grid key '" + key +
                                    "' changes the model, but every "
                                    "run starts from the study's parent run");
                    }
                }
                for (const auto& [key, value] : v.set.items()) {
                    if (key.rfind("model", 0) == 0) {
                        throw Error(what + ": '" + key +
                                    "' changes the model, but every run "
                                    "starts from the study's parent run");
                    }
                }
            }
            point.config = parseConfig(config, what);
            if (!parentOfSeed.empty()) {
                point.parentKey = parentOfSeed.at(seedText);
                point.config.model = train::ModelSpec{};
                point.config.model.kind = "run";  // the run id is the parent's, once it has one
            }
            point.config.name = runName(spec, point);
            spec.points.push_back(std::move(point));
        }
    }
    if (!spec.baseline.empty()) {
        bool found = false;
        for (const auto& p : spec.points) {
            found = found || (p.isParent ? "parent" : pointLabel(p, false)) == spec.baseline;
        }
        if (!found) {
            throw Error(
                origin + ": 'baseline' names '" + spec.baseline +
                "', which is no group of "
                "the study (a variant's name, with its grid values but the seed, or 'parent')");
        }
    }
    return spec;
}

StudySpec loadStudy(const std::filesystem::path& file) {
    return parseStudy(ladder::json::readFile(file), file.parent_path(), file.string());
}

}  // namespace ladder::study

#include "core/train/run_config.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/common/lists.h"
#include "core/common/text.h"
#include "core/format/text_format.h"
#include "core/store/runs.h"
#include "core/train/loss_catalog.h"

namespace ladder::train {
namespace {

using nlohmann::json;

// Reads fields of one JSON object, remembering which keys were used so that the rest can be
// reported as unknown.
class Reader {
public:
    Reader(const json& object, std::string where) : m_object(object), m_where(std::move(where)) {
        if (!m_object.is_object()) throw Error(m_where + " must be a JSON object");
    }
    template <typename T>
    void read(const char* key, T& out) {
        m_used.insert(key);
        if (!m_object.contains(key) || m_object.at(key).is_null()) return;
        if (!ladder::json::fits<T>(m_object.at(key))) {
            throw Error(m_where + ": `" + key + "` is not a whole number in range: " +
                        ladder::json::excerpt(m_object.at(key), 40));
        }
        try {
            out = m_object.at(key).get<T>();
        } catch (const json::exception&) {
            throw Error(m_where + ": `" + key + "` has the wrong type (" +
                        m_object.at(key).type_name() + ")");
        }
    }
    void readJson(const char* key, json& out) {
        m_used.insert(key);
        if (m_object.contains(key)) out = m_object.at(key);
    }
    const json* object(const char* key) {
        m_used.insert(key);
        if (!m_object.contains(key) || m_object.at(key).is_null()) return nullptr;
        return &m_object.at(key);
    }
    void finish() const {
        for (const auto& [key, value] : m_object.items()) {
            if (!m_used.count(key)) {
                std::string known;
                for (const auto& k : m_used) known += (known.empty() ? "" : ", ") + k;
                throw Error(m_where + ": unknown key `" + key + "` (known: " + known + ")");
            }
        }
    }

private:
    const json& m_object;
    std::string m_where;
    std::set<std::string> m_used;
};

}  // namespace

RunConfig parseRunConfig(const json& root, const std::string& origin) {
    RunConfig c;
    Reader r(root, origin);
    r.read("name", c.name);
    r.read("method", c.method);
    r.readJson("loss", c.loss);
    if (c.loss.is_null()) c.loss = json::object();
    if (!c.loss.is_object()) throw Error(origin + ": `loss` must be an object of the loss's knobs");
    if (const json* m = r.object("model")) {
        Reader mr(*m, origin + ": model");
        mr.read("kind", c.model.kind);
        mr.read("path", c.model.path);
        mr.read("run", c.model.runId);
        if (const json* cp = mr.object("checkpoint")) {
            if (cp->is_string() && cp->get<std::string>() == "latest") {
                c.model.checkpointStep = -1;
            } else if (cp->is_number_integer()) {
                c.model.checkpointStep = cp->get<std::int64_t>();
            } else {
                throw Error(origin + ": model.checkpoint must be \"latest\" or a step number");
            }
        }
        mr.readJson("overrides", c.model.overrides);
        mr.finish();
    }
    r.read("tokenizer", c.tokenizer);
    r.read("template", c.templateName);
    if (const json* d = r.object("data")) {
        Reader dr(*d, origin + ": data");
        dr.read("ladder", c.data.ladder);
        dr.read("tiers", c.data.tiers);
        if (const json* cur = dr.object("curriculum")) {
            if (cur->is_string()) {
                c.data.curriculum = cur->get<std::string>();
            } else if (cur->is_object()) {
                c.data.curriculumSpec = *cur;
            } else {
                throw Error(origin + ": data.curriculum must be a name or an inline curriculum");
            }
        }
        dr.read("datasets", c.data.datasets);
        dr.read("max_length", c.data.maxLength);
        dr.read("max_prompt_length", c.data.maxPromptLength);
        dr.read("length_groups", c.data.lengthGroups);
        dr.finish();
    }
    r.read("reference", c.reference);
    if (const json* o = r.object("optimizer")) {
        Reader orr(*o, origin + ": optimizer");
        orr.read("lr", c.optimizer.lr);
        std::vector<double> betas;
        orr.read("betas", betas);
        if (!betas.empty()) {
            if (betas.size() != 2) throw Error(origin + ": optimizer.betas must hold two numbers");
            c.optimizer.beta1 = betas[0];
            c.optimizer.beta2 = betas[1];
        }
        orr.read("eps", c.optimizer.eps);
        orr.read("weight_decay", c.optimizer.weightDecay);
        orr.read("grad_clip", c.optimizer.gradClip);
        orr.finish();
    }
    if (const json* s = r.object("schedule")) {
        Reader sr(*s, origin + ": schedule");
        sr.read("decay", c.schedule.decay);
        sr.read("warmup_steps", c.schedule.warmupSteps);
        sr.read("min_lr_ratio", c.schedule.minLrRatio);
        sr.finish();
    }
    r.read("batch_size", c.batchSize);
    r.read("grad_accum", c.gradAccum);
    r.read("world_size", c.worldSize);
    r.read("max_steps", c.maxSteps);
    if (const json* e = r.object("eval")) {
        Reader er(*e, origin + ": eval");
        er.read("every", c.evalEvery);
        er.read("pairs", c.evalPairs);
        er.finish();
    }
    if (const json* w = r.object("win_rate")) {
        Reader wr(*w, origin + ": win_rate");
        wr.read("every", c.winRate.every);
        wr.read("prompts", c.winRate.prompts);
        wr.read("judge", c.winRate.judge);
        wr.readJson("judge_options", c.winRate.judgeOptions);
        if (c.winRate.judgeOptions.is_null()) c.winRate.judgeOptions = json::object();
        if (!c.winRate.judgeOptions.is_object()) {
            throw Error(origin + ": win_rate.judge_options must be an object of the judge's options");
        }
        wr.read("reference", c.winRate.reference);
        wr.read("max_new_tokens", c.winRate.maxNewTokens);
        wr.finish();
    }
    if (const json* k = r.object("checkpoint")) {
        Reader kr(*k, origin + ": checkpoint");
        kr.read("every", c.checkpointEvery);
        kr.read("keep", c.keepCheckpoints);
        kr.read("max_shard_size", c.checkpointMaxShardSize);
        kr.finish();
    }
    r.read("margin_pairs", c.marginPairs);
    r.read("seed", c.seed);
    r.read("device", c.device);
    r.read("dtype", c.dtype);
    r.read("threads", c.threads);
    r.read("prefix_sharing", c.prefixSharing);
    r.read("packed_pairs", c.packedPairs);
    if (const json* l = r.object("lora")) {
        Reader lr(*l, origin + ": lora");
        lr.read("rank", c.lora.rank);
        lr.read("alpha", c.lora.alpha);
        lr.read("dropout", c.lora.dropout);
        if (const json* t = lr.object("target_modules")) {
            // PEFT takes one name ("all-linear") or a list.
            if (t->is_string()) {
                c.lora.targetModules = {t->get<std::string>()};
            } else {
                lr.read("target_modules", c.lora.targetModules);
            }
        }
        lr.read("save_merged", c.loraSaveMerged);
        lr.finish();
    }
    r.read("gradient_checkpointing", c.gradientCheckpointing);
    r.read("logits_head", c.logitsHead);
    r.finish();
    return c;
}

RunConfig storedRunConfig(const store::RunRecord& run) {
    try {
        return parseRunConfig(ladder::json::parseText(run.configJson, "the stored run config"),
                              "the stored config of run " + std::to_string(run.id));
    } catch (const nlohmann::json::exception& e) {
        throw Error("run " + std::to_string(run.id) + " has a damaged config: " + e.what());
    }
}

RunConfig loadRunConfig(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw Error("cannot read the run config " + path + ": check the path");
    json j;
    try {
        j = ladder::json::readFile(path);
    } catch (const json::parse_error& e) {
        throw Error(path + " is not valid JSON: " + e.what());
    }
    return parseRunConfig(j, path);
}

json toJson(const RunConfig& c) {
    json model = {{"kind", c.model.kind}};
    if (!c.model.path.empty()) model["path"] = c.model.path;
    if (c.model.kind == "run") {
        model["run"] = c.model.runId;
        model["checkpoint"] = c.model.checkpointStep < 0 ? json("latest") : json(c.model.checkpointStep);
    }
    if (!c.model.overrides.empty()) model["overrides"] = c.model.overrides;
    json data = {{"ladder", c.data.ladder},
                 {"tiers", c.data.tiers},
                 {"max_length", c.data.maxLength},
                 {"max_prompt_length", c.data.maxPromptLength},
                 {"length_groups", c.data.lengthGroups}};
    if (!c.data.curriculumSpec.is_null()) {
        data["curriculum"] = c.data.curriculumSpec;
    } else {
        data["curriculum"] = c.data.curriculum;
    }
    if (!c.data.datasets.empty()) data["datasets"] = c.data.datasets;
    json out = {
        {"name", c.name},
        {"method", c.method},
        {"loss", c.loss},
        {"model", model},
        {"tokenizer", c.tokenizer},
        {"template", c.templateName},
        {"data", data},
        {"reference", c.reference},
        {"optimizer",
         {{"lr", c.optimizer.lr},
          {"betas", {c.optimizer.beta1, c.optimizer.beta2}},
          {"eps", c.optimizer.eps},
          {"weight_decay", c.optimizer.weightDecay},
          {"grad_clip", c.optimizer.gradClip}}},
        {"schedule",
         {{"decay", c.schedule.decay},
          {"warmup_steps", c.schedule.warmupSteps},
          {"min_lr_ratio", c.schedule.minLrRatio}}},
        {"batch_size", c.batchSize},
        {"grad_accum", c.gradAccum},
        {"max_steps", c.maxSteps},
        {"eval", {{"every", c.evalEvery}, {"pairs", c.evalPairs}}},
        {"checkpoint", {{"every", c.checkpointEvery},
                        {"keep", c.keepCheckpoints},
                        {"max_shard_size", c.checkpointMaxShardSize}}},
        {"win_rate",
         {{"every", c.winRate.every},
          {"prompts", c.winRate.prompts},
          {"judge", c.winRate.judge},
          {"judge_options", c.winRate.judgeOptions},
          {"reference", c.winRate.reference},
          {"max_new_tokens", c.winRate.maxNewTokens}}},
        {"margin_pairs", c.marginPairs},
        {"seed", c.seed},
        {"device", c.device},
        {"dtype", c.dtype},
        {"threads", c.threads},
        {"prefix_sharing", c.prefixSharing},
        {"packed_pairs", c.packedPairs},
        {"lora",
         {{"rank", c.lora.rank},
          {"alpha", c.lora.alpha},
          {"dropout", c.lora.dropout},
          {"target_modules", c.lora.targetModules},
          {"save_merged", c.loraSaveMerged}}},
        {"gradient_checkpointing", c.gradientCheckpointing},
        {"logits_head", c.logitsHead},
    };
    if (c.worldSize != 1) out["world_size"] = c.worldSize;  // one process: as before
    return out;
}

void saveRunConfig(const RunConfig& config, const std::string& path) {
    std::ofstream out(path);
    out << toJson(config).dump(2) << "\n";
    if (!out) throw Error("cannot write " + path + ": check the folder exists and is writable");
}

std::vector<std::string> validate(const RunConfig& c) {
    std::vector<std::string> problems;
    auto need = [&problems](bool ok, std::string message) {
        if (!ok) problems.push_back(std::move(message));
    };
    need(!c.method.empty(), "choose a method (sft, dpo, slic, ipo, ...)");
    // The loss's knobs, checked as the loss itself checks them when the run starts.
    if (!c.method.empty()) {
        for (auto& p : lossProblems(c.method, c.loss)) problems.push_back(std::move(p));
    }
    need(c.model.kind == "tiny" || c.model.kind == "pretrained" || c.model.kind == "run",
         "model kind must be tiny, pretrained or run, not '" + c.model.kind + "'");
    need(c.model.kind != "pretrained" || !c.model.path.empty(),
         "choose the Hugging Face folder of the pretrained model");
    need(c.model.kind != "run" || c.model.runId >= 0,
         "model.run must be a run id, or 0 for the latest finished SFT run");
    const auto settings = format::templateSettings();
    need(std::find(settings.begin(), settings.end(), c.templateName) != settings.end(),
         "template must be one of " + text::join(settings) + ", not '" + c.templateName + "'");
    need(c.reference == "frozen" || c.reference == "cache" || c.reference == "none",
         "reference must be frozen, cache or none, not '" + c.reference + "'");
    need(!c.data.ladder.empty() || !c.data.datasets.empty(),
         "choose the ladder (or imported pair datasets) to train on");
    need(c.data.maxLength >= 8, "max length must be at least 8 tokens");
    need(c.data.maxPromptLength >= 1 && c.data.maxPromptLength < c.data.maxLength,
         "max prompt length must be between 1 and max length - 1");
    need(c.optimizer.lr > 0 && c.optimizer.lr < 1, "learning rate must be in (0, 1)");
    need(c.optimizer.beta1 >= 0 && c.optimizer.beta1 < 1 && c.optimizer.beta2 >= 0 &&
             c.optimizer.beta2 < 1,
         "optimizer betas must be in [0, 1)");
    need(c.optimizer.eps > 0, "optimizer eps must be > 0");
    need(c.optimizer.weightDecay >= 0, "weight decay must be >= 0");
    need(c.optimizer.gradClip >= 0, "gradient clip must be >= 0 (0 turns it off)");
    need(c.schedule.decay == "cosine" || c.schedule.decay == "linear" || c.schedule.decay == "constant",
         "schedule decay must be cosine, linear or constant");
    // A warmup longer than the run is capped to it (runNotes says so), not refused: a short
    // smoke run of a preset (`ladder-cli train --steps 5`) keeps the preset's warmup.
    need(c.schedule.warmupSteps >= 0, "warmup steps must be 0 or more");
    need(c.schedule.minLrRatio >= 0 && c.schedule.minLrRatio <= 1, "min lr ratio must be in [0, 1]");
    need(c.batchSize >= 1, "batch size must be at least 1");
    need(c.data.lengthGroups >= 1 && c.data.lengthGroups <= 4096,
         "data.length_groups must be 1 (off) to 4096 batches");
    need(c.gradAccum >= 1, "gradient accumulation must be at least 1");
    need(c.worldSize >= 1, "world_size (the processes of a data-parallel run) must be at least 1");
    need(c.maxSteps >= 1, "max steps must be at least 1");
    need(c.evalEvery >= 0 && c.evalPairs >= 0, "eval interval and pairs must be >= 0");
    need(c.checkpointEvery >= 0 && c.keepCheckpoints >= 1,
         "checkpoint interval must be >= 0 and keep at least 1 checkpoint");
    try {
        (void)text::parseByteSize(c.checkpointMaxShardSize, "checkpoint.max_shard_size");
    } catch (const Error& e) {
        need(false, e.what());
    }
    need(c.device == "cpu" || c.device == "cuda" || c.device.rfind("cuda:", 0) == 0,
         "device must be cpu, cuda or cuda:N");
    need(c.dtype == "float32" || c.dtype == "bfloat16", "dtype must be float32 or bfloat16");
    need(c.threads >= 0, "threads must be >= 0");
    for (auto& p : model::loraProblems(c.lora)) problems.push_back(std::move(p));
    need(!c.loraSaveMerged || c.lora.enabled(), "lora.save_merged needs a LoRA run (lora.rank > 0)");
    need(c.logitsHead == "auto" || c.logitsHead == "full" || c.logitsHead == "chunked",
         "logits_head must be auto, full or chunked, not '" + c.logitsHead + "'");
    need(c.marginPairs >= 0, "margin pairs must be >= 0");
    need(c.winRate.every >= 0, "the win-rate interval must be >= 0 (0: only at the end)");
    need(c.winRate.prompts >= 1, "the win rate needs at least 1 prompt");
    need(c.winRate.maxNewTokens >= 1, "the win rate's max new tokens must be at least 1");
    need(c.winRate.reference.empty() || !c.winRate.judge.empty(),
         "choose the judge of the win rate (demo, command, imported, ...)");
    need(c.winRate.reference.empty() || c.winRate.judge != "local" ||
             c.winRate.judgeOptions.value("model", json()).is_string(),
         "the local judge needs its chat model: win_rate.judge_options.model (a model folder)");
    return problems;
}

std::string cliCommand(const std::string& workspacePath, const std::string& configPath,
                       const RunConfig& config) {
    auto quote = [](const std::string& s) {
        if (s.find_first_of(" \t'\"$\\`") == std::string::npos && !s.empty()) return s;
        std::string q = "'";
        for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        return q + "'";
    };
    std::string line = "ladder-cli train --workspace " + quote(workspacePath) + " --config " +
                       quote(configPath);
    if (config.device != "cpu") line += " --device " + quote(config.device);
    return line;
}

std::vector<std::string> judgeProgram(const RunConfig& config) {
    std::vector<std::string> argv;
    if (config.winRate.reference.empty()) return argv;
    const auto it = config.winRate.judgeOptions.find("argv");
    // Any judge given an argv (the command judge, or a plugin's that takes one) runs a program.
    if (it == config.winRate.judgeOptions.end() || !it->is_array()) return argv;
    for (const auto& a : *it) argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    return argv;
}

std::string describeProgram(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>()*?") == std::string::npos;
        out += (out.empty() ? "" : " ") + (plain ? a : "'" + a + "'");
    }
    return out;
}

}  // namespace ladder::train

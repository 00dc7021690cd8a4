#include "core/train/training_checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <streambuf>

#include <ATen/CPUGeneratorImpl.h>

#include "core/common/paths.h"
#include "core/common/error.h"
#include "core/common/json_read.h"
#include "core/model/checkpoint.h"
#include "core/model/lora.h"
#include "core/model/safetensors.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/vocab_files.h"

namespace ladder::train {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.pt";

void writeText(const fs::path& path, const std::string& text) {
    errno = 0;
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
        const int error = errno;  // of the write or close that failed: the stream keeps none
        throw Error("cannot write " + path.string() + " (" +
                    (error != 0 ? std::string(std::strerror(error)) : "is the disk full?") + ")");
    }
}

// A file written for LibTorch's zip writer, which must never see a write fail: it checks its
// position after each write, throws, and throws again from its destructor, which ends the process
// (a full disk killed a run that way). The first error is kept and reported after the writer ends.
class QuietFileBuffer final : public std::streambuf {
public:
    explicit QuietFileBuffer(const fs::path& path)
        : m_fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
        if (m_fd < 0) m_error = errno;
    }
    ~QuietFileBuffer() override { finish(); }
    QuietFileBuffer(const QuietFileBuffer&) = delete;
    QuietFileBuffer& operator=(const QuietFileBuffer&) = delete;

    // Closes the file; the errno of the first write or close that failed, 0 when none did.
    int finish() {
        if (m_fd >= 0 && ::close(m_fd) != 0 && m_error == 0) m_error = errno;
        m_fd = -1;
        return m_error;
    }

protected:
    std::streamsize xsputn(const char* data, std::streamsize n) override {
        for (std::streamsize done = 0; done < n && m_error == 0;) {
            const ssize_t written = ::write(m_fd, data + done, static_cast<std::size_t>(n - done));
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) {
                m_error = written < 0 ? errno : ENOSPC;
                break;
            }
            done += written;
        }
        return n;
    }
    int_type overflow(int_type c) override {
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            const char byte = traits_type::to_char_type(c);
            xsputn(&byte, 1);
        }
        return traits_type::not_eof(c);
    }

private:
    int m_fd = -1;
    int m_error = 0;
};

void writeOptimizer(torch::optim::Optimizer& optimizer, const fs::path& path) {
    QuietFileBuffer buffer(path);
    std::ostream out(&buffer);
    torch::save(optimizer, out);
    if (const int error = buffer.finish()) {
        throw Error("cannot write " + path.string() + " (" + std::strerror(error) + ")");
    }
}

// The tokenizer files to copy with a checkpoint: tokenizer.json and its companions, or the
// vocab.json + merges.txt folder it was read from.
// The chat template beside the tokenizer files (transformers 5 saves it as its own file; older
// saves keep it in tokenizer_config.json, copied with the tokenizer): a checkpoint formats
// prompts as the model it came from did.
void copyChatTemplate(const fs::path& from, const fs::path& folder) {
    if (fs::is_regular_file(from / "chat_template.jinja")) {
        fs::copy_file(from / "chat_template.jinja", folder / "chat_template.jinja",
                      fs::copy_options::overwrite_existing);
    }
    if (fs::is_directory(from / "additional_chat_templates")) {
        fs::copy(from / "additional_chat_templates", folder / "additional_chat_templates",
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
}

void copyTokenizer(const tokenizer::Tokenizer& tokenizer, const fs::path& folder) {
    if (tokenizer.kind() == "byte") {
        writeText(folder / tokenizer::kByteTokenizerMarker, "byte\n");
        return;
    }
    const fs::path source = tokenizer.source();
    // A folder read as transformers reads vocab.json + merges.txt (Qwen2.5): the same files.
    if (fs::is_directory(source) && tokenizer::hasVocabFiles(source)) {
        for (const char* name : {"vocab.json", "merges.txt", "tokenizer_config.json",
                                 "special_tokens_map.json"}) {
            if (fs::is_regular_file(source / name)) {
                fs::copy_file(source / name, folder / name, fs::copy_options::overwrite_existing);
            }
        }
        copyChatTemplate(source, folder);
        return;
    }
    if (!fs::is_regular_file(source)) {
        throw Error("cannot copy the tokenizer into the checkpoint: " + source.string() +
                    " is not a file");
    }
    fs::copy_file(source, folder / "tokenizer.json", fs::copy_options::overwrite_existing);
    for (const char* companion : {"tokenizer_config.json", "special_tokens_map.json"}) {
        const fs::path p = source.parent_path() / companion;
        if (fs::is_regular_file(p)) {
            fs::copy_file(p, folder / companion, fs::copy_options::overwrite_existing);
        }
    }
    copyChatTemplate(source.parent_path(), folder);
}

std::string toHex(const torch::Tensor& bytes) {
    static const char* digits = "0123456789abcdef";
    auto b = bytes.contiguous();
    const auto* p = b.data_ptr<std::uint8_t>();
    std::string out;
    out.reserve(static_cast<std::size_t>(b.numel()) * 2);
    for (std::int64_t i = 0; i < b.numel(); ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 15]);
    }
    return out;
}

torch::Tensor fromHex(const std::string& hex) {
    auto t = torch::empty({static_cast<std::int64_t>(hex.size() / 2)}, torch::kUInt8);
    auto* p = t.data_ptr<std::uint8_t>();
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw Error("corrupt generator state in a checkpoint");
    };
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        p[i / 2] = static_cast<std::uint8_t>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    }
    return t;
}

// The default generator of the run's CUDA device ("cuda" alone means device 0).
at::Generator cudaGenerator(const torch::Device& device) {
    return at::globalContext().defaultGenerator(
        torch::Device(torch::kCUDA, device.has_index() ? device.index() : 0));
}

std::string stateOf(at::Generator generator) {
    std::lock_guard lock(generator.mutex());
    return toHex(generator.get_state());
}

void setState(at::Generator generator, const nlohmann::json& hex, const char* which) {
    if (!hex.is_string()) throw Error("corrupt generator state in a checkpoint");
    std::lock_guard lock(generator.mutex());
    try {
        generator.set_state(fromHex(hex.get<std::string>()));
    } catch (const c10::Error& e) {
        throw Error(std::string("the checkpoint's ") + which + " generator state does not fit this "
                    "LibTorch (was it written by another LibTorch version?): " +
                    e.what_without_backtrace());
    }
}

}  // namespace

nlohmann::json saveGeneratorState(const torch::Device& device) {
    const std::string cpu = stateOf(at::detail::getDefaultCPUGenerator());
    if (!device.is_cuda()) return cpu;  // the format of CPU runs since the first checkpoints
    return {{"cpu", cpu}, {"cuda", stateOf(cudaGenerator(device))}};
}

void restoreGeneratorState(const nlohmann::json& state, const torch::Device& device) {
    if (state.is_string()) {
        setState(at::detail::getDefaultCPUGenerator(), state, "CPU");
        return;
    }
    if (!state.is_object()) return;  // a checkpoint from before generator states were saved
    if (state.contains("cpu")) setState(at::detail::getDefaultCPUGenerator(), state["cpu"], "CPU");
    // A run that moves from CUDA to the CPU leaves the CUDA state; one that moves from the CPU to
    // CUDA keeps the state its start gave the CUDA generator.
    if (device.is_cuda() && state.contains("cuda")) {
        setState(cudaGenerator(device), state["cuda"], "CUDA");
    }
}

namespace {

// The dtype a checkpoint's model weights are written in: the one its model folder declared
// (bfloat16 stays bfloat16) when the run trains in float32, else the run's own.
torch::Dtype savedDtype(const model::CausalLMImpl& policy) {
    const std::string& declared = policy.config().torchDtype;
    if (policy.dtype() != torch::kFloat) return policy.dtype();
    if (declared == "bfloat16") return torch::kBFloat16;
    if (declared == "float16") return torch::kHalf;
    return torch::kFloat;
}

}  // namespace

std::vector<fs::path> resumeWeightFiles(const fs::path& folder) {
    if (fs::is_regular_file(folder / kTrainingWeightsFile)) return {folder / kTrainingWeightsFile};
    return model::weightFiles(folder);
}

void saveTrainingCheckpoint(const fs::path& folder, const model::CausalLMImpl& policy,
                            torch::optim::Optimizer& optimizer,
                            const tokenizer::Tokenizer& tokenizer, const TrainerState& state,
                            const fs::path& modelSource, bool withMerged,
                            std::int64_t maxShardBytes, const model::CausalLMImpl* master) {
    const fs::path temporary = folder.parent_path() / (folder.filename().string() + ".partial");
    try {
        paths::removeTree(temporary);
        fs::create_directories(temporary);
        const torch::Dtype saveAs = savedDtype(policy);
        // A LoRA policy's base weights; a fully trained one in float32 beside them when saved
        // in a narrower dtype.
        model::savePretrained(policy, temporary, saveAs, maxShardBytes);
        if (master != nullptr) {
            model::writeSafetensors(temporary / kTrainingWeightsFile, master->hfWeights());
        } else if (saveAs != policy.dtype() && !policy.lora()) {
            model::writeSafetensors(temporary / kTrainingWeightsFile, policy.hfWeights());
        }
        copyTokenizer(tokenizer, temporary);
        // How the model generates (its end-of-turn ids above all), as transformers reads it back.
        if (!modelSource.empty() && fs::is_regular_file(modelSource / "generation_config.json")) {
            fs::copy_file(modelSource / "generation_config.json", temporary / "generation_config.json",
                          fs::copy_options::overwrite_existing);
        }
        if (const auto& adapter = policy.lora()) {
            model::saveLora(*adapter, temporary / kAdapterFolder, fs::absolute(folder).string());
            if (withMerged) {
                const fs::path merged = temporary / kMergedFolder;
                model::saveMergedPretrained(policy, merged, saveAs, maxShardBytes);
                copyTokenizer(tokenizer, merged);
                if (fs::is_regular_file(temporary / "generation_config.json")) {
                    fs::copy_file(temporary / "generation_config.json", merged / "generation_config.json");
                }
            }
        }
        writeOptimizer(optimizer, temporary / kOptimizerFile);
        const nlohmann::json j = {{"step", state.step},
                                  {"sampler", state.sampler},
                                  {"elapsed_seconds", state.elapsedSeconds},
                                  {"tokens_seen", state.tokensSeen},
                                  {"reference_key", state.referenceKey},
                                  {"generator", state.generatorState},
                                  {"format", 1}};
        writeText(temporary / kStateFile, j.dump(2) + "\n");
        paths::removeTree(folder);
        fs::rename(temporary, folder);
    } catch (const fs::filesystem_error& e) {
        std::error_code ignored;
        paths::removeTree(temporary, ignored);
        throw Error("cannot write the checkpoint " + folder.string() + ": " + e.what() +
                    " (is the disk full?); nothing of it was kept, the earlier checkpoints are "
                    "intact");
    } catch (const c10::Error& e) {
        std::error_code ignored;
        paths::removeTree(temporary, ignored);
        throw Error("cannot write the checkpoint " + folder.string() + ": " +
                    e.what_without_backtrace() +
                    " (is the disk full?); nothing of it was kept, the earlier checkpoints are "
                    "intact");
    } catch (const Error& e) {
        std::error_code ignored;
        paths::removeTree(temporary, ignored);
        throw Error("cannot write the checkpoint " + folder.string() + ": " + e.what() +
                    "; nothing of it was kept, the earlier checkpoints are intact");
    } catch (...) {
        std::error_code ignored;
        paths::removeTree(temporary, ignored);
        throw;
    }
}

TrainerState loadTrainerState(const fs::path& folder, torch::optim::Optimizer& optimizer) {
    const fs::path stateFile = folder / kStateFile;
    std::ifstream in(stateFile);
    if (!in) {
        throw Error(folder.string() + " has no " + kStateFile +
                    ": it is a model folder, not a resumable training checkpoint");
    }
    nlohmann::json j;
    try {
        j = json::readFile(stateFile);
    } catch (const nlohmann::json::exception& e) {
        throw Error(stateFile.string() + " is damaged: " + e.what());
    }
    try {
        torch::load(optimizer, (folder / kOptimizerFile).string());
    } catch (const c10::Error& e) {
        throw Error("cannot restore the optimizer from " + (folder / kOptimizerFile).string() +
                    ": " + e.what_without_backtrace());
    }
    TrainerState s;
    s.step = j.value("step", std::int64_t{0});
    s.sampler = j.value("sampler", nlohmann::json());
    s.elapsedSeconds = j.value("elapsed_seconds", 0.0);
    s.tokensSeen = j.value("tokens_seen", std::int64_t{0});
    s.referenceKey = j.value("reference_key", std::string());
    s.generatorState = j.value("generator", nlohmann::json());
    return s;
}

}  // namespace ladder::train

// The translation unit of the targets that hold the shared precompiled LibTorch header
// (ladder_torch_pch in LadderCompilerOptions.cmake); it has nothing of its own.
namespace ladder::detail {
int torchPchHost() { return 0; }
}  // namespace ladder::detail

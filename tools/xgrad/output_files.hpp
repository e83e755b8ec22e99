#pragma once
// The files a command writes: each must be writable before any work starts,
// and none may be a file the command reads or another output's file, so that
// a slip such as `export --model-file m.safetensors --onnx m.safetensors`
// cannot replace a trained model.
#include <filesystem>
#include <string>
#include <vector>

#include "arguments.hpp"

namespace xgrad::cli {

/// A file a command reads, and how a message names where it came from
/// ("--model-file", "--data's file").
struct InputFile {
    std::string source;
    std::filesystem::path path;
};

/// The files in folder `dir` (none when it cannot be listed: reading it fails later, with its own message).
std::vector<InputFile> folder_files(const std::string& source, const std::filesystem::path& dir);

/// UsageError unless each output flag of the command that `a` sets (kinds
/// output_file and optional_output, the latter when given a name) names a file that
/// can be written — not a folder, not an existing file without write
/// permission, in a folder where a file can be created (tried, as the atomic
/// write does) — and that is none of `inputs` and no other output's file.
/// Two names are the same file when both exist and are one file (device and
/// inode: `./m`, hard and symbolic links), or when neither exists and their
/// normalized paths, through symbolic links, are equal.
void check_outputs(const Arguments& a, const std::vector<InputFile>& inputs);

}  // namespace xgrad::cli

// Replays a fuzz corpus through LLVMFuzzerTestOneInput without libFuzzer:
//   load_corpus_replay DIR…
// One TAP line per file. A crash or sanitizer report fails the test; so does
// an input that raises the process's peak RSS by more than 256 MiB (the
// bound libFuzzer's -rss_limit_mb enforces in a fuzzing session).
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
long peak_rss_kib() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i)
        for (const auto& entry : std::filesystem::directory_iterator(argv[i]))
            if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::cout << "1.." << files.size() << std::endl;
    constexpr long rss_limit_kib = 256 * 1024;
    int failed = 0, n = 0;
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        const long before = peak_rss_kib();
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        const long grew = peak_rss_kib() - before;
        const bool ok = grew <= rss_limit_kib;
        failed += !ok;
        std::cout << (ok ? "ok " : "not ok ") << ++n << " - " << path.filename().string();
        if (!ok) std::cout << " (peak RSS grew by " << grew / 1024 << " MiB)";
        std::cout << std::endl;
    }
    return files.empty() || failed ? 1 : 0;
}

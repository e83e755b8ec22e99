#pragma once
// What xgrad_workloads and libtorch_workloads share: their command line and
// their one-line result, which tools/bench/against_libtorch parses:
//
//     workload=bn_mlp engine=xgrad seconds=9.81 peak_rss_mib=421 loss=0.5432 threads=1
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace bench {

/// The workloads both programs run.
inline constexpr const char* kWorkloads[] = {"bn_mlp", "mlp_b256", "selu100", "cnn", "book_cnn"};

struct WorkloadArgs {
    std::string workload;
    std::int64_t limit = 55000;  // training images used
    int epochs = 1;              // xgrad_workloads only: > 1 also prints the RSS after each epoch
    std::int64_t monitor = 0;    // xgrad_workloads only: > 0 runs a GradientMonitor recording every N steps
};

/// `program WORKLOAD [--limit N] [--epochs N] [--monitor N]`; nullopt after printing the usage otherwise.
inline std::optional<WorkloadArgs> parse_args(int argc, char** argv) {
    WorkloadArgs args;
    bool known = false;
    if (argc >= 2) {
        args.workload = argv[1];
        for (const char* w : kWorkloads) known = known || args.workload == w;
    }
    for (int i = 2; known && i < argc; i += 2) {
        if (i + 1 == argc) known = false;
        else if (std::strcmp(argv[i], "--limit") == 0) args.limit = std::atoll(argv[i + 1]);
        else if (std::strcmp(argv[i], "--epochs") == 0) args.epochs = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--monitor") == 0) args.monitor = std::atoll(argv[i + 1]);
        else known = false;
    }
    if (known && args.limit > 0 && args.epochs > 0 && args.monitor >= 0) return args;
    std::fprintf(stderr, "usage: %s bn_mlp|mlp_b256|selu100|cnn|book_cnn [--limit N] [--epochs N] [--monitor N]\n", argv[0]);
    return std::nullopt;
}

/// The resident set size now, from /proc/self/status (0 if unreadable).
inline double current_rss_mib() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    long kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    std::fclose(f);
    return static_cast<double>(kib) / 1024.0;
}

/// Prints the result line; peak RSS is read here, at the end of the run.
/// `extra` (e.g. " ranks=2") is appended to the line.
inline void report(const WorkloadArgs& args, const char* engine, double seconds, double loss, const std::string& threads,
                   const std::string& extra = "") {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    std::printf("workload=%s engine=%s seconds=%.3f peak_rss_mib=%.0f loss=%.4f threads=%s%s\n", args.workload.c_str(),
                engine, seconds, peak_rss_mib, loss, threads.c_str(), extra.c_str());
}

}  // namespace bench

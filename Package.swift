// swift-tools-version:6.0
import PackageDescription

/// Seismo: anomaly detection for multivariate time series.
///
/// Layout: `Sources/` holds the support types, the core, the neural-network engine and its C
/// kernels, the glue that makes networks detectors, the C library wrappers and the CLI; `Plugins/`
/// holds one library target per plugin. The engine (`SeismoNN`) knows nothing of the domain: it
/// depends on `SeismoSupport` and its kernels only, as the core depends on `SeismoSupport`. A plugin depends on `SeismoCore` (and `SeismoNeural`
/// if it trains a network), never on another plugin; only `SeismoCLI` knows every plugin.
let package = Package(
  name: "Seismo",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "seismo", targets: ["seismo"]),
    .library(name: "SeismoCore", targets: ["SeismoCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
  ],
  targets: [
    // C libraries from Debian (`libcsv-dev`, `libopenblas-dev`).
    .systemLibrary(name: "CLibCSV", path: "Sources/CLibCSV"),
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
    .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

    // Support: errors, seeded randomness, tensor files, training progress. Foundation only.
    .target(name: "SeismoSupport"),

    // Core: protocols, Frame, windows, scalers, registry, pipeline (re-exports SeismoSupport).
    .target(name: "SeismoCore", dependencies: ["SeismoSupport", "CLibCSV", .product(name: "Yams", package: "Yams")]),

    // Kernels in C, each built for AVX-512, AVX2 and the baseline and picked at load time (Swift
    // builds a function for one instruction set only): the engine's, and discord's diagonals.
    .target(name: "CSeismoKernels", cSettings: widestVectors),

    // Neural-network engine: LSTM, Dense, Dropout, RepeatVector, BPTT, Adam, RMSprop, losses.
    // Checked (-O): scripts/bench-unchecked.sh measured -Ounchecked no faster (at most 1.04×).
    .target(name: "SeismoNN", dependencies: ["SeismoSupport", "COpenBLAS", "CSeismoKernels"]),

    // Glue: a trained network as a detector (state, preprocessing, the shared training parameters).
    .target(name: "SeismoNeural", dependencies: ["SeismoCore", "SeismoNN"]),

    // PostgreSQL: the libpq wrapper and the results schema's migrations (SQL files in sql/).
    .target(name: "SeismoPostgres", dependencies: ["SeismoCore", "CLibPQ", "SeismoSQL"]),
    .target(
      name: "SeismoSQL", path: "sql", exclude: ["README.md", "examples.sql", "market_example.sql"],
      resources: [
        .embedInCode("migrations/001_results.sql"), .embedInCode("migrations/002_thresholds_events.sql"),
        .embedInCode("migrations/003_calendar_days.sql"), .embedInCode("migrations/004_run_groups.sql"),
        .embedInCode("migrations/005_threshold_versions.sql"), .embedInCode("migrations/006_watch.sql"),
        .embedInCode("migrations/007_jobs.sql"), .embedInCode("migrations/008_score_partitions.sql"),
        .embedInCode("migrations/009_fold_scores.sql"), .embedInCode("migrations/010_version_events.sql"),
        .embedInCode("migrations/011_input_digests.sql"), .embedInCode("migrations/012_warmup_digests.sql"),
        .embedInCode("migrations/013_changed_rows.sql"),
        .embedInCode("migrations/014_later_warnings.sql"), .embedInCode("migrations/015_per_run_reads.sql"),
        .embedInCode("migrations/016_version_cutoffs.sql"), .embedInCode("migrations/017_member_scores.sql"),
        .embedInCode("migrations/018_member_recuts.sql"), .embedInCode("migrations/019_cutoff_key_once.sql"),
        .embedInCode("migrations/020_stored_flags.sql"), .embedInCode("migrations/021_event_key_once.sql"),
      ]),

    // The HTML report with inline SVG charts.
    .target(name: "SeismoReport", dependencies: ["SeismoCore"]),

    // Plugins.
    .target(name: "CSVSource", dependencies: ["SeismoCore"], path: "Plugins/CSVSource"),
    .target(name: "Thresholds", dependencies: ["SeismoCore", "CSeismoKernels"], path: "Plugins/Thresholds"),
    .target(name: "RollingZScore", dependencies: ["SeismoCore"], path: "Plugins/RollingZScore"),
    .target(name: "Discord", dependencies: ["SeismoCore", "CSeismoKernels"], path: "Plugins/Discord"),
    .target(name: "PermutationImportance", dependencies: ["SeismoCore"], path: "Plugins/PermutationImportance"),
    .target(
      name: "LSTMAutoencoder", dependencies: ["SeismoCore", "SeismoNN", "SeismoNeural"], path: "Plugins/LSTMAutoencoder"),
    .target(
      name: "LSTMForecaster", dependencies: ["SeismoCore", "SeismoNN", "SeismoNeural"], path: "Plugins/LSTMForecaster"),
    .target(name: "PostgresSource", dependencies: ["SeismoCore", "SeismoPostgres"], path: "Plugins/PostgresSource"),
    .target(name: "PostgresSink", dependencies: ["SeismoCore", "SeismoPostgres"], path: "Plugins/PostgresSink"),
    .target(name: "HTMLReportSink", dependencies: ["SeismoCore", "SeismoReport"], path: "Plugins/HTMLReportSink"),

    // Command-line tool: the library holds the commands (testable), the executable calls it.
    .target(
      name: "SeismoCLI",
      dependencies: [
        "SeismoCore", "SeismoNN", "SeismoReport", "SeismoPostgres", "CSVSource", "Thresholds", "RollingZScore", "Discord",
        "PermutationImportance",
        "LSTMAutoencoder", "LSTMForecaster", "PostgresSource", "PostgresSink", "HTMLReportSink",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(name: "seismo", dependencies: ["SeismoCLI"]),

    // Tests.
    .testTarget(name: "SeismoCoreTests", dependencies: ["SeismoCore"]),
    .testTarget(
      name: "SeismoNNTests", dependencies: ["SeismoNN", "SeismoSupport", "CSeismoKernels"], resources: [.copy("Fixtures")]),
    .target(name: "RandomSeries", dependencies: ["SeismoCore", "SeismoSupport"], path: "Tests/RandomSeries"),
    .testTarget(name: "CSVSourceTests", dependencies: ["CSVSource", "SeismoCore", "SeismoSupport", "RandomSeries"]),
    .testTarget(name: "ThresholdsTests", dependencies: ["Thresholds", "SeismoCore", "CSeismoKernels"]),
    .testTarget(name: "RollingZScoreTests", dependencies: ["RollingZScore", "SeismoCore"]),
    .testTarget(name: "DiscordTests", dependencies: ["Discord", "SeismoCore", "SeismoSupport"]),
    .testTarget(name: "PermutationImportanceTests", dependencies: ["PermutationImportance", "SeismoCore"]),
    .testTarget(name: "SeismoReportTests", dependencies: ["SeismoReport", "SeismoCore"]),
    .testTarget(
      name: "LSTMDetectorsTests",
      dependencies: [
        "LSTMAutoencoder", "LSTMForecaster", "RollingZScore", "Thresholds", "SeismoCore", "SeismoNeural", "SeismoNN",
      ]),
    .testTarget(
      name: "SeismoCLITests",
      dependencies: [
        "SeismoCLI", "seismo", "SeismoPostgres", "SeismoSQL", "PostgresSource", "PostgresSink", "CSVSource", "SeismoCore",
        "RandomSeries",
      ]),
  ]
)

/// Let the AVX-512 builds of the kernels vectorise with 512-bit registers: for x86-64-v4 clang
/// prefers 256-bit ones unless told, which left the cell loops at half width.
var widestVectors: [CSetting] {
  #if arch(x86_64)
    [.unsafeFlags(["-mprefer-vector-width=512"])]
  #else
    []
  #endif
}

import ArgumentParser
import CSVSource
import Foundation
import SeismoCore

/// `seismo detect CONFIG.yaml`: one configured detection run.
struct DetectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "detect",
    abstract: "Run a detection described by a YAML config and write its results.",
    discussion: """
      The config has one section per stage, each naming its plugin and that plugin's parameters:

        source:    { plugin: csv, path: market.csv, columns: [vix, gold_futures] }
        split:     { train_fraction: 0.8 }
        detector:  { plugin: rolling-zscore, window: 20 }
        threshold: { plugin: percentile, percentile: 99 }
        events:    { merge_gap: 5 }
        importance: { plugin: permutation, repeats: 5 }

      Several files, one indicator each, are joined on time: path: [vix.csv, spx.csv], as: [vix, spx] (names for \
      columns both files call close). Relative paths in the file are taken from the file's folder (~/ is the home \
      folder). Every key is checked before any \
      work starts. `seismo plugins` lists plugins and parameters. Scores and flags are point in \
      time: row t's use rows up to t only (the autoencoder's mean_over_windows is the one \
      non-causal option, and says so). split.refit_every makes the run walk forward: the \
      detector and threshold are refitted every N rows on the rows before them. An ensemble: \
      list adds detectors, each with its own threshold; a row is flagged when any flags it, \
      and its score is the largest margin over a member's cut-off (examples/weekly4-ensemble.yaml). \
      sink: (one) or sinks: (a list) also writes the run to PostgreSQL or a report file.

      Writes summary.json (run, features, threshold, folds, the counts of anomalies and events \
      and the 1,000 highest of each with their top feature, timings), scores.csv (every row: \
      timestamp, part, score, the row's own threshold, is_anomaly, alert, then value_ and error_ \
      columns per feature) and report.html (charts of the features, \
      scores, loss, importance; open it in a browser).

      Example, after `seismo demo` (which writes seismo-demo/demo.yaml): \
      seismo detect seismo-demo/demo.yaml --set detector.window=30 --out runs/w30
      """)

  @OptionGroup var configFile: ConfigFileOptions

  @Option(help: "Output folder (default: seismo-out/RUN_ID).")
  var out: String?

  @Option(
    help: ArgumentHelp(
      "Also save the trained model here, for `seismo score --model`; with --each, a folder that gets one model per indicator (FOLDER/INDICATOR.seismo).",
      valueName: "file"))
  var saveModel: String?

  @Flag(help: "Let --save-model replace an existing file that is not a Seismo model.")
  var force = false

  @Flag(help: "Run the detector once per indicator (each loaded column or symbol), in parallel.")
  var each = false

  @Option(help: "Indicators run at once with --each (default: the number of cores).")
  var jobs: Int?

  @Flag(help: "Write the run folder only, not the config's sink: or sinks: (to try a variant without storing it).")
  var noSinks = false

  @Flag(help: "Print nothing but warnings and errors.")
  var quiet = false

  @OptionGroup var scripting: ScriptingOptions

  func validate() throws {
    if let jobs {
      guard each else {
        throw ValidationError(
          "--jobs sets how many indicators --each runs at once; one detector's threads are its detector.threads")
      }
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }
    if force, saveModel == nil { throw ValidationError("--force lets --save-model replace a file; give --save-model") }
  }

  func run() throws {
    var anomalies = 0
    try reportingErrors {
      var runConfig = try configFile.load()
      if noSinks { runConfig.sinks = [] }
      if each {
        let folder = out ?? "seismo-out/each-\(RunResult.makeID())"
        if let saveModel {
          if isPath(saveModel, inside: folder) {
            throw SeismoError.file(
              path: saveModel, message: "is inside the runs' output folder \(folder); save the models elsewhere")
          }
          try checkOutputFolder(saveModel, for: FanOut.Models.option)
        }
        let combined = try FanOut.run(
          runConfig, registry: StandardPlugins.registry, out: folder, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
          quiet: quiet, counting: scripting, models: saveModel.map { FanOut.Models(folder: $0, force: force) })
        anomalies = combined.runs.map(\.countedAnomalies).reduce(0, +)
        if scripting.json {
          scripting.printJSON(try FanOut.encoder.encode(combined))
        } else if !quiet {
          Console.out(
            "\(combined.indicators) indicators in \(String(format: "%.2f", combined.wallSeconds)) s, \(combined.failed) failed")
          for r in combined.runs {
            Console.out(
              "  \(r.indicator): "
                + (r.anomalyCount.map { "\($0) anomal\($0 == 1 ? "y" : "ies"), \(r.testAnomalyCount ?? 0) in the test part" }
                  ?? "failed: \(r.error ?? "")"))
          }
          Console.out("wrote \(folder)/summary.json")
          let models = combined.runs.compactMap(\.model)
          if let saveModel, !models.isEmpty {
            Console.out("saved \(models.count) model\(models.count == 1 ? "" : "s") to \(saveModel)")
          }
        }
        if combined.failed > 0 {
          throw SeismoError.invalidInput("\(combined.failed) of \(combined.indicators) indicators failed (see above)")
        }
        return
      }
      if let saveModel { try checkModelPath(saveModel, config: runConfig, out: out, force: force) }
      let (run, _) = try Self.execute(
        runConfig, registry: StandardPlugins.registry, out: out, quiet: quiet, textSummary: !scripting.json)
      if let saveModel {
        try write(SavedModel(run: run).encode(), to: saveModel)
        if !quiet && !scripting.json { Console.out("saved the model to \(saveModel)") }
      }
      if scripting.json { scripting.printJSON(try RunSummary(run).jsonData()) }
      anomalies = scripting.counted(run)
    }
    try scripting.finish(anomalies: anomalies)
  }

  /// Runs `config`, writes the run folder and prints the summary (unless `textSummary` is
  /// false); returns the run and its folder. A given `out` is locked before the work starts, so a
  /// second run into it fails at once.
  static func execute(
    _ config: RunConfig, registry: PluginRegistry, out: String?, quiet: Bool, textSummary: Bool = true
  ) throws -> (RunResult, String) {
    let staged = try out.map(StagedFolder.init)
    let pipeline = DetectionPipeline(registry: registry, config: config)
    let progress = ProgressLine(quiet: quiet)
    let shared = CountProgress.Line()
    let reading = CountProgress("reading", sharing: shared)
    let scoring = CountProgress("scoring", sharing: shared)
    let cutting = CountProgress("cutting", sharing: shared)
    let explaining = CountProgress("explaining", sharing: shared)
    let lines = [reading, scoring, cutting, explaining]
    defer { for line in lines { line.finish() } }  // an error's line too starts on a clean line
    let run = try pipeline.run(
      reading: quiet ? nil : reading.update, observer: progress.observer, scoring: quiet ? nil : scoring.update,
      cutting: quiet ? nil : cutting.update, explaining: quiet ? nil : explaining.update,
      log: { message in
        for line in lines { line.finish() }
        progress.finish()
        Console.narrate(message, quiet: quiet)
      })
    for line in lines { line.finish() }
    progress.finish()
    let directory = out ?? "seismo-out/\(run.runID)"
    try RunOutput.write(run, to: try staged ?? StagedFolder(directory))
    let storing = CountProgress("storing")
    defer { storing.finish() }
    let written = try RunOutput.writeSinks(run, config: config, registry: registry, observer: quiet ? nil : storing.update)
    storing.finish()
    for (plugin, seconds) in written where !quiet {
      Console.err(
        "wrote run \(run.runID) to the \(plugin) sink: \(run.scores.values.count) scores in \(String(format: "%.2f", seconds)) s (\(Int(Double(run.scores.values.count) / max(seconds, 1e-9))) rows/s)"
      )
    }
    if !quiet && textSummary { RunReporting.lines(for: run, directory: directory).forEach(Console.out) }
    return (run, directory)
  }
}

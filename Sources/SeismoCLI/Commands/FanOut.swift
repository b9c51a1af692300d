import Dispatch
import Foundation
import SeismoCore

/// `seismo detect --each`: the configured detection once per indicator (each feature of the
/// loaded data: a column of a wide table, a symbol of a long one), in parallel, each its own run.
///
/// The data is loaded once; an indicator that lost rows to another's gaps, every indicator of a
/// long table (whose symbols have their own times), or every indicator when they cannot be loaded
/// together, is loaded again alone (see `rows(of:in:config:registry:)`).
/// Each indicator's run is written to OUT/<indicator>/ and to the
/// configured sink (labelled with the indicator); OUT/summary.json lists every indicator with its
/// anomalies or its error. A failing indicator is reported and does not stop the others. With
/// `--save-model FOLDER`, each indicator's model is saved as FOLDER/<indicator>.seismo.
enum FanOut {
  /// Where `--save-model` puts each indicator's model, and whether it may replace a file that is
  /// not one.
  struct Models {
    var folder: String
    var force: Bool

    /// The option that gives the folder, as errors name it.
    static let option = "--save-model with --each"
  }

  /// One indicator's outcome.
  struct Outcome: Codable {
    var indicator: String
    var status: String
    var runId: String?
    var folder: String?
    /// The saved model's file, with `--save-model`.
    var model: String?
    var anomalyCount: Int?
    var testAnomalyCount: Int?
    /// The highest-scoring (`RunSummary.listed`), in time order.
    var anomalies: [RunSummary.Flag]?
    var error: String?
    /// Anomalies that count for `--fail-on-anomalies` (not in the JSON).
    var countedAnomalies = 0

    enum CodingKeys: String, CodingKey {
      case indicator, status, folder, model, anomalies, error
      case runId = "run_id"
      case anomalyCount = "anomaly_count"
      case testAnomalyCount = "test_anomaly_count"
    }
  }

  struct Combined: Codable {
    /// Shared by every indicator's run (`group_id` in `seismo.runs`).
    var groupId: String
    var source: String
    var indicators: Int
    var failed: Int
    var jobs: Int
    var wallSeconds: Double
    var runs: [Outcome]

    enum CodingKeys: String, CodingKey {
      case source, indicators, failed, jobs, runs
      case wallSeconds = "wall_s"
      case groupId = "group_id"
    }
  }

  /// How summaries are encoded.
  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// Runs every indicator; `counting` says which anomalies count for `--fail-on-anomalies`, and
  /// `models` where their models go (none: not saved).
  static func run(
    _ config: RunConfig, registry: PluginRegistry, out: String, jobs: Int, quiet: Bool, counting: ScriptingOptions,
    models: Models? = nil
  ) throws -> Combined {
    let started = Date()
    let group = "each-" + RunResult.makeID(at: started)
    let pipeline = DetectionPipeline(registry: registry, config: config)
    let staged = try StagedFolder(out)
    try pipeline.validate()
    let loaded: LoadedFrame?
    let names: [String]
    let reading = CountProgress("reading")
    defer { reading.finish() }
    do {
      let all = try pipeline.loadSource(observer: quiet ? nil : reading.update)
      reading.finish()
      (loaded, names) = (all, all.frame.featureNames)
    } catch let error as SeismoError where error.exitStatus == 1 {
      reading.finish()
      // One indicator's data can stop the load of all (a column with no value at all): then
      // each is read alone, and only that one fails.
      guard let listed = try pipeline.sourceIndicators(), let first = listed.first,
        registry.narrowed(config.source, to: first) != nil
      else { throw error }
      if !quiet { Console.err("the indicators could not be loaded together (\(error)); each is read alone") }
      (loaded, names) = (nil, listed)
    }
    if var loaded {
      Console.narrate(
        "loaded \(loaded.frame.rowCount) rows × \(names.count) indicators from \(loaded.origin); \(jobs) at a time", quiet: quiet)
      let readAgain = loaded.rowsDropped > 0 && names.first.map { registry.narrowed(config.source, to: $0) != nil } == true
      if readAgain { loaded.forgetWhatJoiningDid() }  // no indicator's rows are another's
      for warning in loaded.warnings { Console.err(warning) }  // under --quiet too
      if readAgain {
        Console.narrate(
          "\(loaded.rowsDropped) rows were dropped where some indicator had a gap; each indicator is read again alone, with its own rows",
          quiet: quiet)
      }
    }
    // Where each indicator is read alone, a source that can read them all alone at once does
    // (a long file of many symbols); one that fails here is read narrowed, and fails alone.
    let readAlone = loaded.map { $0.rowsDropped > 0 || registry.narrowingChangesRows(config.source) } ?? true
    let alone = readAlone ? try? pipeline.loadEachSourceIndicatorAlone() : nil
    let outcomes = Outcomes(count: names.count)
    let next = Counter()
    let folders = folderNames(names)
    // Each model's file, checked before any indicator runs.
    let modelFiles = models.map { models in folders.map { "\(models.folder)/\($0).seismo" } }
    if let models, let modelFiles {
      for file in modelFiles { try checkModelPath(file, config: config, out: out, force: models.force) }
      try makeOutputFolder(models.folder, for: Models.option)
    }
    return try staged.fill { staging in
      DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, names.count))) { _ in
        while let j = next.take(below: names.count) {
          outcomes.set(
            j,
            indicator(
              j, named: names[j], of: loaded, alone: alone?[names[j]], config: config, registry: registry,
              folder: (staging: "\(staging)/\(folders[j])", shown: "\(out)/\(folders[j])"), model: modelFiles?[j],
              group: group, quiet: quiet, counting: counting))
        }
      }
      let runs = outcomes.all
      let result = Combined(
        groupId: group, source: loaded?.origin ?? "\(config.source.plugin) source, each indicator read alone",
        indicators: names.count,
        failed: runs.filter { $0.status != "finished" }.count,
        jobs: jobs,
        wallSeconds: Date().timeIntervalSince(started), runs: runs)
      try write(encoder.encode(result), to: "\(staging)/summary.json")
      return result
    }
  }

  /// Runs indicator `j`, `name`, on its rows `alone` when they were read so, else cut from
  /// `loaded` or read now (`rows(of:)`); writes its run into `folder.staging` and saves its model
  /// to `model`, when given; `folder.shown` is where the run will be once the output folder is
  /// committed.
  static func indicator(
    _ j: Int, named name: String, of loaded: LoadedFrame?, alone: LoadedFrame?, config: RunConfig, registry: PluginRegistry,
    folder: (staging: String, shown: String), model: String?, group: String, quiet: Bool, counting: ScriptingOptions
  ) -> Outcome {
    do {
      let run = try DetectionPipeline(registry: registry, config: config).run(
        alone ?? rows(of: j, named: name, in: loaded, config: config, registry: registry))
      try RunOutput.writeFiles(run, into: folder.staging)
      try RunOutput.writeSinks(run, config: config, registry: registry, indicator: name, group: group)
      if let model { try write(SavedModel(run: run).encode(), to: model) }
      let summary = RunSummary(run)
      for warning in run.warnings { Console.err(warning) }
      if !quiet {
        Console.err(
          "\(name): \(summary.anomalyCount) anomal\(summary.anomalyCount == 1 ? "y" : "ies"), \(summary.testAnomalyCount) in the test part (\(folder.shown))"
        )
      }
      return Outcome(
        indicator: name, status: "finished", runId: run.runID, folder: folder.shown, model: model,
        anomalyCount: summary.anomalyCount,
        testAnomalyCount: summary.testAnomalyCount, anomalies: summary.anomalies, countedAnomalies: counting.counted(run))
    } catch {
      Console.error("\(name): \(error)")
      return Outcome(indicator: name, status: "failed", error: "\(error)")
    }
  }

  /// Indicator `j`'s rows (feature `j` of `loaded`, named `name`): cut from the data loaded
  /// once, unless the gap policy dropped rows there (rows where another indicator had a gap,
  /// such as the years before a later-listed future), the source read alone gives other rows (a
  /// long table's symbol has its own times, not every symbol's) or nothing could be loaded at
  /// once; then loaded alone, so that its run has its own rows, as its stored run and its job
  /// read them.
  static func rows(of j: Int, named name: String, in loaded: LoadedFrame?, config: RunConfig, registry: PluginRegistry)
    throws -> LoadedFrame
  {
    if let loaded, loaded.rowsDropped == 0, !registry.narrowingChangesRows(config.source) {
      return loaded.selecting(feature: j)
    }
    guard let source = registry.narrowed(config.source, to: name) else {
      guard let loaded else { throw SeismoError.state("indicator '\(name)' cannot be loaded alone") }
      return loaded.selecting(feature: j)
    }
    var own = config
    own.source = source
    return try DetectionPipeline(registry: registry, config: own).loadSource().selecting(feature: 0)
  }

  /// One folder name per indicator, safe and distinct whatever the names are: letters, digits,
  /// `.`, `_` and `-` kept and the rest `_`; no leading dot (so `.` and `..` cannot climb out of
  /// the output folder); at most 100 characters; `summary.json` (the combined summary) and names
  /// already taken, ignoring case, get `-2`, `-3`, … .
  static func folderNames(_ names: [String]) -> [String] {
    var taken: Set<String> = ["summary.json"]
    return names.map { name in
      var safe = String(name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" }.prefix(100))
      while safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
      if safe.isEmpty { safe = "_" }
      var candidate = safe
      var n = 1
      while taken.contains(candidate.lowercased()) {
        n += 1
        candidate = "\(safe)-\(n)"
      }
      taken.insert(candidate.lowercased())
      return candidate
    }
  }

  /// Results written by parallel workers, one slot each.
  final class Outcomes: @unchecked Sendable {
    private var slots: [Outcome?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ outcome: Outcome) { lock.withLock { slots[i] = outcome } }
    var all: [Outcome] { lock.withLock { slots.compactMap { $0 } } }
  }

  /// Hands out 0, 1, 2, … to parallel workers.
  final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
      lock.withLock {
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
      }
    }
  }
}

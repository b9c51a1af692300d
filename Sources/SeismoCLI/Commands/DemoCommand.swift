import ArgumentParser
import Foundation
import SeismoCore

/// `seismo demo`: a synthetic market with known anomalies, end to end, no files or server needed.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Generate a synthetic daily market with injected anomalies and find them.",
    discussion: """
      Writes OUT/market.csv (four indicators on ten years of business days), OUT/injected.csv (the \
      dates and kinds of the injected anomalies), OUT/demo.yaml (the config it runs) and the run \
      itself under OUT/run. Then prints how many injected anomalies were flagged. Rerun the same \
      detection yourself with `seismo detect OUT/demo.yaml`.
      """)

  @Option(help: "Output folder.")
  var out = "seismo-demo"

  @Option(help: "Random seed of the synthetic market.")
  var seed: UInt64 = 7

  @Option(help: "Business days to generate.")
  var days = 2520

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  /// The detection the demo runs; written next to the data so users can edit and rerun it.
  static let config = """
    # Seismo demo: rolling z-score baseline on a synthetic market (see `seismo plugins`).
    source:
      plugin: csv
      path: market.csv
      columns: [index, vix, treasury_30y, gold]
      gaps: ffill
    split:
      train_fraction: 0.8
    detector:
      plugin: rolling-zscore
      window: 20
      transform: diff
    threshold:
      plugin: percentile
      percentile: 99.5
    importance:
      plugin: permutation
      repeats: 3
    """

  func validate() throws {
    guard days >= 100 else { throw ValidationError("--days must be at least 100") }
  }

  func run() throws {
    try reportingErrors {
      try Self.requireDemoFolder(out)
      let (frame, injections) = try SyntheticMarket(days: days, seed: seed).generate()
      try makeOutputFolder(out)
      try write(SyntheticMarket.csv(frame), to: "market.csv")
      try write(
        CSVText.line(["date", "feature", "what"]) + "\n"
          + injections.map {
            CSVText.line([frame.formatTimestamp(frame.timestamps[$0.row]), $0.feature, $0.description]) + "\n"
          }.joined(),
        to: "injected.csv")
      try write(Self.config + "\n", to: "demo.yaml")
      if !quiet { Console.err("wrote \(out)/market.csv (\(frame.rowCount) days × \(frame.featureCount) indicators)") }

      let config = try ConfigFileOptions.load(path: "\(out)/demo.yaml")
      let (run, _) = try DetectCommand.execute(
        config, registry: StandardPlugins.registry, out: "\(out)/run", quiet: quiet)
      let found = Self.found(injections, in: run)
      Console.out("injected anomalies found: \(found.count) of \(injections.count)")
      for injection in injections {
        let mark = found.contains(injection) ? "found " : "missed"
        Console.out("  \(mark) \(frame.formatTimestamp(frame.timestamps[injection.row]))  \(injection.description)")
      }
    }
  }

  /// What a demo writes in its folder; the run's staging folder and lock beside `run` start `.run.`.
  static let demoEntries: Set<String> = ["market.csv", "injected.csv", "demo.yaml", "run"]

  /// Refuses an `out` that exists and holds anything but an earlier demo's files, so the demo
  /// never overwrites a market.csv of the user's own or mixes its files with a run's.
  static func requireDemoFolder(_ out: String) throws {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: out, isDirectory: &isFolder) else { return }
    guard isFolder.boolValue else { throw SeismoError.file(path: out, message: "is a file; --out takes a folder") }
    let contents = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { !$0.hasPrefix(".run.") }
    guard contents.isEmpty || contents.contains("demo.yaml") && Set(contents).isSubset(of: demoEntries) else {
      throw SeismoError.file(
        path: out,
        message:
          "exists and is not a seismo demo folder; choose another --out (the demo writes market.csv, injected.csv, demo.yaml and run/ in it)"
      )
    }
  }

  /// Injections flagged on their day or the next (a reverting dislocation shows in both).
  static func found(_ injections: [SyntheticMarket.Injection], in run: RunResult) -> [SyntheticMarket.Injection] {
    let flagged = Set(run.anomalies.map(\.row))
    return injections.filter { flagged.contains($0.row) || flagged.contains($0.row + 1) }
  }

  private func write(_ text: String, to name: String) throws {
    try SeismoCLI.write(Data(text.utf8), to: "\(out)/\(name)")
  }
}

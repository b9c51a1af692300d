import ArgumentParser
import Foundation
import SeismoCore
import SeismoReport

/// `seismo report RUN_DIR`: rebuild report.html from a run folder.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Rebuild RUN_DIR/report.html from the run's summary.json and scores.csv.",
    discussion: """
      detect and score write the report themselves; use this after editing or copying a run folder. \
      The page is self-contained (inline SVG, no scripts, no network): open it in any browser.
      """)

  @Argument(help: ArgumentHelp("A run folder written by detect or score.", valueName: "run-dir"))
  var folder: String

  func run() throws {
    try reportingErrors {
      try RunOutput.writeReport(Self.read(folder), to: folder)
      Console.out("wrote \(folder)/\(RunOutput.reportFile)")
    }
  }

  /// Reads a run folder back into report data.
  static func read(_ folder: String) throws -> ReportData {
    let run = try RunFolder(folder)
    let summary = run.summary
    let valued = try run.scores(summary.features.map { "value_" + $0 }, gaps: .error)
    let frame = try Frame(
      timestamps: valued.timestamps, timeKind: valued.timeKind, featureNames: summary.features, values: valued.values,
      source: run.scoresPath)
    let scored = try run.scores(["score", "is_anomaly"] + summary.features.map { "error_" + $0 }, gaps: .drop)
    let rowOf = Dictionary(uniqueKeysWithValues: frame.timestamps.enumerated().map { ($1, $0) })
    let f = summary.features.count
    let scoreRows = try scored.timestamps.map { t in
      guard let row = rowOf[t] else {
        throw SeismoError.file(path: run.scoresPath, message: "a scored row has no input values; the file was edited")
      }
      return row
    }
    var data = ReportData(
      runID: summary.runId, detector: summary.detector.plugin, thresholdPlugin: summary.threshold.plugin, frame: frame,
      trainRows: summary.split.trainRows, scoreRows: scoreRows, scores: scored.column(0),
      topFeatures: (0..<scored.rowCount).map { r in
        summary.features[(0..<f).max { scored[r, 2 + $0] < scored[r, 2 + $1] } ?? 0]
      },
      threshold: summary.threshold.constant ?? true ? summary.threshold.value : nil,
      flags: (0..<scored.rowCount).map { scored[$0, 1] != 0 }, history: summary.training.history,
      importance: summary.importance?.ranking)
    data.folds = summary.folds ?? []
    if !(summary.threshold.constant ?? true), run.hasColumn("threshold") {
      // Empty cells (no cut-off yet) are dropped here and drawn as none.
      let cut = try run.scores(["threshold"], gaps: .drop)
      let cutAt = Dictionary(uniqueKeysWithValues: zip(cut.timestamps, cut.column(0)))
      data.cutoffs = scored.timestamps.map { cutAt[$0] ?? .infinity }
    }
    return data
  }
}

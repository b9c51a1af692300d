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
    let run = RunFolder(folder)
    let summary = try run.summary()
    let table = try run.scores(summary)
    let column = { (name: String) in try table.require(name, path: run.scoresPath) }
    let inputs = try summary.features.map { try column("value_" + $0) }
    var values: [Float] = []
    values.reserveCapacity(table.rowCount * inputs.count)
    for r in 0..<table.rowCount {
      for cells in inputs {
        guard let v = cells[r] else {
          throw SeismoError.data(source: run.scoresPath, line: r + 2, column: nil, message: "an input value is missing")
        }
        values.append(v)
      }
    }
    let frame = try Frame(
      timestamps: table.timestamps, timeKind: table.timeKind, featureNames: summary.features, values: values,
      source: run.scoresPath)
    let scoreCells = try column("score")
    // Scores are contiguous: only the warm-up rows at the start have none.
    let firstScoreRow = scoreCells.firstIndex { $0 != nil } ?? scoreCells.count
    let scoreRows = firstScoreRow..<scoreCells.count
    if let gap = scoreRows.first(where: { scoreCells[$0] == nil }) {
      throw SeismoError.data(
        source: run.scoresPath, line: gap + 2, column: "score", message: "the score is missing after the first scored row")
    }
    let flagCells = try column("is_anomaly")
    let errors = try summary.features.map { try column("error_" + $0) }
    let members = summary.members
    var data = ReportData(
      runID: summary.runId, members: members, frame: frame,
      trainRows: summary.split.trainRows, firstScoreRow: firstScoreRow, scores: scoreRows.map { scoreCells[$0] ?? 0 },
      topFeatures: scoreRows.map { Int32(topFeature(errors, row: $0)) },
      threshold: summary.threshold.constant ?? true ? summary.threshold.value : nil,
      flags: scoreRows.map { (flagCells[$0] ?? 0) != 0 }, history: summary.training.history,
      importance: summary.importance?.ranking)
    data.folds = summary.folds ?? []
    data.memberScores = table.memberScores(members: members.count)?.slice(scoreRows)
    data.forecastSkill = summary.forecastSkill.flatMap { skill in skill.mase.map { ($0, skill.rows) } }
    var loaded = LoadedFrame(frame: frame, origin: summary.source.origin, rowsRead: summary.source.rowsRead)
    loaded.sortedByTime = summary.source.sortedByTime ?? false
    loaded.duplicateRowsMerged = summary.source.duplicateRowsMerged ?? 0
    loaded.duplicatePolicy = summary.source.duplicatePolicy.flatMap(DuplicatePolicy.init(rawValue:)) ?? .error
    loaded.carriedToEnd = (summary.source.carriedToEnd ?? [:]).compactMap { name, rows in
      summary.features.firstIndex(of: name).flatMap { feature in
        rows < frame.rowCount ? GapPolicy.Carry(feature: feature, rows: rows, endOf: frame.timestamps) : nil
      }
    }.sorted { $0.feature < $1.feature }
    let time = TimestampParser()
    loaded.holes = (summary.source.holes ?? [:]).compactMap { name, hole in
      guard let feature = summary.features.firstIndex(of: name), let after = time.parse(hole.after),
        let from = time.parse(hole.from), let to = time.parse(hole.to)
      else { return nil }
      return GapPolicy.Hole(feature: feature, rows: hole.rows, after: after, from: from, to: to)
    }.sorted { $0.feature < $1.feature }
    data.warnings = (summary.source.warnings ?? loaded.warnings) + (summary.warnings ?? [])
    if !(summary.threshold.constant ?? true), let cutoffs = table.column("threshold") {
      // Empty cells (no cut-off yet) are drawn as none.
      data.cutoffs = scoreRows.map { cutoffs[$0] ?? .infinity }
    }
    return data
  }

  /// The feature with the largest error (an empty cell counts as 0) in row `r` of `errors`, a
  /// column a feature: the first of equal ones, as `Scores.topFeature` finds it.
  static func topFeature(_ errors: [[Float?]], row r: Int) -> Int {
    var top = 0
    for j in errors.indices.dropFirst() where (errors[j][r] ?? 0) > (errors[top][r] ?? 0) { top = j }
    return top
  }
}

import Foundation
import SeismoCore

/// The human summary printed at the end of a detection run.
enum RunReporting {
  /// Lines describing `run`, written to `directory`: the `top` highest-scoring anomalies of the
  /// test part first (out of sample, what an analyst acts on), then those of the training part
  /// (in sample), half as many when the test part has some.
  static func lines(for run: RunResult, directory: String, top: Int = 10) -> [String] {
    let frame = run.frame
    let anomalies = run.anomalies
    let testCount = anomalies.filter { !$0.isTraining }.count
    let score = Ensemble.scoreName(run.config.members)
    var lines = [
      "run \(run.runID): \(Ensemble.detectorName(run.config.members)) on \(frame.featureCount) feature\(frame.featureCount == 1 ? "" : "s") × \(frame.rowCount) rows (\(run.trainRows) train, \(frame.rowCount - run.trainRows) test)",
      "threshold (\(Ensemble.thresholdName(run.config.members))): \(run.threshold.isFinite ? format(run.threshold) : "none yet")\(!run.hasConstantCutoff ? ", adaptive per row" : ""); \(run.events.count) event\(run.events.count == 1 ? "" : "s")",
      "anomalies: \(anomalies.count) (\(testCount) in the test part)",
    ]
    if let skill = run.forecastSkill, let line = skillLine(skill, names: frame.featureNames) { lines.append(line) }
    let test = anomalies.filter { !$0.isTraining }.sorted { $0.score > $1.score }
    let training = anomalies.filter(\.isTraining).sorted { $0.score > $1.score }
    for (heading, part, count) in [
      ("top anomalies of the test part, by \(score):", test, top),
      ("top anomalies of the training part (in sample), by \(score):", training, test.isEmpty ? top : top / 2),
    ] where !part.isEmpty {
      lines.append(heading)
      for a in part.prefix(count) {
        let members = run.memberScores.map {
          ", flagged by " + Ensemble.memberNames($0.flagging(at: a.row - run.scores.firstRow), of: run.config.members)
        }
        lines.append(
          "  \(frame.formatTimestamp(a.timestamp))  \(score) \(format(a.score))  top feature \(a.topFeature)\(members ?? "")")
      }
    }
    if let importance = run.importance {
      lines.append(
        "feature importance (\(run.config.importance?.plugin ?? "")): mean ± std increase in \(Ensemble.scoreName(run.config.members))"
      )
      for entry in importance {
        lines.append("  \(entry.feature): \(format(Float(entry.mean), plusMinus: Float(entry.std)))")
      }
    }
    lines.append(
      "wrote \(directory)/\(RunFolder.summaryFile), \(directory)/\(RunFolder.scoresFile) and \(directory)/\(RunOutput.reportFile)"
    )
    return lines
  }

  /// Lines describing a streamed `run`, written to `directory`.
  static func lines(for run: StreamedRun, directory: String, top: Int = 10) -> [String] {
    let features = run.loaded.frame.featureCount
    let score = Ensemble.scoreName(run.config.members)
    var lines = [
      "run \(run.runID): \(Ensemble.detectorName(run.config.members)) on \(features) feature\(features == 1 ? "" : "s") × \(run.rows) rows, streamed",
      "threshold (\(Ensemble.thresholdName(run.config.members))): \(run.threshold.isFinite ? format(run.threshold) : "none")\(!run.hasConstantCutoff ? ", adaptive per row" : ""); \(run.eventCount) event\(run.eventCount == 1 ? "" : "s")",
      "anomalies: \(run.anomalyCount)",
    ]
    if let skill = run.forecastSkill, let line = skillLine(skill, names: run.loaded.frame.featureNames) {
      lines.append(line)
    }
    if !run.flags.isEmpty {
      lines.append("top anomalies by \(score):")
      for flag in run.flags.sorted(by: { $0.score > $1.score }).prefix(top) {
        let members = flag.flaggedBy.map { ", flagged by " + Ensemble.memberNames($0, of: run.config.members) }
        lines.append("  \(flag.timestamp)  \(score) \(format(flag.score))  top feature \(flag.topFeature)\(members ?? "")")
      }
    }
    lines.append(
      "wrote \(directory)/\(RunFolder.summaryFile) and \(directory)/\(RunFolder.scoresFile) (a streamed run draws no \(RunOutput.reportFile); `seismo report \(directory)` draws one)"
    )
    return lines
  }

  /// `forecast skill on 228 test rows: MASE 2.31 (…); vix 0.98, …`: the forecaster's MASE, and
  /// each feature's (the 5 worst of more than 6); nil when the naive forecast made no error.
  static func skillLine(_ skill: ForecastSkill, names: [String]) -> String? {
    guard let ratio = skill.ratio else { return nil }
    let measured = names.indices.compactMap { j in skill.ratio(ofFeature: j).map { (name: names[j], ratio: $0) } }
    let shown = measured.count > 6 ? Array(measured.sorted { $0.ratio > $1.ratio }.prefix(5)) : measured
    let each = shown.map { "\($0.name) \(String(format: "%.2f", $0.ratio))" }.joined(separator: ", ")
    return
      "forecast skill on \(skill.rows) test rows: MASE \(String(format: "%.2f", ratio)) (its mean absolute error ÷ that of repeating each last value; under 1 beats it)\(names.count > 1 ? "; \(measured.count > 6 ? "worst: " : "")\(each)\(measured.count > 6 ? ", …" : "")" : "")"
  }

  /// Four decimals, or four significant digits for a value under 0.001 or from 1000 on.
  static func format(_ value: Float) -> String { String(format: pattern(value), Double(value)) }

  /// `value ± spread`, both in the larger one's format, so that they read on one scale
  /// (`0.0189 ± 0.0009`, not `0.0189 ± 0.0008796`).
  static func format(_ value: Float, plusMinus spread: Float) -> String {
    let pattern = pattern(max(abs(value), abs(spread)))
    return String(format: pattern, Double(value)) + " ± " + String(format: pattern, Double(spread))
  }

  private static func pattern(_ value: Float) -> String {
    abs(value) >= 1000 || (abs(value) < 0.001 && value != 0) ? "%.4g" : "%.4f"
  }
}

import Foundation

/// Writes a run into a folder: `summary.json` and `scores.csv`.
///
/// `scores.csv` has one row per input row: `timestamp, part, score, threshold, is_anomaly, alert`,
/// then one `value_<feature>` column per feature (the input, as loaded) and one `error_<feature>`
/// column per feature. `threshold` is that row's own cut-off (empty while an adaptive rule has
/// none yet); `alert` is 1 on the row where an event alerts (see `EventRule`). Warm-up rows
/// (before the detector's first score) have empty score, threshold, is_anomaly, alert and error
/// cells. Each file is written to a temporary name and renamed, so a
/// failure never leaves a half-written file behind.
public struct RunDirectory: ResultSink {
  public let path: String

  public init(path: String) { self.path = path }

  public static let summaryFile = "summary.json"
  public static let scoresFile = "scores.csv"

  public func write(_ run: RunResult) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw SeismoError.file(path: path, message: "cannot create the output folder (\(error.localizedDescription))")
    }
    try save(RunSummary(run).jsonData(), as: Self.summaryFile)
    try save(Data(scoresCSV(run).utf8), as: Self.scoresFile)
  }

  func scoresCSV(_ run: RunResult) -> String {
    let frame = run.frame
    let scores = run.scores
    let alerts = Set(run.events.map(\.alert))
    var text = CSVText.line(
      ["timestamp", "part", "score", "threshold", "is_anomaly", "alert"] + frame.featureNames.map { "value_" + $0 }
        + frame.featureNames.map { "error_" + $0 })
    text.reserveCapacity(frame.rowCount * (40 + 12 * frame.featureCount))
    text += "\n"
    let blanks = String(repeating: ",", count: frame.featureCount)
    var cutoff = Float.infinity
    var cutoffText = ""
    for row in 0..<frame.rowCount {
      text += frame.formatTimestamp(frame.timestamps[row])
      text += row < run.trainRows ? ",train," : ",test,"
      let i = row - scores.firstRow
      if i < 0 {
        text += ",,,"
      } else {
        if run.cutoffs[i] != cutoff {  // formatted once per distinct run of cut-offs
          cutoff = run.cutoffs[i]
          cutoffText = cutoff.isFinite ? String(cutoff) : ""
        }
        text += "\(scores.values[i]),\(cutoffText),\(run.isAnomaly(i) ? 1 : 0),"
        text += alerts.contains(i) ? "1" : "0"
      }
      for f in 0..<frame.featureCount { text += ",\(frame[row, f])" }
      if i < 0 {
        text += blanks
      } else {
        for f in 0..<frame.featureCount { text += ",\(scores.featureErrors[i * frame.featureCount + f])" }
      }
      text += "\n"
    }
    return text
  }

  private func save(_ data: Data, as name: String) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(name)
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw SeismoError.file(path: url.path, message: "cannot write (\(error.localizedDescription))")
    }
  }
}

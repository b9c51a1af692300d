import ArgumentParser
import Foundation
import SeismoCore

/// What `detect` and `score` tell scripts: the summary as JSON on stdout, and exit status 3 when
/// anomalies were found, so a cron job or a CI pipeline can alert on it.
struct ScriptingOptions: ParsableArguments {
  @Flag(help: "Print the run summary as JSON on stdout instead of the text summary (progress and errors stay on stderr).")
  var json = false

  @Flag(help: "Exit with status 3 when anomalies are flagged in the test part (all rows with score).")
  var failOnAnomalies = false

  @Option(help: ArgumentHelp("With --fail-on-anomalies, count only anomalies in the last N rows.", valueName: "N"))
  var inLast: Int?

  func validate() throws {
    if let inLast {
      guard inLast >= 1 else { throw ValidationError("--in-last must be at least 1") }
      guard failOnAnomalies else { throw ValidationError("--in-last goes with --fail-on-anomalies") }
    }
  }

  /// The anomalies of `run` that count for `--fail-on-anomalies`: test rows, within the last
  /// `inLast` rows if given.
  func counted(_ run: RunResult) -> Int {
    let firstCounted = inLast.map { run.frame.rowCount - $0 } ?? 0
    return run.anomalies.filter { !$0.isTraining && $0.row >= firstCounted }.count
  }

  /// The same for a streamed run (every row is a test row).
  func counted(_ run: StreamedRun) -> Int {
    let firstCounted = inLast.map { run.scoredRows - $0 } ?? 0
    return run.flagged.filter { $0 >= firstCounted }.count
  }

  /// Throws exit status 3 when asked to and `count` anomalies were found; says so on stderr.
  func finish(anomalies count: Int) throws {
    guard failOnAnomalies, count > 0 else { return }
    Console.err(
      "\(count) anomal\(count == 1 ? "y" : "ies") in the \(inLast.map { "last \($0) rows" } ?? "test part"): exit status 3")
    throw ExitStatus.anomalies
  }

  /// `value` as pretty JSON on stdout.
  func printJSON(_ data: Data) {
    Console.out(String(decoding: data, as: UTF8.self))
  }
}

import Foundation
import SeismoCore
import SeismoReport

/// Everything the CLI writes for a run: the run folder (summary.json, scores.csv) and report.html.
enum RunOutput {
  static let reportFile = "report.html"

  static func write(_ run: RunResult, to directory: String) throws {
    try RunDirectory(path: directory).write(run)
    try writeReport(ReportData(run), to: directory)
  }

  static func writeReport(_ data: ReportData, to directory: String) throws {
    try SeismoCLI.write(Data(HTMLReport.render(data).utf8), to: "\(directory)/\(reportFile)")
  }
}

import Foundation
import SeismoCore
import SeismoReport

/// Everything the CLI writes for a run: the run folder (summary.json, scores.csv) and report.html.
enum RunOutput {
  static let reportFile = "report.html"

  /// Writes `run` to `folder` and commits it: the folder appears complete or not at all.
  static func write(_ run: RunResult, to folder: StagedFolder) throws {
    try folder.fill { try writeFiles(run, into: $0) }
  }

  /// Writes the run's files into the existing folder `directory` (a staging folder's part).
  static func writeFiles(_ run: RunResult, into directory: String) throws {
    try RunFolder(directory).write(run)
    try writeReport(ReportData(run), to: directory)
  }

  /// Writes `run` to the config's sink, if it has one, labelled with `indicator` and `group`
  /// when the sink takes them (an `--each` fan-out sets both).
  /// - Returns: the seconds the write took, or nil without a sink.
  @discardableResult
  static func writeSink(
    _ run: RunResult, config: RunConfig, registry: PluginRegistry, indicator: String? = nil, group: String? = nil
  ) throws -> Double? {
    guard var sink = config.sink else { return nil }
    guard let entry = registry.sinks[sink.plugin] else { throw SeismoError.state("no sink '\(sink.plugin)'") }
    for (name, value) in [("indicator", indicator), ("group", group)] {
      if let value, entry.descriptor.parameters.contains(where: { $0.name == name }) {
        sink.parameters.set(name, .text(value))
      }
    }
    let started = Date()
    try entry.make(sink.parameters).write(run)
    return Date().timeIntervalSince(started)
  }

  static func writeReport(_ data: ReportData, to directory: String) throws {
    try SeismoCLI.write(Data(HTMLReport.render(data).utf8), to: "\(directory)/\(reportFile)")
  }
}

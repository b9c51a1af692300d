import Foundation
import HTMLReportSink
import PostgresSink
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
    try HTMLReportSink(path: "\(directory)/\(reportFile)").write(run)
  }

  /// Writes `run` to each of the config's sinks in order, labelled with `indicator` and `group`
  /// when a sink takes them (an `--each` fan-out sets both).
  /// - Returns: each sink's plugin name and the seconds its write took.
  @discardableResult
  static func writeSinks(
    _ run: RunResult, config: RunConfig, registry: PluginRegistry, indicator: String? = nil, group: String? = nil,
    observer: ProgressObserver? = nil
  ) throws -> [(plugin: String, seconds: Double)] {
    try config.sinks.map { choice in
      guard let entry = registry.sinks[choice.plugin] else { throw SeismoError.state("no sink '\(choice.plugin)'") }
      var parameters = choice.parameters
      for (label, value) in [(PostgresSink.indicator, indicator), (PostgresSink.group, group)] {
        if let value, parameters.ifDeclared(label) != nil { parameters.set(label, value) }
      }
      let started = Date()
      try entry.make(parameters).write(run, observer: observer)
      return (choice.plugin, Date().timeIntervalSince(started))
    }
  }

  static func writeReport(_ data: ReportData, to directory: String) throws {
    try HTMLReportSink(path: "\(directory)/\(reportFile)").write(data)
  }
}

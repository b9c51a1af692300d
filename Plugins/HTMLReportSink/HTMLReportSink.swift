import Foundation
import SeismoCore
import SeismoReport

/// Writes the run's HTML report (inline SVG charts, no external assets) to a file.
///
/// Every run folder gets one as `report.html`; as a configured sink it writes another copy
/// wherever `path` says (`sinks: [{ plugin: report, path: reports/vix.html }]`). The file is
/// written to a temporary name and renamed, so a failure never leaves half a report.
public struct HTMLReportSink: ResultSink, ConfigurablePlugin {
  static let path = Parameter<String>("path", default: nil, isPath: true, help: "the HTML file to write")

  public static let descriptor = PluginDescriptor(
    kind: .sink, name: "report", summary: "write the run's HTML report (charts, events, folds) to a file",
    parameters: [HTMLReportSink.path.spec])

  public let path: String

  public init(path: String) { self.path = path }

  public init(parameters: Parameters) throws { path = parameters[Self.path] }

  /// Refuses a folder, and a file in a folder that cannot be made.
  public func prepare() throws {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      throw SeismoError.file(path: path, message: "is a folder; the report sink's path names the HTML file to write")
    }
    let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    } catch {
      throw SeismoError.file(path: parent, message: "cannot create the report's folder (\(error.localizedDescription))")
    }
  }

  public func write(_ run: RunResult) throws { try write(ReportData(run)) }

  /// Writes a report from data read back from a run folder (`seismo report`).
  public func write(_ data: ReportData) throws {
    try prepare()
    do {
      try Data(HTMLReport.render(data).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw SeismoError.file(path: path, message: "cannot write (\(error.localizedDescription))")
    }
  }
}

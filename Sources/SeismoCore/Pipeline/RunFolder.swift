import Foundation

/// A run's folder, written and read back: `summary.json` and `scores.csv` (the CLI adds
/// `report.html`). `detect`, `score` and `--each` write one; `report` and `evaluate` read it.
///
/// `scores.csv` has one row per input row: `timestamp, part, score, threshold, is_anomaly, alert`,
/// then one `value_<feature>` column per feature (the input, as loaded) and one `error_<feature>`
/// column per feature. `threshold` is that row's own cut-off (empty while an adaptive rule has
/// none yet); `alert` is 1 on the row where an event alerts (see `EventRule`). Warm-up rows
/// (before the detector's first score) have empty score, threshold, is_anomaly, alert and error
/// cells. An ensemble's file ends with each member's own score and cut-off
/// (`member_<k>_score`, `member_<k>_threshold`), empty before its first. Each file is written to a temporary name and renamed, so a
/// failure never leaves a half-written file behind.
public struct RunFolder: ResultSink {
  public let path: String

  public init(_ path: String) { self.path = path }

  public static let summaryFile = "summary.json"
  public static let scoresFile = "scores.csv"

  public var summaryPath: String { "\(path)/\(Self.summaryFile)" }
  public var scoresPath: String { "\(path)/\(Self.scoresFile)" }

  public func write(_ run: RunResult) throws {
    try createFolder()
    let summary = try RunSummary(run).jsonData()
    try save(as: Self.summaryFile) { try $0([UInt8](summary)) }
    try save(as: Self.scoresFile) { write in try scoresCSV(run, flush: write) }
  }

  /// Writes a streamed run: `scores.csv` a piece at a time as `score` hands the pieces to its
  /// argument, then `summary.json` from what it returns. Both files appear whole or not at all.
  /// - Parameters:
  ///   - featureNames: the columns of `scores.csv`;
  ///   - members: the model's detectors (an ensemble's members), each with its own columns when
  ///     more than one.
  public func write(
    featureNames: [String], members: Int = 1,
    streaming score: (_ write: (ScoresCSV.Rows) throws -> Void) throws -> StreamedRun
  ) throws -> StreamedRun {
    try createFolder()
    var run: StreamedRun?
    try save(as: Self.scoresFile) { write in
      try withoutActuallyEscaping(write) { write in
        var csv = ScoresCSV(featureNames: featureNames, members: members)
        run = try score { try csv.write($0, flush: write) }
        try csv.finish(flush: write)
      }
    }
    guard let run else { throw SeismoError.state("the stream returned no run") }
    let summary = try RunSummary(run).jsonData()
    try save(as: Self.summaryFile) { try $0([UInt8](summary)) }
    return run
  }

  /// scores.csv, handed to `flush` a block of rows' UTF-8 at a time (`ScoresCSV`).
  func scoresCSV(_ run: RunResult, flush: ([UInt8]) throws -> Void) throws {
    var csv = ScoresCSV(featureNames: run.frame.featureNames, members: run.memberScores?.scores.count ?? 1)
    try csv.write(run.scoredRows, flush: flush)
    try csv.finish(flush: flush)
  }

  private func createFolder() throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw SeismoError.file(path: path, message: "cannot create the output folder (\(error.localizedDescription))")
    }
  }

  /// Writes `name` through `produce`'s pieces into a hidden temporary file beside it, renamed
  /// into place at the end: a failure never leaves half a file.
  private func save(as name: String, _ produce: (([UInt8]) throws -> Void) throws -> Void) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(name)
    let temporary = URL(fileURLWithPath: path).appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
    do {
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
        throw SeismoError.file(path: url.path, message: "cannot write (cannot create \(temporary.lastPathComponent))")
      }
      let handle = try FileHandle(forWritingTo: temporary)
      do {
        try produce { try handle.write(contentsOf: $0) }
        try handle.close()
      } catch {
        try? handle.close()
        throw error
      }
      guard rename(temporary.path, url.path) == 0 else {
        throw SeismoError.file(path: url.path, message: "cannot write (\(String(cString: strerror(errno))))")
      }
    } catch let error as SeismoError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw SeismoError.file(path: url.path, message: "cannot write (\(error.localizedDescription))")
    }
  }

  // MARK: - Reading

  /// The run's `summary.json`.
  public func summary() throws -> RunSummary {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw SeismoError.file(path: path, message: "no such folder (a run folder, as detect or score writes with --out)")
    }
    guard isFolder.boolValue else {
      throw SeismoError.file(
        path: path,
        message: "a file, not a run folder: give the folder that detect or score wrote (--out), which holds summary.json")
    }
    guard let bytes = FileManager.default.contents(atPath: summaryPath) else {
      throw SeismoError.file(path: summaryPath, message: "no such file; is \(path) a run folder?")
    }
    return try RunSummary.read(from: bytes, path: summaryPath)
  }

  /// The run's `scores.csv`, one entry per input row, on the time axis `summary` records.
  public func scores(_ summary: RunSummary) throws -> ScoresTable {
    guard FileManager.default.fileExists(atPath: scoresPath) else {
      throw SeismoError.file(path: scoresPath, message: "no such file; is \(path) a run folder?")
    }
    return try ScoresTable(path: scoresPath, indexed: summary.isIndexed)
  }
}

extension RunSummary {
  /// Whether the run's time axis is row numbers, as summary.json records it (guessed from the
  /// split's last training timestamp for summaries written before it did).
  public var isIndexed: Bool {
    if let axis = timeAxis { return axis == Frame.TimeKind.index.rawValue }
    return !split.trainEnd.isEmpty && TimestampParser().parse(split.trainEnd) == nil
  }
}

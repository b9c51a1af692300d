import Foundation

/// A run's folder, written and read back: `summary.json` and `scores.csv` (the CLI adds
/// `report.html`). `detect`, `score` and `--each` write one; `report` and `evaluate` read it.
///
/// `scores.csv` has one row per input row: `timestamp, part, score, threshold, is_anomaly, alert`,
/// then one `value_<feature>` column per feature (the input, as loaded) and one `error_<feature>`
/// column per feature. `threshold` is that row's own cut-off (empty while an adaptive rule has
/// none yet); `alert` is 1 on the row where an event alerts (see `EventRule`). Warm-up rows
/// (before the detector's first score) have empty score, threshold, is_anomaly, alert and error
/// cells. Each file is written to a temporary name and renamed, so a
/// failure never leaves a half-written file behind.
public struct RunFolder: ResultSink {
  public let path: String

  public init(_ path: String) { self.path = path }

  public static let summaryFile = "summary.json"
  public static let scoresFile = "scores.csv"

  public var summaryPath: String { "\(path)/\(Self.summaryFile)" }
  public var scoresPath: String { "\(path)/\(Self.scoresFile)" }

  public func write(_ run: RunResult) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw SeismoError.file(path: path, message: "cannot create the output folder (\(error.localizedDescription))")
    }
    let summary = try RunSummary(run).jsonData()
    try save(as: Self.summaryFile) { try $0(summary) }
    try save(as: Self.scoresFile) { write in try scoresCSV(run) { try write(Data($0)) } }
  }

  /// scores.csv, handed to `flush` about a mebibyte of UTF-8 at a time, so writing it never holds
  /// the whole text.
  func scoresCSV(_ run: RunResult, flush: ([UInt8]) throws -> Void) throws {
    let frame = run.frame
    let scores = run.scores
    let alerts = Set(run.events.map(\.alert))
    let chunk = 1 << 20
    var bytes: [UInt8] = []
    bytes.reserveCapacity(chunk + 4096)
    // Appending UTF-8 bytes is several times faster than growing one String.
    func add(_ text: String) { bytes.append(contentsOf: text.utf8) }
    func add(_ value: Float) { bytes.append(contentsOf: value.description.utf8) }
    add(
      CSVText.line(
        ["timestamp", "part", "score", "threshold", "is_anomaly", "alert"] + frame.featureNames.map { "value_" + $0 }
          + frame.featureNames.map { "error_" + $0 }))
    add("\n")
    let comma = UInt8(ascii: ",")
    var cutoff = Float.infinity
    var cutoffText = ""
    for row in 0..<frame.rowCount {
      add(frame.formatTimestamp(frame.timestamps[row]))
      add(row < run.trainRows ? ",train," : ",test,")
      let i = scores.index(ofRow: row)
      if let i {
        if run.cutoffs[i] != cutoff {  // formatted once per distinct run of cut-offs
          cutoff = run.cutoffs[i]
          cutoffText = cutoff.isFinite ? String(cutoff) : ""
        }
        add(scores.values[i])
        bytes.append(comma)
        add(cutoffText)
        add(run.isAnomaly(i) ? ",1," : ",0,")
        add(alerts.contains(i) ? "1" : "0")
      } else {
        add(",,,")
      }
      for f in 0..<frame.featureCount {
        bytes.append(comma)
        add(frame[row, f])
      }
      for f in 0..<frame.featureCount {
        bytes.append(comma)
        if let i { add(scores.featureErrors[i * frame.featureCount + f]) }
      }
      bytes.append(UInt8(ascii: "\n"))
      if bytes.count >= chunk {
        try flush(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
    try flush(bytes)
  }

  /// Writes `name` through `produce`'s pieces into a hidden temporary file beside it, renamed
  /// into place at the end: a failure never leaves half a file.
  private func save(as name: String, _ produce: ((Data) throws -> Void) throws -> Void) throws {
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
    guard let bytes = FileManager.default.contents(atPath: summaryPath) else {
      throw SeismoError.file(path: summaryPath, message: "no such file; is \(path) a run folder?")
    }
    return try RunSummary.read(from: bytes)
  }

  /// The run's `scores.csv`, one entry per input row, on the time axis `summary` records.
  public func scores(_ summary: RunSummary) throws -> ScoresTable {
    guard let bytes = FileManager.default.contents(atPath: scoresPath) else {
      throw SeismoError.file(path: scoresPath, message: "no such file; is \(path) a run folder?")
    }
    return try ScoresTable(csv: String(decoding: bytes, as: UTF8.self), path: scoresPath, indexed: summary.isIndexed)
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

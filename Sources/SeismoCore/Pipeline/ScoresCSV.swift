import Foundation

/// Writes `scores.csv` (its columns are described at `RunFolder`) a run of rows at a time, handing
/// the caller's `flush` a block's UTF-8 at a time, or about a mebibyte of smaller pieces, so
/// writing never holds the whole text. A run in memory is one call of `write`; a streamed run
/// calls it once per piece.
public struct ScoresCSV {
  /// One piece of a run: consecutive rows with the scores, cut-offs and alerts of those scored.
  public struct Rows: Sendable {
    public var frame: Frame
    /// Leading rows of `frame` in the training part.
    public var trainRows: Int
    /// Scores of `frame`'s rows (`firstRow` counted in `frame`).
    public var scores: Scores
    /// One per score.
    public var cutoffs: [Float]
    /// Scored indices where an event alerts.
    public var alerts: Set<Int>
    /// An ensemble's members' own scores and cut-offs, by scored index; nil for one detector.
    public var members: MemberScores?

    public init(
      frame: Frame, trainRows: Int, scores: Scores, cutoffs: [Float], alerts: Set<Int>, members: MemberScores? = nil
    ) {
      self.frame = frame
      self.trainRows = trainRows
      self.scores = scores
      self.cutoffs = cutoffs
      self.alerts = alerts
      self.members = members
    }
  }

  private var bytes: [UInt8] = []
  private static let chunk = 1 << 20
  /// Rows a thread formats at a time, when a piece has several such blocks (about half a
  /// megabyte of text: a streamed run holds a round of them).
  private static let block = 1 << 13
  /// Whether timestamps print with a time of day: once any row has one, every later row does.
  private var timeOfDay = false

  /// Starts the file with its header for `featureNames`, and an ensemble's `members` (more than
  /// one): each member's own score and cut-off (`member_1_score, member_1_threshold, …`, in the
  /// config's order) after the error columns.
  public init(featureNames: [String], members: Int = 1) {
    bytes.reserveCapacity(Self.chunk + 4096)
    let memberColumns = members > 1 ? (1...members).flatMap { ["member_\($0)_score", "member_\($0)_threshold"] } : []
    let header = CSVText.line(
      ["timestamp", "part", "score", "threshold", "is_anomaly", "alert"] + featureNames.map { "value_" + $0 }
        + featureNames.map { "error_" + $0 } + memberColumns)
    bytes += Array((header + "\n").utf8)
  }

  /// Appends the rows of `piece`. A piece of several blocks of rows has its blocks formatted on
  /// as many threads as the machine has cores, a round of blocks at a time: writing scores.csv
  /// took about half of a rolling z-score's `detect` of millions of rows.
  public mutating func write(_ piece: Rows, flush: ([UInt8]) throws -> Void) throws {
    timeOfDay = timeOfDay || piece.frame.hasTimeOfDay
    let rows = piece.frame.rowCount
    let threads = min(ProcessInfo.processInfo.activeProcessorCount, (rows + Self.block - 1) / Self.block)
    let alerts = piece.alerts.sorted()
    guard threads > 1 else {
      var lines = ScoresCSVLines(piece, alerts: alerts, timeOfDay: timeOfDay)
      for row in 0..<rows {
        lines.append(row, to: &bytes)
        if bytes.count >= Self.chunk { try flushBytes(flush) }
      }
      return
    }
    let timeOfDay = timeOfDay
    for first in stride(from: 0, to: rows, by: threads * Self.block) {
      var texts = [[UInt8]](repeating: [], count: threads)
      texts.withUnsafeMutableBufferPointer { texts in
        let shared = UnsafeTransfer(texts)
        DispatchQueue.concurrentPerform(iterations: threads) { k in
          let start = min(rows, first + k * Self.block)
          var lines = ScoresCSVLines(piece, alerts: alerts, timeOfDay: timeOfDay)
          shared.value[k] = lines.text(of: start..<min(rows, start + Self.block))
        }
      }
      // Each block's text goes to `flush` as it is, after the smaller pieces before it: copying
      // it into `bytes` first copied every byte once more on this thread, while the others waited.
      if !bytes.isEmpty { try flushBytes(flush) }
      for text in texts { try flush(text) }
    }
  }

  /// Hands the bytes so far to `flush`, and starts afresh.
  private mutating func flushBytes(_ flush: ([UInt8]) throws -> Void) throws {
    try flush(bytes)
    bytes.removeAll(keepingCapacity: true)
  }

  /// Hands the last bytes to `flush`.
  public mutating func finish(flush: ([UInt8]) throws -> Void) throws {
    try flush(bytes)
    bytes.removeAll()
  }
}

/// Formats the rows of one piece of a run as `scores.csv` lines (its columns are described at
/// `RunFolder`): what `ScoresCSV` writes, a block of rows at a time, each block on a thread of
/// its own.
struct ScoresCSVLines {
  // The piece's parts, kept apart: a row read through copies of them retained each one.
  let frame: Frame
  let trainRows: Int
  let scores: Scores
  let cutoffs: [Float]
  /// The scored indices where an event alerts, ascending, and the first not before the row
  /// formatted last: rows are formatted in order, so a row's alert is found without hashing.
  let alerts: [Int]
  private var nextAlert = 0
  let members: MemberScores?
  /// Whether timestamps print with a time of day.
  let timeOfDay: Bool
  /// The frame's features, counted once (`frame.featureCount` counts its names at each call).
  let featureCount: Int
  /// The last cut-off formatted and its text: cut-offs come in runs of one value.
  private var cutoff = Float.infinity
  private var cutoffText: [UInt8] = []

  /// The formatter of `piece`'s rows, whose `alerts` are given sorted.
  init(_ piece: ScoresCSV.Rows, alerts: [Int], timeOfDay: Bool) {
    (frame, trainRows, scores, cutoffs) = (piece.frame, piece.trainRows, piece.scores, piece.cutoffs)
    (self.alerts, members) = (alerts, piece.members)
    self.timeOfDay = timeOfDay
    featureCount = piece.frame.featureCount
  }

  /// The lines of `rows`.
  mutating func text(of rows: Range<Int>) -> [UInt8] {
    let first = rows.lowerBound - scores.firstRow
    nextAlert = alerts.partitioningIndex { $0 >= first }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows.count * 64)
    for row in rows { append(row, to: &bytes) }
    return bytes
  }

  /// Appends the line of `row` (a row of the piece's frame, after those formatted before), with
  /// its newline, to `bytes`.
  mutating func append(_ row: Int, to bytes: inout [UInt8]) {
    let comma = UInt8(ascii: ",")
    Frame.append(frame.timestamps[row], frame.timeKind, withTime: timeOfDay, to: &bytes)
    Self.append(row < trainRows ? ",train," : ",test,", to: &bytes)
    let i = scores.index(ofRow: row)
    if let i {
      if cutoffs[i] != cutoff {
        cutoff = cutoffs[i]
        cutoffText = cutoff.isFinite ? Array(String(cutoff).utf8) : []
      }
      Self.append(scores.values[i], to: &bytes)
      bytes.append(comma)
      bytes += cutoffText
      Self.append(scores.values[i] > cutoffs[i] ? ",1," : ",0,", to: &bytes)
      while nextAlert < alerts.count, alerts[nextAlert] < i { nextAlert += 1 }
      bytes.append(UInt8(ascii: nextAlert < alerts.count && alerts[nextAlert] == i ? "1" : "0"))
    } else {
      Self.append(",,,", to: &bytes)
    }
    for f in 0..<featureCount {
      bytes.append(comma)
      Self.append(frame.values[row * featureCount + f], to: &bytes)
    }
    for f in 0..<featureCount {
      bytes.append(comma)
      if let i { Self.append(scores.featureErrors[i * featureCount + f], to: &bytes) }
    }
    // A member without a score or a cut-off yet leaves its cell empty.
    for k in members?.scores.indices ?? 0..<0 {
      bytes.append(comma)
      if let i, let score = members?.scores[k][i], !score.isNaN { Self.append(score, to: &bytes) }
      bytes.append(comma)
      if let i, let cutoff = members?.cutoffs[k][i], cutoff.isFinite { Self.append(cutoff, to: &bytes) }
    }
    bytes.append(UInt8(ascii: "\n"))
  }

  /// Appends static text, the cells between those a row writes. Static text has no storage to
  /// retain: with `[UInt8]` constants and `frame.featureCount`, `perf` put retains at 7 % of a
  /// large run's samples, from the threads formatting at once; without them, under 1 %.
  static func append(_ text: StaticString, to bytes: inout [UInt8]) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Appends `value`'s text (`description`) to `bytes`, as one buffer (`withUTF8`): element by
  /// element (`utf8`) is several times slower.
  static func append(_ value: Float, to bytes: inout [UInt8]) {
    var text = value.description
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }
}

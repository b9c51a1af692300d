/// Formats the rows of one piece of a run as `scores.csv` lines (its columns are described at
/// `RunFolder`): what `ScoresCSV` writes, a block of rows at a time, each block on a thread of
/// its own.
struct ScoresCSVLines {
  // The piece's parts, kept apart: a row read through copies of them retained each one.
  let frame: Frame
  let trainRows: Int
  let scores: Scores
  let cutoffs: [Float]
  let alerts: Set<Int>
  let members: MemberScores?
  /// Whether timestamps print with a time of day.
  let timeOfDay: Bool
  /// The last cut-off formatted and its text: cut-offs come in runs of one value.
  private var cutoff = Float.infinity
  private var cutoffText: [UInt8] = []

  init(_ piece: ScoresCSV.Rows, timeOfDay: Bool) {
    (frame, trainRows, scores, cutoffs) = (piece.frame, piece.trainRows, piece.scores, piece.cutoffs)
    (alerts, members) = (piece.alerts, piece.members)
    self.timeOfDay = timeOfDay
  }

  /// The cells between those a row writes, as bytes.
  private static let (train, test) = (Array(",train,".utf8), Array(",test,".utf8))
  private static let (flagged, unflagged, unscored) = (Array(",1,".utf8), Array(",0,".utf8), Array(",,,".utf8))

  /// The lines of `rows`.
  mutating func text(of rows: Range<Int>) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows.count * 64)
    for row in rows { append(row, to: &bytes) }
    return bytes
  }

  /// Appends the line of `row` (a row of the piece's frame), with its newline, to `bytes`.
  mutating func append(_ row: Int, to bytes: inout [UInt8]) {
    let comma = UInt8(ascii: ",")
    Frame.append(frame.timestamps[row], frame.timeKind, withTime: timeOfDay, to: &bytes)
    bytes += row < trainRows ? Self.train : Self.test
    let i = scores.index(ofRow: row)
    if let i {
      if cutoffs[i] != cutoff {
        cutoff = cutoffs[i]
        cutoffText = cutoff.isFinite ? Array(String(cutoff).utf8) : []
      }
      Self.append(scores.values[i], to: &bytes)
      bytes.append(comma)
      bytes += cutoffText
      bytes += scores.values[i] > cutoffs[i] ? Self.flagged : Self.unflagged
      bytes.append(UInt8(ascii: alerts.contains(i) ? "1" : "0"))
    } else {
      bytes += Self.unscored
    }
    for f in 0..<frame.featureCount {
      bytes.append(comma)
      Self.append(frame[row, f], to: &bytes)
    }
    for f in 0..<frame.featureCount {
      bytes.append(comma)
      if let i { Self.append(scores.featureErrors[i * frame.featureCount + f], to: &bytes) }
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

  /// Appends `value`'s text (`description`) to `bytes`, as one buffer (`withUTF8`): element by
  /// element (`utf8`) is several times slower.
  static func append(_ value: Float, to bytes: inout [UInt8]) {
    var text = value.description
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }
}

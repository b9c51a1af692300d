/// Writes `scores.csv` (its columns are described at `RunFolder`) a run of rows at a time, handing
/// about a mebibyte of UTF-8 at a time to the caller's `flush`, so writing never holds the whole text. A run
/// in memory is one call of `write`; a streamed run calls it once per piece.
public struct ScoresCSV {
  /// One piece of a run: consecutive rows with the scores, cut-offs and alerts of those scored.
  public struct Rows {
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
  private var cutoff = Float.infinity
  private var cutoffText = ""
  /// Whether timestamps print with a time of day: once any row has one, every later row does.
  private var timeOfDay = false

  /// Starts the file with its header for `featureNames`, and an ensemble's `members` (more than
  /// one): each member's own score and cut-off (`member_1_score, member_1_threshold, …`, in the
  /// config's order) after the error columns.
  public init(featureNames: [String], members: Int = 1) {
    bytes.reserveCapacity(Self.chunk + 4096)
    let memberColumns = members > 1 ? (1...members).flatMap { ["member_\($0)_score", "member_\($0)_threshold"] } : []
    add(
      CSVText.line(
        ["timestamp", "part", "score", "threshold", "is_anomaly", "alert"] + featureNames.map { "value_" + $0 }
          + featureNames.map { "error_" + $0 } + memberColumns))
    add("\n")
  }

  // Appending UTF-8 bytes is several times faster than growing one String.
  private mutating func add(_ text: String) { bytes.append(contentsOf: text.utf8) }
  private mutating func add(_ value: Float) { bytes.append(contentsOf: value.description.utf8) }

  /// Appends the rows of `piece`.
  public mutating func write(_ piece: Rows, flush: ([UInt8]) throws -> Void) throws {
    let frame = piece.frame
    let scores = piece.scores
    let comma = UInt8(ascii: ",")
    timeOfDay = timeOfDay || frame.hasTimeOfDay
    for row in 0..<frame.rowCount {
      Frame.append(frame.timestamps[row], frame.timeKind, withTime: timeOfDay, to: &bytes)
      add(row < piece.trainRows ? ",train," : ",test,")
      let i = scores.index(ofRow: row)
      if let i {
        if piece.cutoffs[i] != cutoff {  // formatted once per distinct run of cut-offs
          cutoff = piece.cutoffs[i]
          cutoffText = cutoff.isFinite ? String(cutoff) : ""
        }
        add(scores.values[i])
        bytes.append(comma)
        add(cutoffText)
        add(scores.values[i] > piece.cutoffs[i] ? ",1," : ",0,")
        add(piece.alerts.contains(i) ? "1" : "0")
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
      // A member without a score or a cut-off yet leaves its cell empty.
      for k in piece.members?.scores.indices ?? 0..<0 {
        bytes.append(comma)
        if let i, let score = piece.members?.scores[k][i], !score.isNaN { add(score) }
        bytes.append(comma)
        if let i, let cutoff = piece.members?.cutoffs[k][i], cutoff.isFinite { add(cutoff) }
      }
      bytes.append(UInt8(ascii: "\n"))
      if bytes.count >= Self.chunk {
        try flush(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
  }

  /// Hands the last bytes to `flush`.
  public mutating func finish(flush: ([UInt8]) throws -> Void) throws {
    try flush(bytes)
    bytes.removeAll()
  }
}

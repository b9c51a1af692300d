/// A frame and an account of how it was read.
public struct LoadedFrame: Sendable {
  public var frame: Frame
  /// Where it came from, as users name it (a path, a table).
  public var origin: String
  /// Data rows read before the gap policy.
  public var rowsRead: Int
  /// Cells filled by the gap policy.
  public var cellsFilled: Int
  /// Rows removed by the gap policy.
  public var rowsDropped: Int
  /// Whether rows came out of time order and were sorted.
  public var sortedByTime = false
  /// Rows removed by merging duplicate timestamps, and the policy that merged them.
  public var duplicateRowsMerged = 0
  public var duplicatePolicy = DuplicatePolicy.error
  /// Features whose last rows `ffill` filled, over a longer gap than any earlier one of theirs.
  public var carriedToEnd: [GapPolicy.Carry] = []
  /// Features whose last rows `ffill` filled, however few: those not `carriedToEnd` are a value
  /// a day or two late, or a market closed on the last day, which the last row is scored with.
  public var filledAtEnd: [GapPolicy.Carry] = []
  /// Features with a long run of rows inside their data that `ffill` filled.
  public var holes: [GapPolicy.Hole] = []
  /// Features whose first value came after the data's first row, latest first: the gap policy
  /// dropped the rows before it.
  public var lateStarts: [GapPolicy.LateStart] = []
  /// Features whose last value came before the data's last row, earliest first: `drop` dropped
  /// the rows after it.
  public var earlyEnds: [GapPolicy.EarlyEnd] = []
  /// Features `ffill` carried over more than half of their rows: another frequency.
  public var sparse: [GapPolicy.Sparse] = []
  /// Features whose last rows repeat one value, longer than ever before (`StaleValues`), other
  /// than those carried to the end: found in `frame`, or over every piece a stream read.
  public var staleToEnd: [GapPolicy.Carry] {
    staleOverPieces ?? StaleValues.atEnd(of: frame, besides: Set(carriedToEnd.map(\.feature)))
  }
  /// `staleToEnd` as a stream found it over its pieces (its `frame` keeps the last row only).
  public var staleOverPieces: [GapPolicy.Carry]?
  /// Features the source read because its config lists none (every column) whose every value
  /// is 0 or 1, both present: a label column, which read as a feature flags its own anomalies
  /// (`noteLabelLikeFeatures`).
  public var labelLike: [Int] = []
  /// What the source looked for as the time column and did not find, so that it numbered the
  /// rows (nil: it found one, or was told to number them).
  public var timeColumnNotFound: String?
  /// The first time as the source wrote it (a CSV's cell, or a `timestamptz` as the database
  /// session shows it), with an offset from UTC, when it writes them so, then the first with
  /// another offset (daylight saving): every output shows times in UTC, which `logLine` says.
  public var timesWrittenWithOffset: [String] = []

  public init(frame: Frame, origin: String, rowsRead: Int, cellsFilled: Int = 0, rowsDropped: Int = 0) {
    self.frame = frame
    self.origin = origin
    self.rowsRead = rowsRead
    self.cellsFilled = cellsFilled
    self.rowsDropped = rowsDropped
  }

  /// `frame`, read from `origin`'s `rowsRead` rows, after the gap policy did `gaps` and the
  /// duplicate policy `policy` merged `duplicateRowsMerged` rows.
  public init(
    frame: Frame, origin: String, rowsRead: Int, gaps: GapPolicy.Outcome, duplicateRowsMerged: Int,
    policy: DuplicatePolicy
  ) {
    self.init(
      frame: frame, origin: origin, rowsRead: rowsRead, cellsFilled: gaps.cellsFilled, rowsDropped: gaps.rowsDropped)
    carriedToEnd = gaps.carriedToEnd
    filledAtEnd = gaps.filledAtEnd
    holes = gaps.holes
    lateStarts = gaps.lateStarts
    earlyEnds = gaps.earlyEnds
    sparse = gaps.sparse
    self.duplicateRowsMerged = duplicateRowsMerged
    duplicatePolicy = policy
  }

  /// What was loaded, for the log: `loaded 1140 rows × 4 features (vix, nasdaq_futures,
  /// treasury_30y, gold_futures) from market.csv (gaps: 3 cells filled, 8 rows dropped)`.
  public var logLine: String {
    let n = frame.featureCount
    let gaps =
      cellsFilled + rowsDropped > 0 ? " (gaps: \(cellsFilled) cells filled, \(rowsDropped) rows dropped)" : ""
    return
      "loaded \(frame.rowCount) rows × \(n) feature\(n == 1 ? "" : "s") (\(EditDistance.listing(frame.featureNames))) from \(origin)\(gaps)\(utcNote)"
  }

  /// `; times are shown in UTC: 2020-02-03 09:30:00-05:00 as 2020-02-03 14:30:00` when the
  /// source writes its times with an offset (`timesWrittenWithOffset`), and `, 2020-03-09
  /// 09:30:00-04:00 as 2020-03-09 13:30:00` when it writes another later; else empty.
  public var utcNote: String {
    let shown = timesWrittenWithOffset.compactMap { written in
      TimestampParser().parse(written).map { "\(written) as \(frame.formatTimestamp($0))" }
    }
    return shown.isEmpty ? "" : "; times are shown in UTC: " + shown.joined(separator: ", ")
  }

  /// Forgets what the features read together did to one another's rows: the rows one's late
  /// start or early end cut from the others, and one carried over another's rows. A feature read
  /// alone has its own rows (`--each` where rows were dropped).
  public mutating func forgetWhatJoiningDid() {
    lateStarts = []
    earlyEnds = []
    sparse = []
  }

  /// Notes the features whose every value is 0 or 1, both present (`labelLike`): what a source
  /// calls when its config lists no features and it reads every column.
  public mutating func noteLabelLikeFeatures() {
    let (f, rows) = (frame.featureCount, frame.rowCount)
    labelLike = (0..<f).filter { j in
      var seen = (zero: false, one: false)
      for r in 0..<rows {  // most columns stop at their first value
        switch frame.values[r * f + j] {
        case 0: seen.zero = true
        case 1: seen.one = true
        default: return false
        }
      }
      return seen.zero && seen.one
    }
  }

  /// This frame cut to features `features` (indices, in that order), its origin naming them:
  /// `market.csv [vix]`.
  public func selecting(features: [Int]) -> LoadedFrame {
    var picked = self
    if features != Array(0..<frame.featureCount) { picked.frame = frame.selecting(features: features) }
    func narrowed<Note: GapPolicy.FeatureNote>(_ notes: [Note]) -> [Note] {
      notes.compactMap { note in
        features.firstIndex(of: note.feature).map {
          var kept = note
          kept.feature = $0
          return kept
        }
      }
    }
    picked.carriedToEnd = narrowed(carriedToEnd)
    picked.filledAtEnd = narrowed(filledAtEnd)
    picked.staleOverPieces = staleOverPieces.map(narrowed)
    picked.holes = narrowed(holes)
    picked.sparse = narrowed(sparse)
    // Cuts are kept while a feature that cut the most is picked: the frame's rows start (or end) at it.
    func kept<Cut: GapPolicy.Cut>(_ cuts: [Cut]) -> [Cut] {
      cuts.prefix { $0.rows == cuts[0].rows }.contains { features.contains($0.feature) } ? narrowed(cuts) : []
    }
    picked.lateStarts = kept(lateStarts)
    picked.labelLike = labelLike.compactMap { features.firstIndex(of: $0) }
    picked.earlyEnds = kept(earlyEnds)
    picked.origin = "\(origin) [\(features.map { frame.featureNames[$0] }.joined(separator: ", "))]"
    return picked
  }

  /// This frame cut to feature `j` (one indicator of `--each` or of a job).
  public func selecting(feature j: Int) -> LoadedFrame { selecting(features: [j]) }

  /// This frame with the features a saved model was trained on, `names`, in the model's order:
  /// itself when it has exactly those, cut to them when it has them among others (the run of one
  /// indicator of `--each` over a query, which cannot load that indicator alone). Throws, naming
  /// both lists, when it lacks any.
  public func withFeatures(_ names: [String], for what: String) throws -> LoadedFrame {
    guard frame.featureNames != names else { return self }
    let indices = names.compactMap(frame.featureIndex)
    guard indices.count == names.count else { throw frame.featureMismatch(names, for: what) }
    return selecting(features: indices)
  }
}

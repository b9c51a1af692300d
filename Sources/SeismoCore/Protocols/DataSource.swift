/// Yields a `Frame`: timestamps plus named feature columns on one time axis.
///
/// Sources apply their gap policy (see `GapPolicy`) and report what it did, so a run's summary
/// can say how many cells were filled or rows dropped.
public protocol DataSource {
  func load() throws -> LoadedFrame

  /// `load`, telling `observer` how far it has read (a file's bytes, a table's rows), for a
  /// progress line on long reads; a source that cannot tell loads as `load` does.
  func load(observer: ProgressObserver?) throws -> LoadedFrame

  /// `parameters` changed so the source loads only the indicator (feature) named `indicator`, or
  /// nil when it cannot say so (it then loads every indicator and the caller selects one). A
  /// queued job of `--each` loads its own indicator this way.
  static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters?

  /// Whether `narrowing` can change the rows an indicator has: a long table's symbol read alone
  /// has its own times only, where a load of every symbol has the times of all (the gaps filled
  /// by the gap policy). `detect --each` then loads each indicator alone, as its stored run and
  /// its job read it.
  static func narrowingChangesRows(_ parameters: Parameters) -> Bool

  /// Every indicator as `narrowing` would load it alone (its own rows), by name, from one read
  /// of the data; nil when the source cannot (the caller then loads each narrowed). `--each`
  /// asks where narrowing changes the rows, so that a long file of 500 symbols is read once,
  /// not once a symbol.
  func loadEachAlone() throws -> [String: LoadedFrame]?

  /// The indicators (features) `load` would return, found without reading the rows (a CSV's
  /// header, a table's columns or symbols), or nil when the source cannot tell without loading. `--each`
  /// asks when its indicators cannot be loaded together, to read each alone.
  func indicatorNames() throws -> [String]?

  /// `load`, less the rows at the end that miss a feature the source waits for (`wait_for`) and
  /// come after `settled` (rows already scored never wait), with what they wait for: how
  /// incremental scoring reads a source it reads whole. A source that does not wait loads as
  /// `load` does.
  func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?)
}

/// A source that can hand its rows over a piece at a time, so a series larger than memory can be
/// scored in fixed memory (`seismo score --stream`).
public protocol StreamingSource: DataSource {
  /// Calls `body` with consecutive pieces of the data, in time order, of about `rows` rows each,
  /// each with its gap and duplicate policies applied as `load` would apply them to the whole.
  /// The counts of each piece (rows read, cells filled, rows dropped and merged) are its own.
  /// Throws, naming the line, when rows come out of time order: a stream cannot sort.
  /// `observer` hears how far it has read, as `load(observer:)`'s does.
  func stream(rows: Int, observer: ProgressObserver?, _ body: (LoadedFrame) throws -> Void) throws
}

extension DataSource {
  public func load(observer: ProgressObserver?) throws -> LoadedFrame { try load() }
  public static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters? { nil }
  public static func narrowingChangesRows(_ parameters: Parameters) -> Bool { false }
  public func indicatorNames() throws -> [String]? { nil }
  public func loadEachAlone() throws -> [String: LoadedFrame]? { nil }
  public func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?) { (try load(), nil) }
}

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

  /// What a run says about the load besides `logLine`: rows sorted, timestamps merged, the
  /// first or last rows dropped for a feature that starts late or stops early, features whose
  /// data stopped before the last row (carried there by `ffill`), repeats one value at the end
  /// (stale) or has a hole, and rows numbered for want of a time column.
  public var warnings: [String] {
    var said: [String] = []
    if sortedByTime { said.append("warning: \(origin) had rows out of time order; they were sorted") }
    if duplicateRowsMerged > 0 {
      said.append(
        "warning: \(duplicateRowsMerged) rows of \(origin) repeated a timestamp and were merged (duplicates: \(duplicatePolicy.rawValue))"
      )
    }
    said += labelLike.compactMap(labelWarning(_:))
    said += [lateStartWarning, earlyEndWarning].compactMap { $0 }
    said += sparse.compactMap(warning(_:))
    said += carriedToEnd.compactMap(warning(_:))
    let long = Set(carriedToEnd.map(\.feature))
    said += filledAtEnd.filter { !long.contains($0.feature) }.compactMap(lastRowsWarning(_:))
    said += staleToEnd.compactMap(staleWarning(_:))
    said += holes.compactMap(warning(_:))
    if let timeColumnNotFound {
      said.append(
        "warning: \(origin) has no time column (\(timeColumnNotFound)), so its rows are numbered 0, 1, 2, …; name its time column with time_column, or set time_column: none if its rows have no time"
      )
    }
    return said
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

  /// The warning that a feature read because the config lists none looks like a label; nil for
  /// a feature the frame does not have.
  public func labelWarning(_ feature: Int) -> String? {
    guard feature < frame.featureCount else { return nil }
    let name = frame.featureNames[feature]
    return
      "warning: \(name) holds only 0 and 1, as a label column does, and is read as a feature because the source lists no columns: a detector that sees the labels flags them. List the features in columns; evaluate --labels FILE --label-column \(name) scores the flags against it"
  }

  /// The warning that the gap policy dropped the data's first rows, before the first value of
  /// the feature (or features) that start last, when worth a word (`GapPolicy.worthAWord`): one
  /// late-listed indicator cuts every other's history. Nil otherwise.
  public var lateStartWarning: String? { cutWarning(lateStarts) }

  /// The warning that `drop` dropped the data's last rows, after the last value of the feature
  /// (or features) that end first, when worth a word: one indicator that stopped cuts every
  /// other's recent rows, which are then never scored. Nil otherwise.
  public var earlyEndWarning: String? { cutWarning(earlyEnds) }

  /// `warning: F has no value before T, so gaps: P leaves out the N rows before that (from T₀)
  /// for every feature, and the history starts there; without it the data would start at …`
  private func cutWarning<C: GapPolicy.Cut>(_ cuts: [C]) -> String? {
    guard let (cutting, next) = GapPolicy.worthAWord(cuts, features: frame.featureCount, rowsRead: rowsRead),
      let cut = cutting.first
    else { return nil }
    let edge = C.edge
    let (noValue, dropped) = GapPolicy.phrases(cut, frame.formatTimestamp)
    let names = cutting.map { frame.featureNames[$0.feature] }
    let it = names.count == 1 ? "it" : "them"
    let without =
      next.map { "\(frame.formatTimestamp($0.value)) (\(frame.featureNames[$0.feature])'s \(edge.ordinal) value)" }
      ?? "its \(edge.ordinal) row (\(frame.formatTimestamp(cut.bound)))"
    return
      "warning: \(EditDistance.listing(names)) \(names.count == 1 ? "has" : "have") no value \(noValue), so gaps: \(cut.policy.rawValue) leaves out the \(dropped) for every feature, and the history \(edge.word)s there; without \(it) the data would \(edge.word) at \(without). Read the others without \(it), or give each indicator its own rows with detect --each"
  }

  /// The warning that a feature has a value of its own on at most half of its rows (`Sparse`);
  /// nil for a feature the frame does not have.
  public func warning(_ sparse: GapPolicy.Sparse) -> String? {
    guard sparse.feature < frame.featureCount else { return nil }
    let share = Int((100 * Double(sparse.own) / Double(sparse.rows)).rounded())
    return
      "warning: \(frame.featureNames[sparse.feature]) has a value of its own on \(sparse.own) of the \(sparse.rows) rows from its first value to its last (\(share) %), and gaps: ffill carries it over the others: it moves in steps (a weekly series among daily rows?), which a detector may flag. Read it in a run of its own, or the others at its frequency"
  }

  /// The warning that `ffill` carried a feature's last value to the end of the data; nil for a
  /// feature the frame does not have.
  public func warning(_ carry: GapPolicy.Carry) -> String? {
    guard carry.feature < frame.featureCount else { return nil }
    return
      "warning: \(frame.featureNames[carry.feature]) has no value after \(frame.formatTimestamp(carry.after)): gaps: ffill carries that value through the last \(carry.rows) rows (from \(frame.formatTimestamp(carry.from)) on); its data stopped, or is late"
  }

  /// The warning that `ffill` filled a feature's last few rows (`filledAtEnd`, not long enough to
  /// be `carriedToEnd`): the last row is scored with a value of an earlier one. Nil for a feature
  /// the frame does not have.
  public func lastRowsWarning(_ carry: GapPolicy.Carry) -> String? {
    guard carry.feature < frame.featureCount else { return nil }
    let rows =
      carry.rows == 1
      ? "the last row (\(frame.formatTimestamp(carry.from)))"
      : "the last \(carry.rows) rows (from \(frame.formatTimestamp(carry.from)) on)"
    return
      "warning: \(frame.featureNames[carry.feature]) has no value on \(rows): gaps: ffill carries its value of \(frame.formatTimestamp(carry.after)) there, and the scores use it; its data is late, or it had no row then"
  }

  /// The warning that a feature's last rows repeat one value (`staleToEnd`); nil for a feature
  /// the frame does not have.
  public func staleWarning(_ stale: GapPolicy.Carry) -> String? {
    guard stale.feature < frame.featureCount, frame.rowCount > 0 else { return nil }
    let value = frame[frame.rowCount - 1, stale.feature]
    return
      "warning: \(frame.featureNames[stale.feature]) has kept its value of \(frame.formatTimestamp(stale.after)) (\(value)) through the last \(stale.rows) rows (from \(frame.formatTimestamp(stale.from)) on), longer than ever before: its data may be stale (a feed resending its last print), which reads as a calm market"
  }

  /// The warning that `ffill` filled a hole inside a feature's data; nil for a feature the frame
  /// does not have.
  public func warning(_ hole: GapPolicy.Hole) -> String? {
    guard hole.feature < frame.featureCount else { return nil }
    return
      "warning: \(frame.featureNames[hole.feature]) has no value from \(frame.formatTimestamp(hole.from)) to \(frame.formatTimestamp(hole.to)): gaps: ffill carries its value of \(frame.formatTimestamp(hole.after)) over \(hole.rows) rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
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

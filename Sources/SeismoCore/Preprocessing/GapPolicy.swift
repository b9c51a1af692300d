/// What a source does with empty cells (gaps) in the selected columns.
///
/// - `drop`: remove every row that has a gap in any selected column.
/// - `ffill`: carry each column's last value forward; rows before a column's first value (leading
///   gaps, where there is nothing to carry) are dropped.
/// - `error`: refuse the data, naming the first gap.
/// - `keep`: leave gaps empty. Only `seismo ingest` offers it (they are stored as NULL, for the
///   source's own policy to handle when the table is read); a detector needs every cell, so no
///   source parameter accepts it.
public enum GapPolicy: String, Sendable, CaseIterable {
  case drop, ffill, error, keep

  /// The parameter every source declares for it (every policy but `keep`).
  public static let parameter = Parameter<GapPolicy>(
    "gaps", default: .ffill, cases: [.drop, .ffill, .error],
    help: "empty cells: ffill (carry the last value forward; leading gaps dropped), drop (drop the row), error")

  /// A feature `ffill` carried over the last `rows` rows, a longer gap than any earlier one of
  /// that feature and at least `Carry.noticed` rows: its data stopped, or is late. Its last value
  /// is at `after`; the carried rows start at `from`.
  public struct Carry: FeatureNote, Equatable, Sendable {
    public var feature: Int
    public var rows: Int
    public var after: Timestamp
    public var from: Timestamp

    /// The shortest trailing gap worth a word.
    public static let noticed = 5

    public init(feature: Int, rows: Int, after: Timestamp, from: Timestamp) {
      self.feature = feature
      self.rows = rows
      self.after = after
      self.from = from
    }

    /// The carry of `feature` over the last `rows` of `timestamps` (which must hold more rows).
    public init(feature: Int, rows: Int, endOf timestamps: [Timestamp]) {
      let first = timestamps.count - rows
      self.init(feature: feature, rows: rows, after: timestamps[first - 1], from: timestamps[first])
    }
  }

  /// The longest run of rows inside a feature's data (a value before and after it) that `ffill`
  /// filled, when it is at least `Hole.noticed` rows: a hole in the data, over which the feature
  /// is flat, and after which it jumps. The value carried is from `after`; the filled rows run
  /// from `from` to `to`.
  public struct Hole: FeatureNote, Equatable, Sendable {
    public var feature: Int
    public var rows: Int
    public var after: Timestamp
    public var from: Timestamp
    public var to: Timestamp

    /// The shortest hole worth a word: longer than a market's usual closures (a long weekend, a
    /// week of holidays on another market's calendar).
    public static let noticed = 10

    public init(feature: Int, rows: Int, after: Timestamp, from: Timestamp, to: Timestamp) {
      self.feature = feature
      self.rows = rows
      self.after = after
      self.from = from
      self.to = to
    }
  }

  /// A feature with a value of its own on at most half of the `rows` rows from its first value
  /// to its last (`own` of them), with gaps all through, `ffill` carrying it over the rest: a
  /// series of another frequency (weekly among daily rows), which moves in steps that a detector
  /// may flag.
  public struct Sparse: FeatureNote, Equatable, Sendable {
    public var feature: Int
    public var own: Int
    public var rows: Int

    /// The fewest rows judged.
    public static let fewestRows = 20

    public init(feature: Int, own: Int, rows: Int) {
      self.feature = feature
      self.own = own
      self.rows = rows
    }
  }

  /// What the policy carries from one piece of a series into the next: each column's last
  /// value and its time, the gap since (which `ffill` fills and `drop` drops), where each
  /// column's values begin, and (for `ffill`) how they are spread. A series read whole is one piece.
  public struct Carrying<Value: BinaryFloatingPoint & Sendable>: Sendable {
    /// Each column's last value (NaN: none yet) and its time.
    @usableFromInline var last: [Value]
    @usableFromInline var lastTime: [Timestamp]
    /// Empty cells since each column's last value, and the times of the first and last of them.
    @usableFromInline var run: [Int]
    @usableFromInline var runFrom: [Timestamp]
    @usableFromInline var runTo: [Timestamp]
    /// Each column's longest run that a value ended, as a hole (nil: none yet).
    @usableFromInline var longestHole: [Hole?]
    /// Each column's values, the empty cells between two of them, and the runs those make.
    @usableFromInline var ownValues: [Int]
    @usableFromInline var filledBetween: [Int]
    @usableFromInline var runsBetween: [Int]
    /// The times of the first and the last row read (nil: none yet), and each column's rows
    /// read before its first value and that value's time (nil: none yet).
    @usableFromInline var start: Timestamp?
    @usableFromInline var end: Timestamp?
    @usableFromInline var leadingRows: [Int]
    @usableFromInline var firstValue: [Timestamp?]

    public init(featureCount f: Int) {
      last = [Value](repeating: .nan, count: f)
      lastTime = [Timestamp](repeating: 0, count: f)
      run = [Int](repeating: 0, count: f)
      runFrom = lastTime
      runTo = lastTime
      longestHole = [Hole?](repeating: nil, count: f)
      leadingRows = run
      ownValues = run
      filledBetween = run
      runsBetween = run
      firstValue = [Timestamp?](repeating: nil, count: f)
    }

    /// Carries `value`, column `j`'s last at `time` in the rows before those read (a table's, which
    /// a file's rows are appended to), into the first empty cells read, as `ffill` carries a
    /// value of the rows read.
    public mutating func carry(_ value: Value, into j: Int, from time: Timestamp) {
      last[j] = value
      lastTime[j] = time
      firstValue[j] = time
    }

    /// Counts, for each column without a value yet, the rows of row-major `values` before its
    /// first, and notes the times of the first and the last row read.
    @inlinable
    mutating func noteEdges(_ values: [Value], timestamps: [Timestamp], featureCount f: Int) {
      if start == nil { start = timestamps.first }
      end = timestamps.last ?? end
      for j in 0..<f where firstValue[j] == nil {
        var r = 0
        while r < timestamps.count, values[r * f + j].isNaN { r += 1 }
        leadingRows[j] += r
        if r < timestamps.count { firstValue[j] = timestamps[r] }
      }
    }

    /// Notes, for `drop`, each column's last value in row-major `values` and the empty cells
    /// after it (`run`), which a column without a value yet does not count.
    @inlinable
    mutating func noteLastValues(_ values: [Value], timestamps: [Timestamp], featureCount f: Int) {
      let rows = timestamps.count
      for j in 0..<f where firstValue[j] != nil {
        var r = rows - 1
        while r >= 0, values[r * f + j].isNaN { r -= 1 }
        if r >= 0 {
          last[j] = values[r * f + j]
          lastTime[j] = timestamps[r]
          run[j] = rows - 1 - r
        } else {
          run[j] += rows
        }
      }
    }

    /// The columns whose first value came after the first row read, latest first (`policy`
    /// dropped the rows before it).
    @usableFromInline
    func lateStarts(_ policy: GapPolicy) -> [LateStart] {
      guard let start else { return [] }
      return leadingRows.indices.compactMap { j in
        firstValue[j].flatMap { first in
          leadingRows[j] > 0
            ? LateStart(feature: j, rows: leadingRows[j], from: start, first: first, policy: policy) : nil
        }
      }.sorted(by: GapPolicy.mostRowsFirst)
    }

    /// The columns whose last value came before the last row read, earliest first (`drop`
    /// dropped the rows after it).
    @usableFromInline
    var earlyEnds: [EarlyEnd] {
      guard let end else { return [] }
      return run.indices.filter { run[$0] > 0 }.map { EarlyEnd(feature: $0, rows: run[$0], last: lastTime[$0], to: end) }
        .sorted(by: GapPolicy.mostRowsFirst)
    }

    /// Each column's longest hole in what has been read, when worth a word.
    public var holes: [Hole] { longestHole.compactMap { $0 }.filter { $0.rows >= Hole.noticed } }

    /// The rows of column `j`'s longest run that a value ended (0: none).
    @inlinable
    func longest(_ j: Int) -> Int { longestHole[j]?.rows ?? 0 }

    /// A value of column `j` ends the run of filled rows before it.
    @inlinable
    mutating func endRun(_ j: Int) {
      if run[j] > longest(j) {
        longestHole[j] = Hole(feature: j, rows: run[j], after: lastTime[j], from: runFrom[j], to: runTo[j])
      }
      ownValues[j] += 1
      filledBetween[j] += run[j]
      if run[j] > 0 { runsBetween[j] += 1 }
      run[j] = 0
    }

    /// The columns with a value of their own on at most half of the rows from their first value
    /// to their last, over at least `Sparse.fewestRows` rows, with a gap after at least every
    /// other value: spread through the data, as another frequency is, not one long hole.
    public var sparse: [Sparse] {
      ownValues.indices.compactMap { j in
        let (own, rows) = (ownValues[j], ownValues[j] + filledBetween[j])
        return rows >= Sparse.fewestRows && 2 * own <= rows && 2 * runsBetween[j] >= own
          ? Sparse(feature: j, own: own, rows: rows) : nil
      }
    }

    /// The columns carried to the end of what has been read, over a gap worth a word.
    public var carriedToEnd: [Carry] { filledAtEnd.filter { $0.rows >= Carry.noticed && $0.rows > longest($0.feature) } }

    /// Every column whose last rows were filled, however few.
    public var filledAtEnd: [Carry] {
      run.indices.filter { run[$0] > 0 }.map { Carry(feature: $0, rows: run[$0], after: lastTime[$0], from: runFrom[$0]) }
    }
  }

  /// The outcome of applying a policy.
  public struct Outcome: Equatable, Sendable {
    public var cellsFilled: Int
    public var rowsDropped: Int
    /// The features `ffill` carried to the end, by feature: over all the pieces read so far.
    public var carriedToEnd: [Carry] = []
    /// The features whose last rows `ffill` filled, however few (`Carrying.filledAtEnd`).
    public var filledAtEnd: [Carry] = []
    /// Each feature's longest hole that `ffill` filled, when worth a word: over all the pieces
    /// read so far.
    public var holes: [Hole] = []
    /// When every row was dropped: the features without a value in any of them (nor one carried
    /// in), which no policy can fill. Empty otherwise.
    public var emptyFeatures: [Int] = []
    /// The features whose first value came after the data's first row, latest first: over all
    /// the pieces read so far.
    public var lateStarts: [LateStart] = []
    /// `drop`'s: the features whose last value came before the data's last row, earliest first:
    /// over all the pieces read so far.
    public var earlyEnds: [EarlyEnd] = []
    /// `ffill`'s: the features with a value of their own on at most half of their rows: over all
    /// the pieces read so far.
    public var sparse: [Sparse] = []

    @inlinable
    public init(cellsFilled: Int = 0, rowsDropped: Int = 0) {
      self.cellsFilled = cellsFilled
      self.rowsDropped = rowsDropped
    }
  }

  /// Applies the policy to row-major `values` (NaN marks a gap; `keep` leaves them), removing dropped rows from
  /// `values`, `timestamps` and `rowLabels` alike.
  /// - Parameter gapError: the error for a gap at (row, feature) under `.error`.
  @inlinable
  public func apply<Value: BinaryFloatingPoint & Sendable>(
    values: inout [Value], timestamps: inout [Timestamp], rowLabels: inout [Int32], featureCount f: Int,
    gapError: (_ row: Int, _ feature: Int) -> SeismoError
  ) throws -> Outcome {
    var carrying = Carrying<Value>(featureCount: f)
    return try apply(
      values: &values, timestamps: &timestamps, rowLabels: &rowLabels, featureCount: f, carrying: &carrying,
      gapError: gapError)
  }

  /// `apply` on one piece of a longer series: `carrying` holds what `ffill` carries in from the
  /// pieces before (`Carrying(featureCount:)` for the first), and is left holding it for the next.
  @inlinable
  public func apply<Value: BinaryFloatingPoint & Sendable>(
    values: inout [Value], timestamps: inout [Timestamp], rowLabels: inout [Int32], featureCount f: Int,
    carrying state: inout Carrying<Value>, gapError: (_ row: Int, _ feature: Int) -> SeismoError
  ) throws -> Outcome {
    var outcome = Outcome()
    let rows = timestamps.count
    var keep = [Bool](repeating: true, count: rows)
    switch self {
    case .keep:
      return outcome
    case .error:
      if let i = values.firstIndex(where: \.isNaN) { throw gapError(i / f, i % f) }
      return outcome
    case .drop:
      state.noteEdges(values, timestamps: timestamps, featureCount: f)
      outcome.lateStarts = state.lateStarts(self)
      for r in 0..<rows where values[r * f..<(r + 1) * f].contains(where: \.isNaN) { keep[r] = false }
      state.noteLastValues(values, timestamps: timestamps, featureCount: f)
      outcome.earlyEnds = state.earlyEnds
    case .ffill:
      state.noteEdges(values, timestamps: timestamps, featureCount: f)
      outcome.lateStarts = state.lateStarts(self)
      for j in 0..<f {
        // The column's last value and its time, kept here and handed back to `state` where it
        // reads them: every cell touched `state`'s arrays (`perf`: 15 ns a cell, the most of a
        // 1M-row load after parsing it).
        var (last, lastTime) = (state.last[j], state.lastTime[j])
        for r in 0..<rows {
          let i = r * f + j
          if values[i].isNaN {
            if last.isNaN {
              keep[r] = false
            } else {
              values[i] = last
              outcome.cellsFilled += 1
              if state.run[j] == 0 { state.runFrom[j] = timestamps[r] }
              state.runTo[j] = timestamps[r]
              state.run[j] += 1
            }
          } else {
            if state.run[j] == 0 {
              state.ownValues[j] += 1  // what `endRun` does after a value
            } else {
              state.lastTime[j] = lastTime
              state.endRun(j)
            }
            (last, lastTime) = (values[i], timestamps[r])
          }
        }
        (state.last[j], state.lastTime[j]) = (last, lastTime)
      }
      outcome.carriedToEnd = state.carriedToEnd
      outcome.filledAtEnd = state.filledAtEnd
      outcome.holes = state.holes
      outcome.sparse = state.sparse
    }
    outcome.rowsDropped = keep.lazy.filter { !$0 }.count
    guard outcome.rowsDropped > 0 else { return outcome }
    if outcome.rowsDropped == rows {
      outcome.emptyFeatures = (0..<f).filter { j in
        self == .ffill ? state.last[j].isNaN : (0..<rows).allSatisfy { values[$0 * f + j].isNaN }
      }
    }
    var kept = 0
    for r in 0..<rows where keep[r] {
      if kept != r {
        for j in 0..<f { values[kept * f + j] = values[r * f + j] }
        timestamps[kept] = timestamps[r]
        rowLabels[kept] = rowLabels[r]
      }
      kept += 1
    }
    values.removeLast((rows - kept) * f)
    timestamps.removeLast(rows - kept)
    rowLabels.removeLast(rows - kept)
    return outcome
  }

  /// Why no row is left after this policy, when `outcome` (of features `names`) dropped every
  /// row: the features without a value, or `otherwise`.
  public func noRowsLeft(_ outcome: Outcome, names: [String], otherwise: String) -> String {
    let empty = outcome.emptyFeatures.map { "'\(names[$0])'" }
    guard !empty.isEmpty else { return "no rows left after the gap policy '\(rawValue)' (\(otherwise))" }
    let one = empty.count == 1
    return
      "no rows left after the gap policy '\(rawValue)': \(one ? "feature" : "features") \(empty.joined(separator: ", ")) \(one ? "has" : "have") no value in any row"
  }
}

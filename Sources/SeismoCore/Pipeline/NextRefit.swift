/// Where a walk-forward run's next fold starts, for a reader that sees its series grow a few
/// rows at a time (`seismo watch`) without keeping every row: at a row, or at the first row on or
/// after a time (a calendar period). Rows from there on are due a refit (`Refit`).
public enum NextRefit: Sendable, Equatable {
  /// The fold starts at this series row (`refit_every` in rows).
  case row(Int)
  /// The fold starts at the first row on or after this time (a calendar `refit_every`).
  case time(Timestamp)

  /// Whether a series of `rows` rows, the last at `lastTime`, has the fold's first row.
  public func isDue(rows: Int, lastTime: Timestamp) -> Bool {
    switch self {
    case .row(let row): return rows > row
    case .time(let time): return lastTime >= time
    }
  }
}

extension SplitPolicy {
  /// Where the fold after `folds` (a run's, planned by this split over `frame`'s rows) starts
  /// as the series grows, as `folds(of:trainRows:)` would place it; nil without refits, or when
  /// the last fold has scored no row of `frame`.
  public func nextRefit(after folds: [Fold], in frame: Frame) -> NextRefit? {
    guard let refitEvery, let first = folds.first, let last = folds.last, last.trainEnd < frame.rowCount else {
      return nil
    }
    switch refitEvery {
    case .rows(let n): return .row(last.trainEnd + n)
    case .days, .months:
      // The first period boundary after the last fold's first row: boundaries count from the
      // first test row's time, and a boundary the last fold's first row has passed starts none.
      let (start, lastStart) = (frame.timestamps[first.trainEnd], frame.timestamps[last.trainEnd])
      var k = 1
      while refitEvery.advance(start, by: k) <= lastStart { k += 1 }
      return .time(refitEvery.advance(start, by: k))
    }
  }
}

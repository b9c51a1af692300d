import SeismoCore
import SeismoPostgres

/// Reading a table's new rows only (`seismo watch`), instead of the whole table at every batch.
extension PostgresSource {
  /// How far a reader of new rows has read the table.
  public struct ReadPosition: Sendable {
    /// The features read, in order (a wide table's columns, a long table's symbols).
    public let features: [String]
    /// The last time read; nil before the first read.
    public internal(set) var lastTime: Timestamp?
    /// The table's rows read so far (a long table's: one a symbol and time), within from and to.
    var tableRows = 0
    /// What `ffill` carries into the next rows (each feature's last value, its gap); nil before the first read.
    var carried: GapPolicy.Carrying<Float>?
    /// Rows up to this time are read as they are, never held by `wait_for` (a run's scored rows).
    public var settled: Timestamp?
    /// The rows at the end of the table that the last read held back, waiting for a feature.
    public internal(set) var waiting: WaitingRows?

    public init(features: [String], settled: Timestamp? = nil) {
      self.features = features
      self.settled = settled
    }
  }

  /// Whether `newRows` can read this source: a table, not a query.
  public var readsNewRows: Bool { query.isEmpty }

  /// The rows of `position.features` after `position.lastTime` (the whole table at the first
  /// read), with the duplicate and gap policies applied as `load` applies them to the whole
  /// table (`ffill` carries the values read before), and moves `position` on. Times are whole
  /// seconds, so the next read starts at the second after the last time.
  ///
  /// Rows at the end that miss a feature `wait_for` names are not returned but left for the next
  /// read (`position.waiting` says which): a row is scored once every indicator has come, or once
  /// a later row has them all, so one loaded before another is not scored with a carried value.
  ///
  /// In the same snapshot it counts the table's rows up to that second: when the count differs
  /// from the rows read, rows were inserted or deleted among those already read, and it throws
  /// (the stored scores would no longer line up with the table).
  public func newRows(after position: inout ReadPosition) throws -> LoadedFrame {
    guard readsNewRows else {
      throw SeismoError.invalidInput("\(origin): a query's new rows cannot be told apart; it is read whole")
    }
    return try inSnapshot { db in
      let catalogue = try TableColumns(self, db)
      let next = position.lastTime.map { $0 + 1 }
      if let next {
        let counted = try countRows(db, catalogue, before: next, features: position.features)
        guard counted == position.tableRows else {
          throw SeismoError.invalidInput(
            "\(origin): \(counted) rows up to \(CivilTime.format(next - 1)) now, but \(position.tableRows) when they were read: rows were inserted or deleted among those already scored; run detect again"
          )
        }
      }
      var (stored, tableRows, _) = try read(db, features: position.features, next: next, catalogue: catalogue)
      let held = stored.removeWaiting(needing: try WaitingRows.awaited(waitFor, among: stored.names), after: position.settled)
      position.waiting = held?.waiting
      let loaded = try policiesApplied(to: stored, carrying: &position.carried)
      position.tableRows += tableRows - (held?.tableRows ?? 0)
      position.lastTime = stored.timestamps.last ?? position.lastTime
      return loaded
    }
  }

  /// The time of the last row a reader reads (the source's `to`); nil when it reads on.
  public var end: Timestamp? { timeBounds.to }

  /// The table's rows after the source's `to` (a long table's of the `features`' symbols), which
  /// a reader of new rows never reads: 0 without `to`.
  public func rowsAfterTheEnd(features: [String]) throws -> Int {
    guard let end, readsNewRows else { return 0 }
    return try inSnapshot { db in
      let catalogue = try TableColumns(self, db)
      let (range, bounds) = try timeRange(
        on: catalogue.time(timeColumn), next: end + 1, unbounded: true)
      return try count(db, where: rows(in: range), layout == .wide ? bounds : bounds + [PGText.array(features)])
    }
  }

  /// The table's rows before `next` within from and to (a long table's of the `features`' symbols).
  func countRows(_ db: PGConnection, _ catalogue: TableColumns, before next: Timestamp, features: [String]) throws -> Int {
    let (range, bounds) = try timeRange(on: catalogue.time(timeColumn), next: next, before: true)
    return try count(db, where: rows(in: range), layout == .wide ? bounds : bounds + [PGText.array(features)])
  }
}

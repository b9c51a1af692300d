import SeismoCore
import SeismoPostgres

extension PostgresSource: StreamingSource {
  /// Reads the rows through a cursor and hands them on about `rows` at a time (`seismo score
  /// --stream`): memory holds one piece, never the table or the query's result, and the
  /// statement timeout bounds each fetch, not a read that lasts as long as the scoring.
  ///
  /// Each piece gets the policies `load` applies to the whole, and gives the same rows: the gap
  /// policy carries each column's last value from piece to piece, and the rows of a piece's last
  /// time wait for the next piece, so duplicates (and a long table's symbols) are merged across
  /// the cut. All pieces come from one snapshot of the database. `observer` hears the table
  /// rows read of how many (of how many unknown for a query).
  public func stream(rows: Int, observer: ProgressObserver?, _ body: (LoadedFrame) throws -> Void) throws {
    try inSnapshot { db in
      let plan = try self.plan(db, features: nil, next: nil, catalogue: nil)
      if plan.isLong, !symbols.isEmpty {  // before any piece is handed on; `load` finds it out as it reads
        let stored = Set(try storedSymbols(db))
        try requireEverySymbol(plan.names, present: plan.names.map(stored.contains), db)
      }
      var waiting = StoredRows(names: plan.names, isLong: plan.isLong)
      var carried: GapPolicy.Carrying<Float>?
      func handOn(final: Bool) throws {
        let settled = waiting.removeSettled(final: final)
        // The first piece must have rows: `policiesApplied` refuses an empty read.
        guard !settled.timestamps.isEmpty || (final && carried == nil) else { return }
        let first = carried == nil
        var piece = try policiesApplied(to: settled, carrying: &carried, piece: true)
        // The first piece carries the note that times are shown in UTC, as a load does.
        if first { piece.timesWrittenWithOffset = try sessionTimes(of: piece.frame.timestamps, in: plan.time, db) }
        try body(piece)
      }
      _ = try fetch(plan, on: db, cursor: true, observer: observer) { row in
        try waiting.append(row, from: self)
        // Rows all of one time wait: none of them is settled.
        if waiting.timestamps.count > rows, waiting.timestamps.first != waiting.timestamps.last {
          try handOn(final: false)
        }
      }
      if plan.isLong { try requireSharedTimes(waiting) }  // once every row is read, as a long file's stream
      try handOn(final: true)
    }
  }
}

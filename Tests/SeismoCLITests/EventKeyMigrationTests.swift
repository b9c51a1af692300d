import Foundation
import Testing

@testable import PostgresSink
@testable import SeismoCore
@testable import SeismoPostgres

/// A run's events are checked against their run once an insert, not once an event (migration
/// 21): the writer locks the run's row first, and a trigger deletes a deleted run's events.
@Suite(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
struct EventKeyMigrationTests {
  let server = postgresURL ?? ""

  func event(_ start: Int, members: [Int]? = nil) -> RunSummary.Event {
    RunSummary.Event(
      start: String(start * 86_400), end: String(start * 86_400 + 86_400), alert: String(start * 86_400), flaggedRows: 2,
      peakScore: 3.5, topFeature: #"say "hi""#, part: "test", flaggedBy: members)
  }

  @Test func eventsAreStoredOnlyWithTheirRunAndGoWithIt() throws {
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    #expect(
      try db.sql("SELECT count(*)::text FROM pg_constraint WHERE conname = 'events_run_fkey'") == [["0"]],
      "the key is gone")
    try db.insertRuns([(1, "a"), (2, "b"), (3, "c")])
    let connection = try PGConnection(db.url)
    for run in ["1", "2", "3"] {
      try PostgresSink.insertEvents([event(0), event(5, members: [1, 3])], run: run, on: connection)
    }
    #expect(
      try db.sql(
        """
        SELECT run::text, version::text, start_day::text, extract(epoch FROM end_ts)::bigint::text,
               extract(epoch FROM alert_ts)::bigint::text, flagged_rows::text, peak_score::text, top_feature, part,
               flagged_by::text
        FROM seismo.events WHERE run = 1 ORDER BY start_ts
        """)
        == [
          ["1", "1", "1970-01-01", "86400", "0", "2", "3.5", #"say "hi""#, "test", nil],
          ["1", "1", "1970-01-06", "518400", "432000", "2", "3.5", #"say "hi""#, "test", "{1,3}"],
        ])
    // A run that is not stored gets none.
    #expect(throws: SeismoError.self) { try PostgresSink.insertEvents([event(0)], run: "4", on: connection) }
    let stored = "SELECT run::text, count(*)::text FROM seismo.events GROUP BY 1 ORDER BY 1"
    #expect(try db.sql(stored) == [["1", "2"], ["2", "2"], ["3", "2"]])
    // A deleted run takes its events, whether deleted by delete_runs or by hand.
    try db.sql("SELECT seismo.delete_runs('{2}')")
    #expect(try db.sql(stored) == [["1", "2"], ["3", "2"]])
    try db.sql("DELETE FROM seismo.runs WHERE id = 3")
    #expect(try db.sql(stored) == [["1", "2"]])
  }
}

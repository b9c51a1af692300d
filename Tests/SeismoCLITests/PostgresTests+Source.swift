import Foundation
import Testing

@testable import PostgresSource
@testable import SeismoCore
@testable import SeismoPostgres

/// The postgres source and its connections: reads, cursors, types, time zones, timeouts.
extension PostgresTests {
  @Test func pooledConnectionsAreReusedAndReplacedWhenTheServerClosedThem() throws {
    let pool = PGConnectionPool(idlePerTarget: 2)
    func backend() throws -> String? { try pool.withConnection(url) { try $0.execute("SELECT pg_backend_pid()").rows[0][0] } }
    let first = try backend()
    #expect(try backend() == first && pool.idleCount(for: url) == 1)
    try sql("SELECT pg_terminate_backend($1::int)", [first])
    Thread.sleep(forTimeInterval: 0.2)
    var tries = 0
    let replaced = try pool.withConnection(url) { db -> String? in
      tries += 1
      return try db.execute("SELECT pg_backend_pid()").rows[0][0]
    }
    #expect(replaced != first && tries == 2)
    #expect(throws: SeismoError.self) { try pool.withConnection(url) { _ in throw SeismoError.invalidInput("no") } }
    #expect(pool.idleCount(for: url) == 0)  // a connection whose body failed is not kept
  }

  /// A float8 read comes a row at a time, in binary, bit for bit, with NULL apart from a stored
  /// NaN; it refuses a column that is not float8 rather than misreading its bytes. A failure
  /// mid-read, or a caller that stops, leaves the connection ready for the next statement.
  /// A `timestamptz` time column is shown in UTC by every output; the load (a table's or a
  /// query's) and a stream's first piece say so with the first time as a session in another time
  /// zone shows it (psql's view), and say nothing in UTC.
  @Test func aSessionOutsideUTCIsToldTimesAreShownInUTC() throws {
    let scratch = try Scratch()
    // Five hours of winter rows, then one of summer's, under daylight saving.
    let rows =
      (0..<60).map {
        "2020-02-03 \(String(format: "%02d", 9 + $0 / 12)):\(String(format: "%02d", $0 % 12 * 5)):00-05:00,\($0 % 7)"
      } + (0..<12).map { "2020-07-06 09:\(String(format: "%02d", $0 * 5)):00-04:00,\($0 % 5)" }
    try scratch.write("intraday.csv", "time,a\n" + rows.joined(separator: "\n") + "\n")
    try ingest(scratch, "intraday.csv")
    for (zone, said) in [
      (
        "America/New_York",
        "; times are shown in UTC: 2020-02-03 09:00:00-05 as 2020-02-03 14:00:00, 2020-07-06 09:10:00-04 as 2020-07-06 13:10:00\n"
      ), ("UTC", "\n"),
    ] {
      let session = url + (url.contains("?") ? "&" : "?") + "options=-c%20TimeZone%3D\(zone)"
      try scratch.write(
        "run.yaml",
        "source: { plugin: postgres, url: \"\(session)\", schema: \(schema), table: m }\ndetector: { plugin: rolling-zscore }\n")
      let folder = zone.replacingOccurrences(of: "/", with: "-")
      let detect = try CLI.run(["detect", "run.yaml", "--out", folder, "--save-model", "\(folder).seismo"], in: scratch.url)
      #expect(
        detect.status == 0 && detect.stderr.hasPrefix("loaded 72 rows × 1 feature (a) from postgres table \(schema).m\(said)"),
        "\(zone): \(detect.stderr)")
      // A stream's first piece says it as a load does, and so does a query's load.
      let stream = try CLI.run(
        ["score", "--model", "\(folder).seismo", "--url", session, "--stream", "--out", "\(folder)-stream"], in: scratch.url)
      #expect(
        stream.status == 0 && stream.stderr.contains("streaming postgres table \(schema).m in pieces of about 65536 rows\(said)"),
        "\(zone): \(stream.stderr)")
      try scratch.write(
        "query.yaml",
        "source: { plugin: postgres, url: \"\(session)\", query: 'SELECT ts, a FROM \(schema).m' }\ndetector: { plugin: rolling-zscore }\n"
      )
      let query = try CLI.run(["detect", "query.yaml", "--out", "\(folder)-query"], in: scratch.url)
      #expect(
        query.status == 0 && query.stderr.hasPrefix("loaded 72 rows × 1 feature (a) from postgres query\(said)"),
        "\(zone): \(query.stderr)")
    }
  }

  @Test func float8RowsAreReadExactlyOneAtATime() throws {
    let db = try PGConnection(url)
    var rows: [[Double?]] = []
    try db.forEachFloat8Row(
      "SELECT x, $1::float8 FROM unnest('{1.5,-0,1e300,5e-324,NULL,NaN,-Infinity}'::float8[]) WITH ORDINALITY AS u(x, k) ORDER BY k",
      ["0.1"]
    ) { row in rows.append((0..<row.columnCount).map { row[$0] }) }
    #expect(rows.count == 7 && rows.allSatisfy { $0.count == 2 && $0[1] == 0.1 })
    let column = rows.map { $0[0] }
    #expect(Array(column.prefix(5)) == [1.5, -0.0, 1e300, Double.leastNonzeroMagnitude, nil])  // 5e-324
    #expect(column[1]?.sign == .minus && column[5]?.isNaN == true && column[6] == -.infinity)
    var none = 0
    try db.forEachFloat8Row("SELECT 1.5::float8 WHERE false") { _ in none += 1 }
    #expect(none == 0)
    #expect(throws: SeismoError.state("postgres: column 2 of a float8 read is not float8")) {
      try db.forEachFloat8Row("SELECT 1::float8, 2::real") { _ in }
    }
    var read = 0
    #expect(throws: SeismoError.self) {
      try db.forEachFloat8Row("SELECT 1 / (3 - x)::float8 FROM generate_series(1, 5) x") { _ in read += 1 }
    }
    #expect(read == 2, "the rows before the server's error")
    struct Enough: Error {}
    #expect(throws: Enough.self) {
      try db.forEachFloat8Row("SELECT generate_series(1, 100000000)::float8") { row in
        if row[0] == 3 { throw Enough() }
      }
    }
    #expect(try db.execute("SELECT 41 + 1").rows == [["42"]], "the cancelled query is over")
  }

  /// A stream's reader may pause between rows for longer than the statement timeout: each fetch
  /// of its cursor is a statement of its own. A single-row read is one statement, which the
  /// timeout stops once the server has had more to send than the socket holds.
  @Test func aCursorReadOutlastsTheStatementTimeout() throws {
    let db = try PGConnection(url)
    try db.execute("SET statement_timeout = 500")
    let select = "SELECT generate_series(1, 2000000)::float8"
    let pauseAtTheFirstRow = { (row: PGFloat8Row) in if row[0] == 1 { Thread.sleep(forTimeInterval: 1) } }
    var rows = 0
    try db.transaction {
      try db.forEachFloat8Row(select, fetching: 50_000) { row in
        pauseAtTheFirstRow(row)
        rows += 1
      }
    }
    #expect(rows == 2_000_000)
    let stopped = #expect(throws: SeismoError.self) { try db.forEachFloat8Row(select, [], pauseAtTheFirstRow) }
    #expect("\(stopped.map { "\($0)" } ?? "")".contains("statement timeout"))
    // A caller that stops leaves nothing on the connection: the batch asked for ahead is taken off.
    struct Enough: Error {}
    try db.transaction {
      #expect(throws: Enough.self) {
        try db.forEachFloat8Row(select, fetching: 1_000) { row in if row[0] == 1_500 { throw Enough() } }
      }
      var after = 0
      try db.forEachFloat8Row("SELECT 1::float8") { _ in after += 1 }
      #expect(after == 1)
    }
  }

  /// A cursor's reader may run statements on its connection between rows: the batch asked for
  /// ahead is collected first, not dropped (libpq drops a pending result when another statement
  /// runs). A single-row read's rows are still coming, so a statement there throws.
  @Test func aCursorsReaderMayRunStatementsBetweenRows() throws {
    let db = try PGConnection(url)
    var rows: [Double] = []
    var answers: [String?] = []
    var pairs: [[Double]] = []
    try db.transaction {
      try db.forEachFloat8Row("SELECT generate_series(1, 35)::float8", fetching: 10) { row in
        rows.append(row[0] ?? .nan)
        answers.append(try db.execute("SELECT (6 * 7)::text").rows.first?.first ?? nil)
      }
      // One read inside another's body, each through its cursor.
      try db.forEachFloat8Row("SELECT generate_series(1, 12)::float8", fetching: 5) { outer in
        try db.forEachFloat8Row("SELECT generate_series(1, 3)::float8", fetching: 2) { inner in
          pairs.append([outer[0] ?? .nan, inner[0] ?? .nan])
        }
      }
    }
    #expect(rows == (1...35).map(Double.init))
    #expect(Set(answers) == ["42"] && answers.count == 35)
    #expect(pairs == (1...12).flatMap { a in (1...3).map { [Double(a), Double($0)] } })
    #expect(throws: SeismoError.state("postgres: a statement ran on a connection while it read rows a row at a time")) {
      try db.forEachFloat8Row("SELECT generate_series(1, 3)::float8") { _ in try db.execute("SELECT 1") }
    }
    #expect(try db.execute("SELECT 41 + 1").rows == [["42"]])
  }

  /// A table whose times are `timestamptz` streams past its first fetch: the first piece asks how
  /// the session shows its times while the cursor's next batch is on its way (`score --stream`
  /// of such a table stopped there, "error: postgres: ", before).
  @Test func aTimestamptzTableStreamsPastItsFirstFetch() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql(
      "CREATE TABLE \(schema).tz AS SELECT timestamptz '2020-01-01 00:00+00' + i * interval '1 minute' AS ts, i::float8 AS x FROM generate_series(0, 119999) i"
    )
    var values: [Float] = []
    try source(["table": .text("tz")]).stream(rows: 10_000, observer: nil) { piece in
      values += piece.frame.values
    }
    #expect(values.count == 120_000)
    #expect(values == (0..<120_000).map(Float.init))
  }

  /// A stream scores as it reads, so its read lasts as long as the scoring: the statement timeout
  /// bounds each fetch of its cursor, and a slow piece does not stop it.
  @Test func aStreamOutlastsTheStatementTimeout() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).t (ts timestamp PRIMARY KEY, x float8)")
    try sql(
      "INSERT INTO \(schema).t SELECT timestamp '2000-01-01' + g * interval '1 minute', g FROM generate_series(1, 1000000) g"
    )
    let timeout = (url.contains("?") ? "&" : "?") + "options=-c%20statement_timeout%3D1000"
    var rows = 0
    try source(["table": .text("t"), "url": .text(url + timeout)]).stream(rows: 65_536, observer: nil) { piece in
      if rows == 0 { Thread.sleep(forTimeInterval: 1.5) }
      rows += piece.frame.rowCount
    }
    #expect(rows == 1_000_000)
  }

  /// A table or query read a piece at a time gives, piece after piece, the rows `load` gives:
  /// duplicates (sub-second rows) and a long table's symbols merged across the cuts, gaps
  /// filled across them; each piece holds about the rows asked for. Progress counts table rows.
  @Test func streamedTablesGiveTheRowsALoadGives() throws {
    try sql("CREATE SCHEMA \(schema)")
    // Rows 2k and 2k + 1 share second k; a is NULL in every fifth second.
    try sql(
      """
      CREATE TABLE \(schema).w AS SELECT timestamp '2020-01-01' + (i / 2) * interval '1 second'
        + (i % 2) * interval '0.25 second' AS ts, CASE WHEN (i / 2) % 5 = 3 THEN NULL ELSE i::float8 END AS a,
        (i * i)::float8 AS b FROM generate_series(0, 40) i
      """)
    try sql(
      "CREATE TABLE \(schema).l AS SELECT ts, 'a' AS symbol, a AS value FROM \(schema).w UNION ALL SELECT ts, 'b', b FROM \(schema).w"
    )
    let merged: [String: ParameterValue] = ["duplicates": .text("mean"), "gaps": .text("ffill")]
    let cases: [(values: [String: ParameterValue], tableRows: Int, counted: Bool)] = [
      (["table": .text("w")], 41, true),
      (["table": .text("l"), "layout": .text("long")], 82, true),
      (["query": .text("SELECT ts, a, b FROM \(schema).w")], 41, false),
    ]
    for (values, tableRows, counted) in cases {
      let source = try self.source(values.merging(merged) { $1 })
      var loadCounts: [ProgressCount] = []
      let whole = try source.load(observer: { loadCounts.append($0) })
      #expect(whole.frame.rowCount == 21, "41 rows in 21 seconds: \(values)")
      #expect(loadCounts.last == ProgressCount(tableRows, of: counted ? tableRows : nil, .rows), "\(values)")
      var pieces: [LoadedFrame] = []
      var counts: [ProgressCount] = []
      // Pieces of 3 rows cut seconds in two.
      try source.stream(rows: 3, observer: { counts.append($0) }, { pieces.append($0) })
      #expect(pieces.count >= 7, "\(values)")
      #expect(pieces.allSatisfy { $0.rowsRead <= 4 }, "\(pieces.map(\.rowsRead))")
      #expect(pieces.flatMap(\.frame.timestamps) == whole.frame.timestamps, "\(values)")
      #expect(pieces.flatMap(\.frame.values) == whole.frame.values, "\(values)")
      #expect(pieces.map(\.cellsFilled).reduce(0, +) == whole.cellsFilled && whole.cellsFilled > 0)
      #expect(pieces.map(\.duplicateRowsMerged).reduce(0, +) == whole.duplicateRowsMerged)
      #expect(counts.last == ProgressCount(tableRows, of: counted ? tableRows : nil, .rows))
    }
    // Progress every 50,000 rows and at the end.
    var counts: [ProgressCount] = []
    try sql(
      "CREATE TABLE \(schema).big AS SELECT timestamp '2020-01-01' + i * interval '1 minute' AS ts, i::float8 AS x FROM generate_series(1, 120000) i"
    )
    _ = try source(["table": .text("big")]).load(observer: { counts.append($0) })
    #expect(counts == [50_000, 100_000, 120_000].map { ProgressCount($0, of: 120_000, .rows) })
    // A listed symbol without rows is named before any piece is handed on.
    var handed = 0
    let missing = #expect(throws: SeismoError.self) {
      try source(["table": .text("l"), "layout": .text("long"), "symbols": .textList(["a", "c"])])
        .stream(rows: 3, observer: nil) { _ in handed += 1 }
    }
    #expect("\(missing.map { "\($0)" } ?? "")".contains("no rows for symbol 'c'") && handed == 0)
    // A column that starts later than the first pieces: those pieces' rows are leading gaps,
    // dropped, and the stream goes on, as the load does (it stopped: no rows left).
    try sql(
      "CREATE TABLE \(schema).late AS SELECT date '2020-01-01' + i AS ts, i::float8 AS a, CASE WHEN i >= 7 THEN i END::float8 AS b FROM generate_series(0, 19) i"
    )
    let late = try source(["table": .text("late")])
    var rows: [Timestamp] = []
    try late.stream(rows: 3, observer: nil) { rows += $0.frame.timestamps }
    #expect(rows == (try late.load().frame.timestamps) && rows.count == 13)
  }

  @Test func legalButAwkwardTablesGiveClearAnswers() throws {
    try sql("CREATE SCHEMA \(schema)")
    func load(_ table: String, _ extra: [String: ParameterValue] = [:]) -> String {
      loadOutcome(extra.merging(["table": .text(table)]) { $1 }) { "rows \($0.rowCount): \($0.values)" }
    }
    // An infinite timestamp: refused with a hint, not a crash.
    try sql("CREATE TABLE \(schema).inf (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).inf VALUES ('2020-01-01', 1), ('infinity', 2)")
    #expect(load("inf").contains("a row's time is infinity; bound the range with from and to"))
    #expect(load("inf", ["to": .text("2020-12-31")]) == "rows 1: [1.0]")
    // A stored NaN is refused as the CSV source refuses it; NULL stays a gap.
    try sql("CREATE TABLE \(schema).nan (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).nan VALUES ('2020-01-01', 1), ('2020-01-02', NULL), ('2020-01-03', 'NaN')")
    #expect(load("nan").contains("NaN or infinity at 2020-01-03 is not"), "a midnight is a date: \(load("nan"))")
    #expect(load("nan", ["to": .text("2020-01-02")]) == "rows 2: [1.0, 1.0]", "NULL forward-filled")
    try sql("CREATE TABLE \(schema).huge (ts date, x float8)")
    try sql("INSERT INTO \(schema).huge VALUES ('2020-01-01', 1), ('2020-01-02', 1e39)")
    #expect(load("huge").contains("at 2020-01-02 is not a number Seismo can use (nor is a number beyond a 32-bit float's"))
    try sql("CREATE TABLE \(schema).tiny (ts date, x float8)")
    try sql("INSERT INTO \(schema).tiny VALUES ('2020-01-01', 0), ('2020-01-02', 1e-50)")
    #expect(load("tiny").contains("at 2020-01-02 is not a number Seismo can use"), "not read as 0: \(load("tiny"))")
    #expect(load("tiny", ["to": .text("2020-01-01")]) == "rows 1: [0.0]", "a stored 0 is 0")
    // Sub-second rows share a second: an error by default, merged on request.
    try sql("CREATE TABLE \(schema).sub (ts timestamptz, x float8)")
    try sql(
      "INSERT INTO \(schema).sub VALUES ('2020-01-01 00:00:00.2', 1), ('2020-01-01 00:00:00.7', 3), ('2020-01-01 00:00:01', 5)")
    #expect(load("sub").contains("sub-second rows share one); set duplicates"), "\(load("sub"))")
    #expect(load("sub", ["duplicates": .text("mean")]) == "rows 2: [2.0, 5.0]")
    // first and last follow the stored times, not the order the rows were inserted in.
    try sql("CREATE TABLE \(schema).subrev (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).subrev VALUES ('2020-01-01 00:00:00.7', 3), ('2020-01-01 00:00:00.2', 1)")
    #expect(load("subrev", ["duplicates": .text("first")]) == "rows 1: [1.0]")
    #expect(load("subrev", ["duplicates": .text("last")]) == "rows 1: [3.0]")
    try sql("CREATE TABLE \(schema).sublong (ts timestamptz, symbol text, value float8)")
    try sql(
      "INSERT INTO \(schema).sublong VALUES ('2020-01-01 00:00:00.2', 'v', 1), ('2020-01-01 00:00:00.7', 'v', 3), ('2020-01-01 00:00:01', 'v', 5)"
    )
    #expect(load("sublong", ["layout": .text("long")]).contains("set duplicates"))
    #expect(load("sublong", ["layout": .text("long"), "duplicates": .text("last")]) == "rows 2: [3.0, 5.0]")
    #expect(load("sublong", ["layout": .text("long"), "duplicates": .text("mean")]) == "rows 2: [2.0, 5.0]")
    // A mean leaves NULL out, as a file's empty cell: the mean of 4 and 8 is 6, not a gap.
    try sql(
      "INSERT INTO \(schema).sublong VALUES ('2020-01-01 00:00:02.1', 'v', NULL), ('2020-01-01 00:00:02.5', 'v', 4), ('2020-01-01 00:00:02.9', 'v', 8)"
    )
    #expect(load("sublong", ["layout": .text("long"), "duplicates": .text("mean")]) == "rows 3: [2.0, 5.0, 6.0]")
    // Symbols whose times never meet (dates beside times of day) are refused, as a long file's
    // are, where they joined into rows of one symbol each.
    try sql("CREATE TABLE \(schema).apart (ts timestamp, symbol text, value float8)")
    try sql(
      "INSERT INTO \(schema).apart SELECT date '2020-01-01' + i, 'spx', i FROM generate_series(0, 4) i UNION ALL SELECT date '2020-01-01' + i + time '16:00', 'vix', i FROM generate_series(0, 4) i"
    )
    let apart =
      "postgres table \(schema).apart: symbol 'spx' shares no time with the other symbols (its rows: 2020-01-01 … 2020-01-05; symbol 'vix''s: 2020-01-01 16:00:00 … 2020-01-05 16:00:00); rows are joined on exact times, so the symbols must overlap in time, and dates never meet times of day"
    #expect(load("apart", ["layout": .text("long")]) == apart)
    #expect(throws: SeismoError.self) {
      try source(["table": .text("apart"), "layout": .text("long")]).stream(rows: 3, observer: nil) { _ in }
    }
    try sql("INSERT INTO \(schema).apart VALUES ('2020-01-05 16:00', 'spx', 9)")
    #expect(load("apart", ["layout": .text("long"), "gaps": .text("drop")]) == "rows 1: [9.0, 4.0]", "one shared time")
    // A symbol listed twice is a config error, not a crash.
    #expect(load("sublong", ["layout": .text("long"), "symbols": .textList(["v", "v"])]).contains("'v' is listed twice"))
    // A 0/1 column of a table read whole (no columns listed) is named as a label read as a feature.
    try sql("CREATE TABLE \(schema).labelled (ts date, x float8, y int)")
    try sql(
      "INSERT INTO \(schema).labelled SELECT date '2020-01-01' + i, i * 1.5, (i % 7 = 0)::int FROM generate_series(0, 29) i")
    let labelled = try source(["table": .text("labelled")]).load()
    #expect(labelled.labelLike == [1] && labelled.warnings.contains { $0.hasPrefix("warning: y holds only 0 and 1") })
    #expect(try source(["table": .text("labelled"), "columns": .textList(["x", "y"])]).load().labelLike.isEmpty)
    // A symbol listed 20 days after another cuts both to its first day, and the load says so.
    try sql("CREATE TABLE \(schema).late (ts date, symbol text, value float8)")
    try sql(
      "INSERT INTO \(schema).late SELECT date '2020-01-01' + i, s, i FROM generate_series(0, 39) i, unnest(array['x', 'y']) s WHERE s = 'x' OR i >= 20"
    )
    let late = try source(["table": .text("late"), "layout": .text("long")]).load()
    #expect(
      late.frame.rowCount == 20
        && late.lateStartWarning?.hasPrefix(
          "warning: y has no value before 2020-01-21, so gaps: ffill leaves out the 20 rows before that (from 2020-01-01) for every feature"
        ) == true, "\(String(describing: late.lateStartWarning))")
  }

  /// Columns are checked by name and type before any row is read: a missing one is named with
  /// the table's columns, a text one or a time column that is no date says so (not a failed
  /// cast), and a domain counts as its base type.
  @Test func missingAndMistypedColumnsAreNamed() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE DOMAIN \(schema).price AS float8")
    try sql("CREATE TABLE \(schema).mixed (ts date, a float8, label text, n integer, p \(schema).price)")
    try sql("INSERT INTO \(schema).mixed SELECT '2020-01-01'::date + i, i, 'x', i, i * 2 FROM generate_series(0, 9) i")
    try sql("CREATE TABLE \(schema).long (ts timestamptz, symbol text, value text)")
    try sql("CREATE TABLE \(schema).bare ()")
    func load(_ values: [String: ParameterValue]) -> String {
      loadOutcome(values) { "\($0.featureNames) × \($0.rowCount)" }
    }
    let table = "postgres table \(schema).mixed"
    #expect(load(["table": .text("mixed")]) == "[\"a\", \"n\", \"p\"] × 10", "numeric columns and the domain, not the text")
    #expect(
      load(["table": .text("mixed"), "columns": .textList(["label"])])
        == "\(table): column 'label' is text, not a number (numbers? read the table with a query that converts it: SELECT \"label\"::float8 AS \"label\", … FROM \"\(schema)\".\"mixed\")"
    )
    #expect(
      load(["table": .text("mixed"), "columns": .textList(["A"])])
        == "\(table): no column 'A' (did you mean 'a'?); columns are: ts, a, label, n, p")
    #expect(
      load(["table": .text("mixed"), "time_column": .text("a")])
        == "\(table): the time column 'a' is double precision, not a date or timestamp (seconds since 1970? read the table with a query that converts it: SELECT to_timestamp(\"a\") AS \"a\", … FROM \"\(schema)\".\"mixed\")"
    )
    #expect(
      load(["table": .text("mixed"), "time_column": .text("when")])
        == "\(table): no time column 'when'; columns are: ts, a, label, n, p (its date or timestamp column is 'ts': name it with time_column)"
    )
    // `time_column: auto` takes `ts`, else the one column of a date or timestamp type; with
    // several, or none, it names them.
    try sql("CREATE TABLE \(schema).stamped (day date, stamp timestamptz, x float8)")
    #expect(
      load(["table": .text("stamped")])
        == "postgres table \(schema).stamped: no column named ts, and several of a date or timestamp type: 'day', 'stamp' (name the time column with time_column)"
    )
    try sql(
      "INSERT INTO \(schema).stamped SELECT '2020-01-01'::date + i, '2021-06-01'::timestamptz + i * interval '1 hour', i FROM generate_series(0, 4) i"
    )
    #expect(load(["table": .text("stamped"), "time_column": .text("day")]) == "[\"x\"] × 5")
    try sql("CREATE TABLE \(schema).dated (\"Trade Date\" date, \"VIX Close\" numeric, n integer)")
    try sql("INSERT INTO \(schema).dated SELECT '2020-01-01'::date + i, 15 + i, i FROM generate_series(0, 6) i")
    #expect(
      loadOutcome(["table": .text("dated")]) {
        "\($0.featureNames) \($0.formatTimestamp($0.timestamps[0]))…\($0.formatTimestamp($0.timestamps[6]))"
      }
        == "[\"VIX Close\", \"n\"] 2020-01-01…2020-01-07", "the one date column, read as time, not as a feature")
    #expect(
      load(["table": .text("mixed"), "time_column": .text("auto")]) == load(["table": .text("mixed")]), "ts before the others")
    try sql("CREATE TABLE \(schema).untimed (day text, x float8)")
    #expect(
      load(["table": .text("untimed")])
        == "postgres table \(schema).untimed: no time column: none named ts, nor of a date or timestamp type; columns are: day, x (name it with time_column)"
    )
    #expect(
      load(["query": .text("SELECT ts, label FROM \(schema).mixed")])
        == "postgres query: column 'label' is text, not a number (numbers? convert it in the query: SELECT \"label\"::float8 AS \"label\", …)"
    )
    #expect(
      load(["query": .text("SELECT a, ts FROM \(schema).mixed")])
        == "postgres query: the time column 'a' is double precision, not a date or timestamp (seconds since 1970? convert it in the query: SELECT to_timestamp(\"a\") AS \"a\", …)"
    )
    #expect(
      load(["query": .text("SELECT ts::text AS ts, a FROM \(schema).mixed")]).hasSuffix(
        "(times written as text? convert it in the query: SELECT \"ts\"::timestamptz AS \"ts\", …)"))
    #expect(
      load(["query": .text("SELECT ts, a::numeric::money AS m FROM \(schema).mixed")]).hasSuffix(
        "(numbers? convert it in the query: SELECT \"m\"::numeric AS \"m\", …)"))
    #expect(
      load(["query": .text("SELECT ts, a > 1 AS b FROM \(schema).mixed")]).hasSuffix(
        "(numbers? convert it in the query: SELECT \"b\"::int AS \"b\", …)"))
    #expect(load(["query": .text("SELECT ts, p, n * 2 AS twice FROM \(schema).mixed")]) == "[\"p\", \"twice\"] × 10")
    #expect(
      load(["table": .text("long"), "layout": .text("long")])
        == "postgres table \(schema).long: column 'value' is text, not a number")
    #expect(
      load(["table": .text("long"), "layout": .text("long"), "symbol_column": .text("ticker")])
        == "postgres table \(schema).long: no symbol column 'ticker'; columns are: ts, symbol, value")
    #expect(load(["table": .text("bare")]) == "postgres table \(schema).bare: the table has no columns")
    // A setting the chosen form would not read is refused, not ignored.
    let query: ParameterValue = .text("SELECT ts, a FROM \(schema).mixed")
    for (values, expected) in [
      (["query": query, "from": .text("2020-01-03")], "source.from: not read here: a query bounds its own rows"),
      (["query": query, "symbols": .textList(["a"])], "source.symbols: not read here: a query's features"),
      (["table": .text("long"), "layout": .text("long"), "columns": .textList(["a"])], "source.columns: not read here"),
      (["table": .text("mixed"), "symbols": .textList(["a"])], "source.symbols: not read here: a wide table picks columns"),
      (["table": .text("mixed"), "from": .text("2020-01-05"), "to": .text("2020-01-03")], "source.to: '2020-01-03' is before"),
    ] as [([String: ParameterValue], String)] {
      #expect(load(values).hasPrefix(expected), "\(values): \(load(values))")
    }
    // The indicators without pivoting rows: a wide table's numeric columns or those listed; a
    // long table's symbols, listed or those in the time range; a query's, never.
    func indicators(_ values: [String: ParameterValue]) throws -> [String]? { try source(values).indicatorNames() }
    #expect(try indicators(["table": .text("mixed")]) == ["a", "n", "p"])
    #expect(try indicators(["table": .text("mixed"), "columns": .textList(["n"])]) == ["n"])
    let long: [String: ParameterValue] = ["table": .text("long"), "layout": .text("long")]
    #expect(try indicators(long) == nil, "no symbol at all")
    try sql(
      "INSERT INTO \(schema).long VALUES ('2020-01-02', 'b', '1'), ('2020-01-01', 'a', '1'), ('2020-01-02', NULL, '1'), ('2020-01-02', 'a', '2')"
    )
    #expect(try indicators(long) == ["a", "b"])
    #expect(try indicators(long.merging(["to": .text("2020-01-01")]) { $1 }) == ["a"], "the symbols of the time range")
    #expect(try indicators(long.merging(["symbols": .textList(["x"])]) { $1 }) == ["x"])
    #expect(try indicators(["query": .text("SELECT 1")]) == nil)
    #expect(load(["table": .text("absent")]) == "postgres table \(schema).absent: no such table")
    // A near name is suggested: a typo, another case (names are quoted), a schema's typo.
    #expect(load(["table": .text("mixd")]) == "postgres table \(schema).mixd: no such table (did you mean 'mixed'?)")
    #expect(load(["table": .text("Mixed")]) == "postgres table \(schema).Mixed: no such table (did you mean 'mixed'?)")
    let typo = String(schema.dropLast())
    #expect(
      load(["schema": .text(typo), "table": .text("mixed")])
        == "postgres table \(typo).mixed: no such table; there is no schema '\(typo)' (did you mean '\(schema)'?)")
    // A table named as SQL would name it with its schema is told apart from one named with a dot.
    #expect(
      load(["table": .text("\(schema).mixed")])
        == "postgres table \(schema).\(schema).mixed: no such table; a name is taken whole, dots included: for table 'mixed' of schema '\(schema)', give schema: \(schema) and table: mixed"
    )
  }

  /// `newRows` reads the whole table once, then only the rows after the last it read, with the
  /// gap policy carrying values across reads, and stops when rows appear or vanish among those
  /// already read.
  @Test func newRowsAreTheRowsAfterTheLastRead() throws {
    try sql("CREATE SCHEMA \(schema)")
    // A first read that fails (c has no value yet: no row is left) leaves the reader as it was:
    // the next read takes the table from its start, with nothing carried from the failed one.
    try sql("CREATE TABLE \(schema).slow (ts date, a float8, b float8, c float8)")
    try sql("INSERT INTO \(schema).slow VALUES ('2020-01-01', NULL, 1, NULL), ('2020-01-02', 7, NULL, NULL)")
    let slow = try source(["table": .text("slow"), "wait_for": .textList([])])
    var retrying = PostgresSource.ReadPosition(features: ["a", "b", "c"])
    #expect(throws: SeismoError.self) { try slow.newRows(after: &retrying) }
    try sql("INSERT INTO \(schema).slow VALUES ('2020-01-03', NULL, NULL, 9)")
    let retried = try slow.newRows(after: &retrying)
    var fresh = PostgresSource.ReadPosition(features: ["a", "b", "c"])
    let whole = try slow.newRows(after: &fresh)
    #expect(retried.frame.values == [7, 1, 9] && retried.frame.values == whole.frame.values)
    #expect(retried.cellsFilled == whole.cellsFilled, "a's 7 was carried back to the 1st")
    try sql("CREATE TABLE \(schema).w (ts date, a float8, b float8)")
    try sql("CREATE TABLE \(schema).l (ts timestamptz, symbol text, value float8)")
    // Days 0–3; a is NULL on day 0 (and on day 4, added later), b is ten times the day.
    func insert(_ days: ClosedRange<Int>) throws {
      try sql(
        "INSERT INTO \(schema).w SELECT '2020-01-01'::date + d, CASE WHEN d % 4 = 0 THEN NULL ELSE d END, d * 10 FROM generate_series($1::int, $2::int) d",
        ["\(days.lowerBound)", "\(days.upperBound)"])
    }
    try insert(0...3)
    try sql(
      "INSERT INTO \(schema).l SELECT '2020-01-01'::timestamptz + d * interval '1 day', 'x', d FROM generate_series(1, 3) d")
    for (table, layout, features) in [("w", "wide", ["a", "b"]), ("l", "long", ["x"])] {
      let reader = try source(["table": .text(table), "layout": .text(layout)])
      var position = PostgresSource.ReadPosition(features: features)
      let first = try reader.newRows(after: &position).frame
      #expect(first.rowCount == 3, "\(table): day 0 has no a (a leading gap, dropped)")
      #expect(try reader.newRows(after: &position).frame.rowCount == 0, "\(table): nothing new")
      if layout == "wide" {
        try insert(4...5)
        let next = try reader.newRows(after: &position).frame
        let days: [Timestamp] = [18_266 * 86_400, 18_267 * 86_400]
        #expect(next.timestamps == days)
        #expect(next.values == [3, 40, 5, 50], "day 4's a is carried from day 3, read the time before")
        try sql("INSERT INTO \(schema).w VALUES ('2019-12-31', 1, 1)")
      } else {
        try sql("INSERT INTO \(schema).l VALUES ('2020-01-05', 'x', 4), ('2020-01-05', 'y', 7)")
        let next = try reader.newRows(after: &position).frame
        #expect(next.values == [4] && next.featureNames == ["x"], "only the read symbols")
        try sql("DELETE FROM \(schema).l WHERE ts = '2020-01-02'")
      }
      var thrown = ""
      do { _ = try reader.newRows(after: &position) } catch { thrown = "\(error)" }
      #expect(thrown.contains("rows were inserted or deleted among those already scored"), "\(table): \(thrown)")
    }
    let query = try source(["query": .text("SELECT ts, a FROM \(schema).w")])
    var position = PostgresSource.ReadPosition(features: ["a"])
    #expect(!query.readsNewRows)
    #expect(throws: SeismoError.self) { try query.newRows(after: &position) }
  }

  /// Rows at the end of a table that miss a feature wait (`wait_for`, by default every feature):
  /// they are read again at the next call and come out once complete, with their own values,
  /// not carried ones, or once a later row is complete. The wait moves no row count, so a
  /// symbol that comes late is no insertion among the rows read. Rows up to `settled` (a run's
  /// scored rows) never wait.
  @Test func newRowsWaitForEveryFeature() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).l (ts date, symbol text, value float8)")
    try sql("CREATE TABLE \(schema).w (ts date, a float8, b float8)")
    try sql(
      "INSERT INTO \(schema).l SELECT '2020-01-01'::date + d, s, d FROM generate_series(1, 3) d, unnest(ARRAY['x', 'y']) s")
    try sql("INSERT INTO \(schema).w SELECT '2020-01-01'::date + d, d, d * 10 FROM generate_series(1, 3) d")
    let day = { (d: Int) in Timestamp((18_262 + d) * 86_400) }

    let long = try source(["table": .text("l"), "layout": .text("long")])
    var position = PostgresSource.ReadPosition(features: ["x", "y"])
    #expect(try long.newRows(after: &position).frame.rowCount == 3 && position.waiting == nil)
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-05', 'x', 4), ('2020-01-06', 'x', 5)")
    #expect(try long.newRows(after: &position).frame.rowCount == 0)
    #expect(position.waiting == WaitingRows(rows: 2, since: day(4), missing: ["y"]))
    #expect(position.waiting?.description == "2 rows wait for y (from 2020-01-05)")
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-06', 'y', 50)")
    let late = try long.newRows(after: &position).frame
    #expect(late.timestamps == [day(4), day(5)] && late.values == [4, 3, 5, 50], "day 4 waited, then carried y: \(late.values)")
    #expect(position.waiting == nil)
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-07', 'y', 6)")
    #expect(try long.newRows(after: &position).frame.rowCount == 0 && position.waiting?.missing == ["x"])
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-07', 'x', 60)")
    #expect(try long.newRows(after: &position).frame.values == [60, 6], "its own x, once it came")
    // A whole load does not wait; it carries y through the last 5 days and says so.
    try sql("INSERT INTO \(schema).l SELECT '2020-01-01'::date + d, 'x', d FROM generate_series(8, 12) d")
    let loaded = try long.load()
    #expect(
      loaded.frame.rowCount == 11
        && loaded.carriedToEnd == [GapPolicy.Carry(feature: 1, rows: 5, after: day(6), from: day(8))])

    let wide = try source(["table": .text("w")])
    func read(_ reader: PostgresSource, settled: Timestamp? = nil) throws -> (values: [Float], waiting: Int) {
      var position = PostgresSource.ReadPosition(features: ["a", "b"], settled: settled)
      let frame = try reader.newRows(after: &position).frame
      return (frame.values, position.waiting?.rows ?? 0)
    }
    try sql("INSERT INTO \(schema).w VALUES ('2020-01-05', 4, NULL)")
    #expect(try read(wide) == ([1, 10, 2, 20, 3, 30], 1))
    #expect(try read(wide, settled: day(4)).values.suffix(2) == [4, 30], "a scored row never waits")
    #expect(try read(source(["table": .text("w"), "wait_for": .textList([])])) == ([1, 10, 2, 20, 3, 30, 4, 30], 0))
    #expect(try read(source(["table": .text("w"), "wait_for": .textList(["a"])])).waiting == 0)
    #expect(try read(source(["table": .text("w"), "wait_for": .textList(["b"])])).waiting == 1)
    try sql("UPDATE \(schema).w SET b = 40 WHERE ts = '2020-01-05'")
    #expect(try read(wide) == ([1, 10, 2, 20, 3, 30, 4, 40], 0))
    #expect(
      loadOutcome(["table": .text("w"), "wait_for": .textList(["bb"])]) { _ in "" } == "",
      "a whole load does not wait")
    var unknown = PostgresSource.ReadPosition(features: ["a", "b"])
    #expect {
      try source(["table": .text("w"), "wait_for": .textList(["bb"])]).newRows(after: &unknown)
    } throws: { "\($0)".contains("source.wait_for: 'bb' is not a feature read (did you mean 'b'?)") }
    #expect(throws: SeismoError.self) { try source(["table": .text("w"), "wait_for": .textList(["all", "a"])]) }
  }

  /// `from` and `to` are UTC, as every time in Seismo, whatever the server's TimeZone: with the
  /// session in New York, a day's bounds still take exactly that day's rows of a `timestamptz`,
  /// a `date` and a `timestamp` column.
  @Test func timeBoundsAreUTCInAnySessionTimeZone() throws {
    try sql("CREATE SCHEMA \(schema)")
    for (table, type) in [("instants", "timestamptz"), ("days", "date"), ("clock", "timestamp")] {
      try sql("CREATE TABLE \(schema).\(table) (ts \(type), x float8)")
      // Midnight UTC of ten days (a timestamp read as UTC becomes the instant).
      let day = "(timestamp '2020-01-01' + i * interval '1 day')" + (type == "timestamptz" ? " AT TIME ZONE 'UTC'" : "")
      try sql("INSERT INTO \(schema).\(table) SELECT \(day), i FROM generate_series(0, 9) i")
    }
    let newYork = url + (url.contains("?") ? "&" : "?") + "options=-c%20TimeZone%3DAmerica/New_York"
    #expect(try PGConnection(newYork).execute("SHOW TimeZone").rows == [["America/New_York"]])
    for table in ["instants", "days", "clock"] {
      for (from, to) in [("2020-01-03", "2020-01-05"), ("2020-01-03T00:00Z", "2020-01-05 00:00:00+00:00")] {
        let frame = try source([
          "url": .text(newYork), "table": .text(table), "from": .text(from), "to": .text(to),
        ]).load().frame
        #expect(frame.values == [2, 3, 4], "\(table) from \(from) to \(to)")
      }
      let shifted = try source(["url": .text(newYork), "table": .text(table), "from": .text("2020-01-03 00:00-05")]).load()
      #expect(shifted.frame.values.first == 3, "\(table): 05:00 UTC on the 3rd is after that day's row")
    }
  }

  /// Daily dates read back as the same day in any session time zone (issue 12, item 7).
  @Test func datesStayDatesInEveryTimeZone() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try ingest(scratch, "data.csv")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      sink: { plugin: postgres, url: "\(url)" }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/summary.json").utf8)) as! [String: Any]
    let runID = summary["run_id"] as! String
    let flagged = (summary["anomalies"] as! [[String: Any]]).map { $0["timestamp"] as! String }
    #expect(flagged == [date(18_262 + 150)])
    for zone in ["America/New_York", "Asia/Tokyo"] {
      let db = try PGConnection(url)
      try db.execute("SELECT set_config('TimeZone', $1, false)", [zone])
      #expect(try db.execute("SELECT ts::text FROM \(schema).m ORDER BY ts LIMIT 1").rows[0][0] == date(18_262), "\(zone)")
      let days = try db.execute("SELECT day::text FROM seismo.anomalies WHERE run_id = $1 ORDER BY day", [runID]).rows
      #expect(days.map { $0[0] } == flagged, "\(zone)")
    }
  }

  /// A query pasted from psql ends in ';', a syntax error inside the SELECT the source wraps
  /// it in: the ';' is dropped. A second statement after one is refused, naming the setting,
  /// and never runs; a ';' inside a string is no statement's end.
  @Test func aQueryEndingInASemicolonIsRead() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).w (ts date PRIMARY KEY, a float8)")
    try sql("INSERT INTO \(schema).w SELECT date '2020-01-01' + i, i % 7 FROM generate_series(0, 59) i")
    let plain = try loadSource(["query": .text("SELECT ts, a FROM \(schema).w")])
    for query in [
      "SELECT ts, a FROM \(schema).w;", "SELECT ts, a FROM \(schema).w ;\n ", "SELECT ts, a FROM \(schema).w WHERE 'x;' <> ''",
    ] {
      #expect(try loadSource(["query": .text(query)]) == plain, "\(query)")
    }
    #expect(
      loadOutcome(["query": .text("SELECT ts, a FROM \(schema).w; DROP TABLE \(schema).w")]) { _ in "loaded" }
        == "source.query: one SELECT, which the source reads inside another: a ';' there ends it; keep one statement")
    #expect(try sql("SELECT count(*) FROM \(schema).w") == [["60"]])
  }

  @Test func sourceQueriesCannotWrite() throws {
    let scratch = try Scratch()
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE SEQUENCE \(schema).counter START 100")
    let objects = try sql("SELECT count(*) FROM pg_largeobject_metadata")[0][0]
    for (query, expected) in [
      ("SELECT now() AS ts, setval('\(schema).counter', 1)::float8 AS x", "cannot execute setval() in a read-only transaction"),
      // Read-only mode lets lo_create through; the transaction is rolled back, so it leaves nothing.
      ("SELECT now() AS ts, lo_create(0)::text::float8 AS x", "the split leaves no training rows"),
      (
        "SELECT now() AS ts, 1.0 AS x FROM (SELECT set_config('transaction_read_only', 'off', true)) s",
        "transaction read-write mode must be set before any query"
      ),
    ] {
      try scratch.write(
        "run.yaml", "source: { plugin: postgres, url: \"\(url)\", query: \"\(query)\" }\ndetector: { plugin: rolling-zscore }\n")
      let result = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
      #expect(result.status == (expected.contains("no training rows") ? 1 : 2), "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(query): \(result.stderr)")
    }
    #expect(try sql("SELECT last_value FROM \(schema).counter")[0][0] == "100")
    #expect(try sql("SELECT count(*) FROM pg_largeobject_metadata")[0][0] == objects)
  }

  @Test func lockAndStatementTimeoutsEndWaitsWithAClearError() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // The URL overrides the defaults (30 s, 10 min), so the test waits one second.
    let options = "options=-c%20lock_timeout%3D1s%20-c%20statement_timeout%3D20s"
    try writeSinkRun(scratch, sinkURL: "\(url)?\(options)")
    let holder = try holdingLock(on: "seismo.runs")
    let locked = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    try holder.execute("ROLLBACK")
    #expect(locked.status == 2)
    #expect(
      locked.stderr.contains("canceling statement due to lock timeout")
        && locked.stderr.contains("another session holds a lock it needs"), "\(locked.stderr)")
    #expect(PGConnection.Limits().lockTimeout == "30s" && PGConnection.Limits().statementTimeout == "10min")
    #expect(try PGConnection(url).applied == ["lock_timeout": "30s", "statement_timeout": "10min", "jit": "off"])

    try scratch.write(
      "slow.yaml",
      """
      source: { plugin: postgres, url: "\(url)?options=-c%20statement_timeout%3D1s", query: "SELECT now() AS ts, 1.0 AS x FROM pg_sleep(3)" }
      detector: { plugin: rolling-zscore }
      """)
    let slow = try CLI.run(["detect", "slow.yaml", "--out", "s", "--quiet"], in: scratch.url)
    #expect(slow.status == 2)
    #expect(
      slow.stderr.contains("canceling statement due to statement timeout") && slow.stderr.contains("statement_timeout"),
      "\(slow.stderr)")
  }

  /// JIT compilation is off in Seismo's sessions (`PGConnection.sessionSettings`), unless the URL
  /// turns it on.
  @Test func seismosSessionsCompileNoQueryUnlessTheURLSays() throws {
    #expect(try PGConnection(url).execute("SHOW jit").rows == [["off"]])
    let on = try PGConnection("\(url)?options=-c%20jit%3Don")
    #expect(try on.execute("SHOW jit").rows == [["on"]] && on.applied["jit"] == nil)
  }

  /// A server that accepts the TCP connection but never answers: the default connect_timeout
  /// (10 s) ends the wait.
  @Test func aSilentServerTimesOut() throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(listener, pointer, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, pointer, &length) == 0
      }
    }
    #expect(bound)
    let port = UInt16(bigEndian: address.sin_port)
    let scratch = try Scratch()
    try scratch.write(
      "run.yaml",
      "source: { plugin: postgres, url: \"postgresql://u:secret@127.0.0.1:\(port)/db\", table: t }\ndetector: { plugin: rolling-zscore }\n"
    )
    let started = Date()
    let result = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    let waited = Date().timeIntervalSince(started)
    #expect(result.status == 2)
    #expect(result.stderr.contains("timeout expired (connect_timeout in the URL sets the wait)"), "\(result.stderr)")
    #expect(!result.stderr.contains("secret"))
    #expect(waited > 5 && waited < 60, "\(waited) s")
  }
}

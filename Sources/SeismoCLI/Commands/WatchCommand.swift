import ArgumentParser
import Foundation
import PostgresSink
import PostgresSource
import SeismoCore
import SeismoPostgres

/// `seismo watch --run RUN`: scores a stored run's new rows as they are committed.
struct WatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "watch",
    abstract: "Score new rows of a PostgreSQL table as they are committed, with a stored model.",
    discussion: """
      LISTENs on channel seismo_rows (`seismo db watch --table T` makes the table announce new \
      rows; it warns at the start when the table does not, and \
      later when the table is dropped, or made again without the trigger, as it checks whenever \
      it has waited 5 seconds without news of it, whatever other tables announce), and for each announcement of the model's source table appends the new rows' scores to \
      the run, as `score --new-rows` does (the run's latest threshold version included). It \
      reads the whole table once, then only the rows after the last it read, keeping the model's \
      context rows and the state of the run's threshold, and of its latest threshold version, in \
      memory (a query source, or a model whose scores look ahead or use every earlier row, is read \
      whole each time). Rows at the end of the table that miss an indicator wait for it, as with \
      score --new-rows (the source's wait_for), and it says when rows start or stop waiting. \
      Rows inserted or deleted among those already read stop it with an error: run \
      detect again. It warns of rows it scored that have changed in the table since (a restated \
      print), whose stored scores used the old values: as it starts and after a lost connection, \
      and at once when an UPDATE changes one (the table announces the earliest time an UPDATE or \
      DELETE changed; it then reads the whole table again to compare). Each restated row is \
      named once. A model of levels warns, once per feature, when a quarter of the rows appended \
      since it started lie outside the feature's training range, and it warns once of a feature \
      whose data stopped among the rows it appends, went stale (one value repeated) or has a hole \
      there, and as it starts of a source that ends at a time (to:). Its warnings are stored with the \
      run (seismo.run_warnings; runs show lists them). Every anomaly among the new rows, as the \
      run's latest threshold version judges them (seismo.anomalies), is announced with NOTIFY on \
      channel seismo_anomaly, as JSON: {"run", "indicator", "ts", "score", "threshold", \
      "top_feature", "alert"}; "alert" is true on the row where an event alerts (the events \
      section's rule: listen for those to hear once per episode). An ensemble's also says \
      "flagged_by": the members whose own score is above their own cut-off, numbered from 1 in \
      the config's order. It catches up on start and \
      after a lost connection (it reconnects every few seconds), so nothing is missed and \
      nothing is scored twice. One watcher per run: a second one is refused. Stop it with \
      Ctrl-C or SIGTERM.

      Example: seismo db watch --url "$URL" --schema market --table daily && seismo watch --run RUN_ID --url "$URL"
      """)

  @Option(
    name: .customLong("run"),
    help: ArgumentHelp("The stored run whose model scores the new rows (save_model: true).", valueName: "run-id"))
  var runID: String

  @OptionGroup var connection: ConnectionOptions
  var url: String { connection.url }

  @OptionGroup var overrides: SourceOverrides

  @Flag(help: "Print nothing but warnings and errors.")
  var quiet = false

  func run() throws {
    try reportingErrors {
      let saved = try ScoreCommand.storedModel(run: runID, url: url)
      let config = try ScoreCommand.config(for: saved, data: [], url: url, overrides: overrides.values)
      guard config.source.plugin == PostgresSource.descriptor.name else {
        throw SeismoError.invalidInput(
          "run '\(runID)' reads a \(config.source.plugin) source, which announces no new rows: watch follows a PostgreSQL table; score a file's new rows with seismo score --run \(runID) --new-rows"
        )
      }
      let source = Self.table(of: config.source)
      let table = source.map { "\($0.schema).\($0.name)" }  // as the trigger's announcements name it
      var listener = try listen()
      var watched = try source.map { try WatchedTable(schema: $0.schema, name: $0.name, on: listener) }
      watched?.startWarning.map(Console.err)
      let indicator =
        try listener.execute("SELECT indicator FROM seismo.runs WHERE run_id = $1", [runID]).rows.first?.first ?? nil
      var reader = try NewRowsReader(saved, config: config, command: "watch", progress: ProgressLine(quiet: quiet))
      if let end = reader.bounded?.end {
        Console.err(
          "warning: run \(runID)'s source ends at \(CivilTime.format(end)) (to:), so this watcher scores no row after it: --set source.to= reads on (source.to=TIME: up to TIME)"
        )
        reader.warned.beyondEnd = true
      }
      if !quiet {
        Console.out(
          "watching \(table ?? "the model's source") for run \(runID) (channel seismo_rows; anomalies on seismo_anomaly); \(reader.reading)"
        )
        fflush(nil)  // a watcher's lines reach a file or pipe as they happen
      }
      var pending = true  // catch up first
      var waiting: WaitingRows?  // as last said
      var lastNews = Date()  // of this table, or the last look at it without any
      while true {
        do {
          if pending {
            try announce(reader.scoreNewRows(to: runID, on: listener), indicator: indicator, on: listener)
            pending = false
            if reader.waiting != waiting, !quiet {
              waiting = reader.waiting
              Console.out("run \(runID): " + (waiting?.description ?? "no row waits"))
              fflush(nil)
            }
          }
          let notifications = try listener.notifications(waitingUpTo: 5)
          // After 5 s without news of its table, the watcher looks at it: other tables announce
          // on the same channel, and their news must not keep it from seeing its own dropped.
          let news = notifications.contains { note in
            table.map { note.payload == $0 || Self.changedFrom(note.payload, in: $0) != nil } ?? true
          }
          if news {
            lastNews = Date()
          } else if Date().timeIntervalSince(lastNews) >= 5 {
            lastNews = Date()
            if let change = try watched?.recheck(on: listener) { Console.narrate(change, quiet: quiet) }
          }
          pending = notifications.contains { table == nil || $0.payload == table }
          // Rows changed among those read: read the whole table again, which compares the
          // scored rows with their stored digests (a query source is read whole every time).
          if let table, let from = notifications.compactMap({ Self.changedFrom($0.payload, in: table) }).min(),
            reader.hasRead(from)
          {
            reader.restart()
            pending = true
          }
        } catch SeismoError.database(let message) {
          // A lost connection or a restarted server: connect again, then catch up, reading the
          // whole table again (a batch may have been scored but not stored).
          Console.err("\(message); reconnecting")
          listener = try reconnect()
          reader.restart()
          pending = true
        }
      }
    }
  }

  /// A connection that LISTENs on seismo_rows and holds this run's watcher lock.
  func listen() throws -> PGConnection {
    let db = try SchemaMigrator.connection(url)
    let locked = try db.execute(
      "SELECT pg_try_advisory_lock(8117318, hashtext($1))", [runID]
    ).rows.first?.first
    guard locked == "t" else {
      throw SeismoError.database("postgres: another seismo watch is scoring run '\(runID)'; one watcher per run")
    }
    try db.execute("LISTEN seismo_rows")
    return db
  }

  /// Connects again, every 3 seconds until it works.
  func reconnect() throws -> PGConnection {
    while true {
      Thread.sleep(forTimeInterval: 3)
      do {
        return try listen()
      } catch SeismoError.database(let message) {
        Console.err("\(message); retrying")
      }
    }
  }

  /// Announces the anomalies among a batch's appended rows and prints what it did, and its
  /// warnings (each restated row and each feature outside a model of levels' training range is
  /// warned of once, as stored with the run).
  func announce(_ batch: NewRowsReader.Batch?, indicator: String?, on db: PGConnection) throws {
    batch?.warnings.forEach(Console.err)
    guard let batch, batch.appended.rows > 0 else { return }
    let appended = batch.appended
    let piece = batch.piece
    let frame = piece.frame
    let scores = piece.scores
    // The appended rows are the piece's last `appended.rows` scores, as the run's latest threshold
    // version judges them (seismo.anomalies).
    let first = scores.values.count - appended.rows
    for i in first..<scores.values.count {
      let (score, cutoff) =
        appended.judged.map { ($0.scores[i - first], $0.cutoffs[i - first]) } ?? (scores.values[i], piece.cutoffs[i])
      guard score > cutoff else { continue }
      let row = scores.row(i)
      var payload: [String: Any] = [
        "run": runID, "indicator": indicator ?? NSNull(), "ts": frame.formatTimestamp(frame.timestamps[row]),
        "score": Double(score), "threshold": Double(cutoff), "top_feature": frame.featureNames[scores.topFeature(at: i)],
        "alert": appended.alerts.contains(frame.timestamps[row]),
      ]
      if let members = piece.members {
        payload["flagged_by"] = appended.judged?.flaggedBy?[i - first] ?? members.flagging(at: i)
      }
      let json = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
      try db.execute("SELECT pg_notify('seismo_anomaly', $1)", [json])
    }
    if !quiet {
      for refit in batch.refits { Console.out("run \(runID): refitted \(refit)") }
      Console.out(
        "run \(runID): scored \(appended.rows) new row\(appended.rows == 1 ? "" : "s") up to \(appended.lastAfter.map(frame.formatTimestamp) ?? "?"), \(appended.flagged) anomal\(appended.flagged == 1 ? "y" : "ies")\(appended.judged.map { " (threshold version \($0.version))" } ?? "")"
      )
      fflush(nil)  // a watcher's lines reach a file or pipe as they happen
    }
  }

  /// The earliest time an UPDATE or DELETE changed in `table`, from the announcement
  /// `notify_changed_rows` makes (`{"table": …, "changed_from": seconds}`); nil for another
  /// payload (new rows, another table).
  static func changedFrom(_ payload: String, in table: String) -> Timestamp? {
    guard payload.hasPrefix("{"),
      let json = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
      json["table"] as? String == table, let from = json["changed_from"] as? NSNumber
    else { return nil }
    return from.int64Value
  }

  /// The schema and name of a postgres table source; nil for a query (every announcement then
  /// counts).
  static func table(of source: PluginChoice) -> (schema: String, name: String)? {
    guard source.plugin == PostgresSource.descriptor.name, let name = source.parameters.ifDeclared(PostgresSource.table),
      !name.isEmpty
    else { return nil }
    return (source.parameters.ifDeclared(PostgresSource.schema) ?? "public", name)
  }
}

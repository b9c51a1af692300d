import SeismoPostgres

/// The table a watcher follows, and whether it announces its rows through the triggers
/// `seismo db watch` attaches. A watcher checks it as it starts and again whenever it has waited
/// without news: a table dropped and made again (as some loads do) loses its triggers without a
/// word, and the watcher would wait in silence.
struct WatchedTable {
  /// What the table announces.
  enum State: Equatable {
    /// No such table (dropped, or renamed).
    case missing
    /// No seismo_watch trigger: new rows are not announced.
    case silent
    /// New rows, not changed ones (the triggers of a `db watch` before migration 13).
    case newRowsOnly
    /// New and changed rows.
    case announcing
  }

  let schema: String
  let name: String
  private(set) var state: State

  init(schema: String, name: String, on db: PGConnection) throws {
    self.schema = schema
    self.name = name
    state = try Self.state(of: schema, name, on: db)
  }

  /// The warning for the table as the watcher starts; nil when it announces new and changed
  /// rows. (A table that does not exist has failed the source's check before.)
  var startWarning: String? {
    switch state {
    case .missing, .silent:
      return
        "warning: \(schema).\(name) does not announce new rows (it has no seismo_watch trigger), so nothing will be scored until it does: \(fix)"
    case .newRowsOnly:
      return
        "warning: \(schema).\(name) does not announce changed rows (its triggers are from an older seismo db watch), so a restated row is named only when the watcher starts or reconnects; to hear of one at once: \(fix)"
    case .announcing:
      return nil
    }
  }

  /// Checks the table again; returns what changed: a warning (`warning: …`) for a state that
  /// announces less than it should, a plain line when it announces new and changed rows again,
  /// nil when nothing changed.
  mutating func recheck(on db: PGConnection) throws -> String? {
    let now = try Self.state(of: schema, name, on: db)
    defer { state = now }
    guard now != state else { return nil }
    switch now {
    case .missing:
      return
        "warning: \(schema).\(name) no longer exists (dropped or renamed while watched), so nothing will be scored until it is back and announces new rows: \(fix)"
    case .silent:
      return
        "warning: \(schema).\(name) no longer announces new rows (its seismo_watch trigger is gone: was the table dropped and made again?), so nothing will be scored until it does: \(fix)"
    case .newRowsOnly:
      return
        "warning: \(schema).\(name) no longer announces changed rows (its seismo_changed triggers are gone), so a restated row is named only when the watcher reconnects: \(fix)"
    case .announcing:
      return "\(schema).\(name) announces new and changed rows again"
    }
  }

  /// The command that makes the table announce its rows.
  private var fix: String { "seismo db watch --url URL --schema \(schema) --table \(name)" }

  /// What table `schema`.`name` announces now, from the catalogue.
  private static func state(of schema: String, _ name: String, on db: PGConnection) throws -> State {
    let rows = try db.execute(
      """
      SELECT to_regclass($1) IS NOT NULL,
             array_to_string(array(SELECT tgname::text FROM pg_trigger
                   WHERE tgrelid = to_regclass($1) AND tgname = ANY($2::text[]) AND tgenabled <> 'D'), ',')
      """,
      [PGConnection.qualified(schema, name), PGText.array(DatabaseCommand.Watch.triggers)]
    ).rows
    guard rows.first?[0] == "t" else { return .missing }  // trigger names hold no commas
    let triggers = Set((rows.first?[1] ?? nil)?.split(separator: ",").map(String.init) ?? [])
    if !triggers.contains("seismo_watch") { return .silent }
    return triggers.isSuperset(of: DatabaseCommand.Watch.triggers) ? .announcing : .newRowsOnly
  }
}

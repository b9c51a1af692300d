import CLibPQ
import Foundation
import SeismoCore

/// A libpq connection with a small, safe surface: parameterised statements only (values travel
/// as parameters, never in SQL text), COPY FROM STDIN for bulk writes, explicit transactions, and
/// errors that carry the SQLSTATE and never the password.
public final class PGConnection {
  private let handle: OpaquePointer
  /// The target as shown in messages, with any password removed.
  public let target: String

  /// How long Seismo waits before giving up, unless the connection string says otherwise: a
  /// server that accepts TCP but never answers, a table locked by another session or a runaway
  /// query fail with a clear message instead of hanging.
  public struct Limits: Sendable, Equatable {
    /// Seconds to establish the connection (libpq's `connect_timeout`).
    public var connectTimeout = 10
    /// How long a statement waits for a lock (PostgreSQL's `lock_timeout`).
    public var lockTimeout = "30s"
    /// How long one statement may run (PostgreSQL's `statement_timeout`).
    public var statementTimeout = "10min"

    public init() {}
  }

  /// The session settings Seismo applied from `Limits` and `sessionSettings` (those the
  /// connection string sets are left to it), by name.
  public private(set) var applied: [String: String] = [:]

  /// Settings of every Seismo session, unless the connection string sets them: JIT compilation
  /// off. PostgreSQL compiles a query whose estimated cost passes `jit_above_cost`, and the
  /// queries through `seismo.judged_scores` (a version's events, `runs list`'s counts) are
  /// estimated far above what they read, so compiling costs more than it saves: a `rethreshold`
  /// of 1,000,000 rows took 0.81 s against 1.30 s (`scripts/bench-jit.sh`). `options=-c jit=on`
  /// in the URL turns it back on.
  public static let sessionSettings = [("jit", "off")]

  /// Connects with a `postgresql://` URL or a `key=value` conninfo string; an empty string uses
  /// the PG* environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, …).
  ///
  /// `limits` apply unless the string sets them: `connect_timeout=…`, or
  /// `options=-c lock_timeout=…` / `-c statement_timeout=…` (in a URL,
  /// `?options=-c%20statement_timeout%3D1h`).
  public init(_ conninfo: String, limits: Limits = Limits()) throws {
    target = conninfo.isEmpty ? "the PG* environment" : Self.redact(conninfo)
    try Self.checkURL(conninfo, target: target)
    var settings = [("application_name", "seismo")]
    if !conninfo.contains("connect_timeout") && ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
      settings.append(("connect_timeout", String(limits.connectTimeout)))
    }
    guard let handle = PQconnectdb(Self.adding(settings, to: conninfo)) else {
      throw SeismoError.database("postgres: out of memory connecting to \(target)")
    }
    self.handle = handle
    guard PQstatus(handle) == CONNECTION_OK else {
      // No PQfinish here: a class whose stored properties are set runs deinit even when init throws.
      let message = lastError
      let timedOut = message.contains("timeout expired") ? " (connect_timeout in the URL sets the wait)" : ""
      throw SeismoError.database(
        "postgres: cannot connect to \(target): \(Self.redact(message, hiding: Self.password(in: conninfo)))\(timedOut)")
    }
    PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs (e.g. "already exists") stay quiet
    for (name, value) in [("lock_timeout", limits.lockTimeout), ("statement_timeout", limits.statementTimeout)]
      + Self.sessionSettings where !conninfo.contains(name)
    {
      try execute("SELECT set_config($1, $2, false)", [name, value])
      applied[name] = value
    }
  }

  deinit {
    for result in fetchedAhead.values { PQclear(result) }
    PQfinish(handle)
  }

  /// False once the connection to the server is lost.
  public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

  /// Runs one statement with `$1, $2, …` parameters (text format; nil is NULL).
  @discardableResult
  public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PGResult {
    try collectFetchAhead()
    let result = withCStrings(parameters) { values in
      PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
    }
    return try check(result, sql: sql)
  }

  /// Runs one SELECT whose columns are all `float8` (or `real[]`, read with
  /// `PGFloat8Row.floats(_:)`) and hands `body` its rows one at a time as
  /// they arrive (libpq's single-row mode), in binary: the server prints no number and nothing
  /// here parses one, which makes reading many rows of numbers (a source's table, a run's scores)
  /// several times cheaper than `execute`. Memory holds a row, never the result, and the server
  /// plans and runs the query as it would any other (in parallel where it can). When `body`
  /// throws, the query is cancelled on the server and the error passed on. `body` runs no
  /// statement on this connection, whose rows are still coming (one throws).
  /// - Throws: as `execute`, and when a column is not `float8` (cast it: `x::float8`).
  public func forEachFloat8Row(_ sql: String, _ parameters: [String?] = [], _ body: (PGFloat8Row) throws -> Void)
    throws
  {
    try collectFetchAhead()
    let sent = withCStrings(parameters) { values in
      PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 1)
    }
    guard sent == 1, PQsetSingleRowMode(handle) == 1 else {
      _ = drainResults()
      throw SeismoError.database("postgres: \(lastError)")
    }
    var typesChecked = false
    readingRows = true
    defer { readingRows = false }
    do {
      while let next = PQgetResult(handle) {
        let result = try checked(next, sql: sql, expect: PGRES_SINGLE_TUPLE)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_SINGLE_TUPLE else { continue }  // the closing empty result
        if !typesChecked {
          try Self.requireFloat8(result)
          typesChecked = true
        }
        try body(PGFloat8Row(result: result, row: 0))
      }
    } catch {
      if let cancel = PQgetCancel(handle) {
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
        PQfreeCancel(cancel)
      }
      _ = drainResults()
      throw error
    }
  }

  /// As `forEachFloat8Row(_:_:_:)`, but through a cursor fetched `batchRows` rows at a time, each
  /// fetch a statement of its own: the statement timeout bounds each fetch, not the whole read,
  /// so `body` may take as long as it likes (a stream that scores as it reads). A single-row
  /// read is one statement, which the timeout stops once the server has more to send than the
  /// socket holds. The next batch is asked for before `body` sees the current one, so the
  /// server fetches while the caller works; that fetch waits on the caller once the socket is
  /// full, so keep a batch to what `body` gets through well within the timeout. A cursor lives
  /// in a transaction, so call this in one; its query never runs in parallel. Each row costs the
  /// client less than in single-row mode, which makes a result of its own for every row. `body`
  /// may run statements on this connection: the batch asked for ahead is collected first
  /// (`collectFetchAhead`).
  public func forEachFloat8Row(
    _ sql: String, _ parameters: [String?] = [], fetching batchRows: Int, _ body: (PGFloat8Row) throws -> Void
  ) throws {
    cursors += 1
    let cursor = "seismo_read_\(cursors)"
    try execute("DECLARE \(cursor) NO SCROLL CURSOR FOR \(sql)", parameters)
    let fetch = "FETCH FORWARD \(max(1, batchRows)) FROM \(cursor)"
    func ask() throws {
      try collectFetchAhead()
      guard PQsendQueryParams(handle, fetch, 0, nil, nil, nil, nil, 1) == 1 else {
        throw SeismoError.database("postgres: \(lastError)")
      }
      fetchInFlight = cursor
    }
    /// The batch asked for last: collected by a statement `body` ran meanwhile, or now.
    func next() -> OpaquePointer? {
      if let collected = fetchedAhead.removeValue(forKey: cursor) { return collected }
      fetchInFlight = nil
      defer { _ = drainResults() }
      return PQgetResult(handle)
    }
    try ask()
    while true {
      let result = try checked(next(), sql: fetch)
      defer { PQclear(result) }
      let rows = PQntuples(result)
      guard rows > 0 else { break }
      try Self.requireFloat8(result)
      try ask()
      do {
        for r in 0..<rows { try body(PGFloat8Row(result: result, row: r)) }
      } catch {
        PQclear(next())  // the batch asked for, before the connection can run anything else
        throw error
      }
    }
    try execute("CLOSE \(cursor)")
  }

  /// Cursors declared on this connection, to name each apart.
  private var cursors = 0

  /// The cursor whose next batch is on its way: asked for before its reader's body saw the last.
  private var fetchInFlight: String?
  /// The batches that statements run meanwhile collected, by cursor, for their readers to take.
  private var fetchedAhead: [String: OpaquePointer] = [:]

  /// Whether a single-row read is handing its rows on (the server is still sending them).
  private var readingRows = false

  /// Before a statement runs: collects the batch a cursor asked for ahead, which the cursor's
  /// reader then takes, so that the body of a read through a cursor may run statements on this
  /// connection (a stream's first piece asks how the session shows its times). libpq would
  /// otherwise drop that batch unread. A single-row read's body may not: its rows are still
  /// coming, and it throws.
  private func collectFetchAhead() throws {
    guard !readingRows else {
      throw SeismoError.state("postgres: a statement ran on a connection while it read rows a row at a time")
    }
    guard let cursor = fetchInFlight else { return }
    fetchInFlight = nil
    if let result = PQgetResult(handle) { fetchedAhead[cursor] = result }
    _ = drainResults()
  }

  /// Throws unless every column of `result` is float8 or real[].
  private static func requireFloat8(_ result: OpaquePointer) throws {
    if let column = (0..<PQnfields(result)).first(where: { PQftype(result, $0) != 701 && PQftype(result, $0) != 1021 }) {
      throw SeismoError.state("postgres: column \(column + 1) of a float8 read is not float8")
    }
  }

  /// Runs a script of several statements without parameters (migrations).
  public func executeScript(_ sql: String) throws {
    try collectFetchAhead()
    _ = try check(PQexec(handle, sql), sql: sql)
  }

  /// Streams `chunks` of COPY text-format data into `copySQL` (`COPY … FROM STDIN`).
  /// - Returns: the number of rows the server reports.
  @discardableResult
  public func copy<S: Sequence>(_ copySQL: String, chunks: S) throws -> Int where S.Element == String {
    try copy(copySQL, byteChunks: chunks.lazy.map { Array($0.utf8) })
  }

  /// Streams raw COPY data (text or binary, as `copySQL` says).
  @discardableResult
  public func copy<S: Sequence>(_ copySQL: String, byteChunks chunks: S) throws -> Int where S.Element == [UInt8] {
    try collectFetchAhead()
    _ = try check(PQexec(handle, copySQL), sql: copySQL, expect: PGRES_COPY_IN)
    for chunk in chunks {
      let sent = chunk.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
      }
      guard sent == 1 else {
        _ = PQputCopyEnd(handle, "aborted")
        _ = drainResults()
        throw SeismoError.database("postgres: COPY failed: \(lastError)")
      }
    }
    guard PQputCopyEnd(handle, nil) == 1 else {
      throw SeismoError.database("postgres: COPY failed: \(lastError)")
    }
    let result = try check(PQgetResult(handle), sql: copySQL)
    _ = drainResults()
    return result.affectedRows
  }

  /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
  ///
  /// A `readOnly` transaction refuses writes, including writes hidden in functions a SELECT calls
  /// (`setval`, `nextval`, …), and is always rolled back, which undoes the few writes read-only
  /// mode lets through (`lo_create`). What no transaction undoes (`pg_terminate_backend`,
  /// reading server files) is up to the role: connect sources as one that may only SELECT.
  public func transaction<T>(readOnly: Bool = false, _ body: () throws -> T) throws -> T {
    try execute(readOnly ? "BEGIN READ ONLY" : "BEGIN")
    do {
      let value = try body()
      try execute(readOnly ? "ROLLBACK" : "COMMIT")
      return value
    } catch {
      if PQstatus(handle) == CONNECTION_OK { _ = try? execute("ROLLBACK") }
      throw error
    }
  }

  /// `name` as a quoted SQL identifier: wrapped in double quotes, inner quotes doubled. Never
  /// splice user text into SQL any other way.
  public static func quote(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// The longest identifier PostgreSQL keeps (NAMEDATALEN − 1 bytes); longer names are
  /// silently cut, so two long names could become one.
  public static let maxIdentifierBytes = 63

  /// Throws unless `name` fits in an identifier; `what` names it in the error ("column").
  public static func requireIdentifier(_ name: String, _ what: String) throws {
    guard !name.isEmpty else { throw SeismoError.invalidInput("postgres: the \(what) name is empty") }
    let bytes = name.utf8.count
    guard bytes <= maxIdentifierBytes else {
      throw SeismoError.invalidInput(
        "postgres: the \(what) name '\(name)' is \(bytes) bytes; PostgreSQL keeps only \(maxIdentifierBytes) and would shorten it silently: rename it"
      )
    }
  }

  /// `schema.table`, each part quoted.
  public static func qualified(_ schema: String, _ table: String) -> String {
    schema.isEmpty ? quote(table) : quote(schema) + "." + quote(table)
  }

  /// A conninfo or URL with its password replaced by `***`; `password`, when given, is also
  /// removed wherever it appears (libpq echoes parts of a malformed URL in its messages).
  public static func redact(_ text: String, hiding password: String? = nil) -> String {
    var out = text
    if let password, !password.isEmpty {
      out = out.replacingOccurrences(of: password, with: "***")
      if let decoded = password.removingPercentEncoding, !decoded.isEmpty {
        out = out.replacingOccurrences(of: decoded, with: "***")
      }
    }
    return Secrets.redact(out)
  }

  /// The password of a URL (as written, still percent-encoded) or of a `password=` conninfo.
  static func password(in conninfo: String) -> String? {
    if let authority = urlAuthority(conninfo), let at = authority.lastIndex(of: "@") {
      let userinfo = authority[..<at]
      return userinfo.firstIndex(of: ":").map { String(userinfo[userinfo.index(after: $0)...]) }
    }
    guard let regex = try? NSRegularExpression(pattern: "password\\s*=\\s*('([^']*)'|(\\S+))", options: .caseInsensitive),
      let match = regex.firstMatch(in: conninfo, range: NSRange(conninfo.startIndex..., in: conninfo))
    else { return nil }
    for group in [2, 3] {
      if let range = Range(match.range(at: group), in: conninfo) { return String(conninfo[range]) }
    }
    return nil
  }

  /// The `user:password@host:port` part of a postgres URL; nil for a conninfo string.
  static func urlAuthority(_ conninfo: String) -> Substring? {
    guard let scheme = conninfo.range(of: "://"),
      conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://")
    else { return nil }
    let rest = conninfo[scheme.upperBound...]
    return rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex)]
  }

  /// Refuses the URL mistakes whose libpq messages would show the password: an unencoded '@'
  /// in the user or password, and a '%' not followed by two hex digits.
  static func checkURL(_ conninfo: String, target: String) throws {
    guard let authority = urlAuthority(conninfo) else { return }
    if authority.filter({ $0 == "@" }).count > 1 {
      throw SeismoError.invalidInput(
        "postgres: the URL \(target) has '@' in its user or password; write it percent-encoded as %40")
    }
    var rest = Substring(conninfo)
    while let percent = rest.firstIndex(of: "%") {
      let digits = rest[rest.index(after: percent)...].prefix(2)
      guard digits.count == 2, digits.allSatisfy(\.isHexDigit) else {
        throw SeismoError.invalidInput(
          "postgres: the URL \(redact(target, hiding: password(in: conninfo))) has a '%' that is not a percent-encoding (%XX); write a literal % as %25"
        )
      }
      rest = rest[rest.index(after: percent)...]
    }
  }

  // MARK: - Notifications

  /// A NOTIFY this connection received: its channel and payload.
  public struct Notification: Sendable, Equatable {
    public var channel: String
    public var payload: String
  }

  /// Waits up to `timeout` seconds for notifications on the channels this connection LISTENs
  /// to, and returns those that arrived (none on timeout). Throws when the connection is lost.
  public func notifications(waitingUpTo timeout: Double) throws -> [Notification] {
    var received = drainNotifications()
    guard received.isEmpty else { return received }
    var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
    guard descriptor.fd >= 0 else { throw SeismoError.database("postgres: the connection to \(target) is closed") }
    let ready = poll(&descriptor, 1, Int32(max(0, timeout) * 1000))
    if ready > 0 {
      guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
        throw SeismoError.database(
          "postgres: lost the connection to \(target): \(lastError)")
      }
      received = drainNotifications()
    }
    return received
  }

  private func drainNotifications() -> [Notification] {
    var out: [Notification] = []
    while let notify = PQnotifies(handle) {
      out.append(Notification(channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra)))
      PQfreemem(notify)
    }
    return out
  }

  // MARK: - Internals

  /// libpq's message for the connection's last failure, on one line.
  private var lastError: String { Self.clean(String(cString: PQerrorMessage(handle))) }

  private func check(_ result: OpaquePointer?, sql: String, expect: ExecStatusType? = nil) throws -> PGResult {
    let result = try checked(result, sql: sql, expect: expect)
    defer { PQclear(result) }
    return PGResult(result)
  }

  /// `result` when it succeeded (the caller clears it); else it is cleared and the server's
  /// error thrown, with its hint and SQLSTATE.
  private func checked(_ result: OpaquePointer?, sql: String, expect: ExecStatusType? = nil) throws -> OpaquePointer {
    guard let result else {
      throw SeismoError.database("postgres: \(lastError.isEmpty ? "no result came for the statement" : lastError)")
    }
    let status = PQresultStatus(result)
    if let expect, status == expect { return result }
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN else {
      defer { PQclear(result) }
      func field(_ code: Character) -> String? {
        PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
      }
      let primary = field("M") ?? lastError
      var hint = field("H").map { " (hint: \($0))" } ?? ""
      if primary.contains("lock timeout") {
        hint +=
          " (another session holds a lock it needs; lock_timeout\(applied["lock_timeout"].map { "=" + $0 } ?? "") bounds the wait)"
      } else if primary.contains("statement timeout") {
        hint +=
          " (statement_timeout\(applied["statement_timeout"].map { "=" + $0 } ?? "") stopped it; set another with ?options=-c%20statement_timeout%3D1h in the URL)"
      }
      let state = field("C").map { " (SQLSTATE \($0))" } ?? ""
      throw SeismoError.database(
        "postgres: \(primary.isEmpty ? "the server closed the connection" : Self.clean(primary))\(hint)\(state)")
    }
    return result
  }

  private func drainResults() -> Int {
    var count = 0
    while let extra = PQgetResult(handle) {
      PQclear(extra)
      count += 1
    }
    return count
  }

  private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
  }

  /// `conninfo` with each `(key, value)` it does not already set appended.
  private static func adding(_ settings: [(String, String)], to conninfo: String) -> String {
    var out = conninfo
    let isURL = conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://")
    for (key, value) in settings where !conninfo.contains(key) {
      if isURL {
        out += (out.contains("?") ? "&" : "?") + "\(key)=\(value)"
      } else {
        out += (out.isEmpty ? "" : " ") + "\(key)=\(value)"
      }
    }
    return out
  }

  private static func clean(_ message: String) -> String {
    message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
  }
}

/// One row of a `PGConnection.forEachFloat8Row` read, valid only inside the call it is passed to.
public struct PGFloat8Row {
  fileprivate let result: OpaquePointer
  fileprivate let row: Int32

  public var columnCount: Int { Int(PQnfields(result)) }

  /// The cell in `column` (from 0, one of the read's); nil is NULL. A stored NaN or infinity is
  /// returned as such. (For a column the read lacks, libpq makes an error message at each call.)
  public subscript(column: Int) -> Double? {
    guard PQgetisnull(result, row, Int32(column)) == 0, let cell = PQgetvalue(result, row, Int32(column)) else {
      return nil
    }
    return Double(bitPattern: UInt64(bigEndian: UnsafeRawPointer(cell).loadUnaligned(as: UInt64.self)))
  }

  /// The one-dimensional `real[]` in `column` (from 0, one of the read's), as the server sends
  /// it in binary; nil for NULL, and for an array holding a NULL or of more than one dimension.
  public func floats(_ column: Int) -> [Float]? {
    guard PQgetisnull(result, row, Int32(column)) == 0, let cell = PQgetvalue(result, row, Int32(column)) else {
      return nil
    }
    let bytes = UnsafeRawPointer(cell)
    let length = Int(PQgetlength(result, row, Int32(column)))
    func int32(at offset: Int) -> Int32 { Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    // Dimensions, a NULL flag, the element type, then each dimension's size and lower bound.
    guard length >= 12 else { return nil }
    let dimensions = int32(at: 0)
    guard dimensions == 1, length >= 20, int32(at: 4) == 0 else { return dimensions == 0 ? [] : nil }
    let count = Int(int32(at: 12))
    guard length == 20 + 8 * count else { return nil }
    return (0..<count).map { i in
      Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 24 + 8 * i, as: UInt32.self)))
    }
  }
}

/// A query result in text format.
public struct PGResult: Sendable {
  public let columns: [String]
  /// Each column's type OID (`pg_type.oid`), as the server describes the result.
  public let columnTypes: [UInt32]
  /// Row-major cells; nil is NULL.
  public let rows: [[String?]]
  public let affectedRows: Int

  init(_ result: OpaquePointer) {
    let hasRows = PQresultStatus(result) == PGRES_TUPLES_OK
    let n = hasRows ? Int(PQntuples(result)) : 0
    let m = hasRows ? Int(PQnfields(result)) : 0
    columns = (0..<m).map { PQfname(result, Int32($0)).map { String(cString: $0) } ?? "" }
    columnTypes = (0..<m).map { UInt32(PQftype(result, Int32($0))) }
    rows = (0..<n).map { r in
      (0..<m).map { c in
        PQgetisnull(result, Int32(r), Int32(c)) == 1
          ? nil : PQgetvalue(result, Int32(r), Int32(c)).map { String(cString: $0) }
      }
    }
    affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? n
  }
}

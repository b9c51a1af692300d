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

  /// Connects with a `postgresql://` URL or a `key=value` conninfo string; an empty string uses
  /// the PG* environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, …).
  public init(_ conninfo: String) throws {
    target = conninfo.isEmpty ? "the PG* environment" : Self.redact(conninfo)
    try Self.checkURL(conninfo, target: target)
    let withName = conninfo.isEmpty ? "application_name=seismo" : conninfo
    guard let handle = PQconnectdb(Self.withApplicationName(withName)) else {
      throw SeismoError.state("postgres: out of memory connecting to \(target)")
    }
    self.handle = handle
    guard PQstatus(handle) == CONNECTION_OK else {
      // No PQfinish here: a class whose stored properties are set runs deinit even when init throws.
      let message = Self.clean(String(cString: PQerrorMessage(handle)))
      throw SeismoError.state(
        "postgres: cannot connect to \(target): \(Self.redact(message, hiding: Self.password(in: conninfo)))")
    }
    PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs (e.g. "already exists") stay quiet
  }

  deinit { PQfinish(handle) }

  /// Runs one statement with `$1, $2, …` parameters (text format; nil is NULL).
  @discardableResult
  public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PGResult {
    let result = withCStrings(parameters) { values in
      PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
    }
    return try check(result, sql: sql)
  }

  /// Runs a script of several statements without parameters (migrations).
  public func executeScript(_ sql: String) throws {
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
    _ = try check(PQexec(handle, copySQL), sql: copySQL, expect: PGRES_COPY_IN)
    for chunk in chunks {
      let sent = chunk.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
      }
      guard sent == 1 else {
        _ = PQputCopyEnd(handle, "aborted")
        _ = drainResults()
        throw SeismoError.state("postgres: COPY failed: \(Self.clean(String(cString: PQerrorMessage(handle))))")
      }
    }
    guard PQputCopyEnd(handle, nil) == 1 else {
      throw SeismoError.state("postgres: COPY failed: \(Self.clean(String(cString: PQerrorMessage(handle))))")
    }
    let result = try check(PQgetResult(handle), sql: copySQL)
    _ = drainResults()
    return result.affectedRows
  }

  /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN")
    do {
      let value = try body()
      try execute("COMMIT")
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
    // The password runs to the last '@' before the host: it may itself contain '@'.
    if let regex = try? NSRegularExpression(pattern: "(://[^:/@\\s]*:)[^/\\s]*@") {
      out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***@")
    }
    if let regex = try? NSRegularExpression(pattern: "(password\\s*=\\s*)('[^']*'|\\S+)", options: .caseInsensitive) {
      out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1***")
    }
    return out
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
      throw SeismoError.state(
        "postgres: the URL \(target) has '@' in its user or password; write it percent-encoded as %40")
    }
    var rest = Substring(conninfo)
    while let percent = rest.firstIndex(of: "%") {
      let digits = rest[rest.index(after: percent)...].prefix(2)
      guard digits.count == 2, digits.allSatisfy(\.isHexDigit) else {
        throw SeismoError.state(
          "postgres: the URL \(redact(target, hiding: password(in: conninfo))) has a '%' that is not a percent-encoding (%XX); write a literal % as %25"
        )
      }
      rest = rest[rest.index(after: percent)...]
    }
  }

  // MARK: - Internals

  private func check(_ result: OpaquePointer?, sql: String, expect: ExecStatusType? = nil) throws -> PGResult {
    guard let result else {
      throw SeismoError.state("postgres: \(Self.clean(String(cString: PQerrorMessage(handle))))")
    }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    if let expect, status == expect { return PGResult(result) }
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN else {
      func field(_ code: Character) -> String? {
        PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
      }
      let primary = field("M") ?? Self.clean(String(cString: PQerrorMessage(handle)))
      let hint = field("H").map { " (hint: \($0))" } ?? ""
      let state = field("C").map { " (SQLSTATE \($0))" } ?? ""
      throw SeismoError.state(
        "postgres: \(primary.isEmpty ? "the server closed the connection" : Self.clean(primary))\(hint)\(state)")
    }
    return PGResult(result)
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
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
  }

  private static func withApplicationName(_ conninfo: String) -> String {
    if conninfo.contains("application_name") { return conninfo }
    if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
      return conninfo + (conninfo.contains("?") ? "&" : "?") + "application_name=seismo"
    }
    return conninfo + " application_name=seismo"
  }

  private static func clean(_ message: String) -> String {
    message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
  }
}

/// A query result in text format.
public struct PGResult: Sendable {
  public let columns: [String]
  /// Row-major cells; nil is NULL.
  public let rows: [[String?]]
  public let affectedRows: Int

  init(_ result: OpaquePointer) {
    let hasRows = PQresultStatus(result) == PGRES_TUPLES_OK
    let n = hasRows ? Int(PQntuples(result)) : 0
    let m = hasRows ? Int(PQnfields(result)) : 0
    columns = (0..<m).map { PQfname(result, Int32($0)).map { String(cString: $0) } ?? "" }
    rows = (0..<n).map { r in
      (0..<m).map { c in
        PQgetisnull(result, Int32(r), Int32(c)) == 1
          ? nil : PQgetvalue(result, Int32(r), Int32(c)).map { String(cString: $0) }
      }
    }
    affectedRows = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? n
  }
}

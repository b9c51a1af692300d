/// An error a user reads: one line that stands on its own, and the exit status it ends a
/// command with. The CLI's root handles every such error the same way (`reportingErrors`), so a
/// module can bring its own error type by conforming.
public protocol UserFacingError: Error, CustomStringConvertible {
  /// 1 bad data, config or file; 2 the database failed or could not be reached.
  var exitStatus: Int32 { get }
}

/// The error type of Seismo's own modules, by domain (file, data, config, input, state,
/// database).
///
/// Every case renders as a single line that says *where* (file, line, column, config key or
/// table) and *what*. The CLI prints `error: <description>` and exits non-zero; nothing else is
/// ever shown, so messages must stand on their own.
public enum SeismoError: UserFacingError, Equatable, Sendable {
  /// A file could not be read or written.
  case file(path: String, message: String)
  /// A malformed cell or row in tabular input; `line` and `column` are 1-based.
  case data(source: String, line: Int?, column: String?, message: String)
  /// A configuration problem; `key` is a dotted path such as `detector.window`.
  case config(key: String, location: String?, message: String)
  /// Input that is well-formed but unusable, e.g. fewer rows than one window.
  case invalidInput(String)
  /// A saved model or other external state is not what was expected.
  case state(String)
  /// The database refused, failed or could not be reached (the CLI exits 2).
  case database(String)

  /// 2 for the database, 1 for everything else.
  public var exitStatus: Int32 {
    if case .database = self { return 2 }
    return 1
  }

  public var description: String {
    switch self {
    case .file(let path, let message):
      return "\(path): \(message)"
    case .data(let source, let line, let column, let message):
      var place = source
      if let line { place += ":\(line)" }
      if let column { place += " (column \(column))" }
      return "\(place): \(message)"
    case .config(let key, let location, let message):
      let place = location.map { "\($0): " } ?? ""
      return "\(place)\(key): \(message)"
    case .invalidInput(let message), .state(let message), .database(let message):
      return message
    }
  }
}

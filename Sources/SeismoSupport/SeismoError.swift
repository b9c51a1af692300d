/// An error a user reads: one line that stands on its own, and the exit status it ends a
/// command with. The CLI's root handles every such error the same way (`reportingErrors`), so a
/// module can bring its own error type by conforming.
public protocol UserFacingError: Error, CustomStringConvertible {
  /// 1 bad data, config or file; 2 the database failed or could not be reached.
  var exitStatus: Int32 { get }
  /// What the CLI prints, a line each as `error: <line>`: the description, unless the error
  /// gathers several.
  var lines: [String] { get }
}

extension UserFacingError {
  public var lines: [String] { [description] }
}

/// The error type of Seismo's own modules, by domain (file, data, config, input, state,
/// database).
///
/// Every case renders as a single line that says *where* (file, line, column, config key or
/// table) and *what*, but `configs`, a line for each problem. The CLI prints `error: <line>` and
/// exits non-zero; nothing else is ever shown, so messages must stand on their own.
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
  /// Several configuration problems found in one reading of a config (each a `.config`),
  /// reported together, a line each, so that one run names every typo.
  case configs([SeismoError])

  /// `errors` as one error: the one, or all of them gathered in the order of the file (those
  /// from `--set` or without a place after, as they came); nil: none.
  public static func gathering(_ errors: [SeismoError]) -> SeismoError? {
    let all = errors.flatMap(\.each).enumerated().sorted { a, b in
      let (x, y) = (a.element.place, b.element.place)
      return x != y ? x < y : a.offset < b.offset
    }.map(\.element)
    return all.count > 1 ? .configs(all) : all.first
  }

  /// A config error's line and column in its file; (`Int.max`, 0) for one from `--set` or
  /// without a place.
  var place: (Int, Int) {
    guard case .config(_, let location?, _) = self else { return (.max, 0) }
    let numbers = location.split(separator: ":").suffix(2).compactMap { Int($0) }
    return numbers.count == 2 ? (numbers[0], numbers[1]) : (.max, 0)
  }

  /// The problems this error gathers, or itself.
  public var each: [SeismoError] {
    if case .configs(let all) = self { all } else { [self] }
  }

  public var lines: [String] { each.map(\.description) }

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
    case .configs:
      return lines.joined(separator: "\n")
    }
  }
}

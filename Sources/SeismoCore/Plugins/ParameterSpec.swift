/// The declared type of a plugin parameter, checked when a config is validated.
public enum ParameterType: Sendable, Equatable, CustomStringConvertible {
  case integer(ClosedRange<Int>)
  case number(ClosedRange<Double>)
  case boolean
  case text
  /// A file path; relative paths in a config file are resolved against the file's folder.
  case path
  /// One string or a list of them (one a file, say), file paths resolved as `path` is when
  /// `isPath`. One is stored as a string (`.text`), so a setting of one reads back the same
  /// wherever it is written.
  case oneOrMore(isPath: Bool)
  /// A list of strings; a single scalar in the config is read as a one-element list.
  case textList
  /// A list of integers, each in `range`, at most `maxCount` of them; a single scalar is read as
  /// a one-element list.
  case integerList(ClosedRange<Int>, maxCount: Int)
  /// One of a fixed set of words.
  case choice([String])

  public var description: String {
    switch self {
    case .integer(let r):
      if r.lowerBound == Int.min { return "integer" }
      return r.upperBound == Int.max ? "integer ≥ \(r.lowerBound)" : "integer in \(r.lowerBound)...\(r.upperBound)"
    case .number(let r):
      if r.lowerBound == -Double.greatestFiniteMagnitude { return "number" }
      if r == Self.float32Range { return "number within ±3.4e38" }
      return r.upperBound == Double.greatestFiniteMagnitude
        ? "number ≥ \(r.lowerBound)" : "number in \(r.lowerBound)...\(r.upperBound)"
    case .boolean: return "true|false"
    case .text: return "string"
    case .path: return "path"
    case .oneOrMore(let isPath): return isPath ? "path or list of paths" : "string or list of strings"
    case .textList: return "list of strings"
    case .integerList(let r, let maxCount):
      let items = r.lowerBound == Int.min ? "integers" : "integers in \(r.lowerBound)...\(r.upperBound)"
      return maxCount == Int.max ? "list of \(items)" : "list of 1 to \(maxCount) \(items)"
    case .choice(let options): return options.joined(separator: "|")
    }
  }

  public static let integer = ParameterType.integer(Int.min...Int.max)
  public static let number = ParameterType.number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
  public static let positiveInteger = ParameterType.integer(1...Int.max)
  /// A number that fits a Float32 (scores, cut-offs): |x| ≤ 3.4e38.
  public static let float32 = ParameterType.number(float32Range)
  public static let float32Range = -Double(Float.greatestFiniteMagnitude)...Double(Float.greatestFiniteMagnitude)
  public static let integerList = ParameterType.integerList(Int.min...Int.max, maxCount: Int.max)

  /// `value` as this type stores it, or nil when it has another type or lies out of range.
  ///
  /// Config values are checked here after parsing; so are values read back from saved models,
  /// whose JSON blurs types (`1.0` reads as an integer, `[]` as a list of integers).
  public func admit(_ value: ParameterValue) -> ParameterValue? {
    switch (self, value) {
    case (.integer(let range), .integer(let v)):
      return range.contains(v) ? value : nil
    case (.number(let range), .number(let v)):
      return v.isFinite && range.contains(v) ? value : nil
    case (.number(let range), .integer(let v)):
      return range.contains(Double(v)) ? .number(Double(v)) : nil
    case (.boolean, .boolean), (.text, .text), (.path, .text), (.textList, .textList), (.oneOrMore, .text):
      return value
    case (.oneOrMore, .textList(let v)):
      return v.isEmpty ? nil : v.count == 1 ? .text(v[0]) : value
    case (.textList, .integerList(let v)) where v.isEmpty:
      return .textList([])
    case (.integerList(let range, let maxCount), .integerList(let v)):
      return v.count <= maxCount && v.allSatisfy(range.contains) ? value : nil
    case (.choice(let options), .text(let v)):
      return options.contains(v) ? value : nil
    default:
      return nil
    }
  }

  /// What an admitted value must be, as a phrase for errors ("an integer in 0...10").
  public var expectation: String {
    switch self {
    case .integer: return "an " + description
    case .number: return "a " + description
    case .boolean: return "true or false"
    case .text, .path: return "a string"
    case .oneOrMore(let isPath): return isPath ? "a path or a list of paths" : "a string or a list of strings"
    case .textList: return "a list of strings"
    case .integerList: return "a " + description
    case .choice(let options): return "one of \(options.joined(separator: ", "))"
    }
  }
}

/// A typed parameter value.
public enum ParameterValue: Sendable, Equatable, Codable, CustomStringConvertible {
  case integer(Int)
  case number(Double)
  case boolean(Bool)
  case text(String)
  case textList([String])
  case integerList([Int])

  public var description: String {
    switch self {
    case .integer(let v): return String(v)
    case .number(let v): return String(v)
    case .boolean(let v): return String(v)
    case .text(let v): return v.isEmpty ? "\"\"" : v
    case .textList(let v): return "[" + v.joined(separator: ", ") + "]"
    case .integerList(let v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .integer(let v): try container.encode(v)
    case .number(let v): try container.encode(v)
    case .boolean(let v): try container.encode(v)
    case .text(let v): try container.encode(v)
    case .textList(let v): try container.encode(v)
    case .integerList(let v): try container.encode(v)
    }
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let v = try? container.decode(Bool.self) {
      self = .boolean(v)
    } else if let v = try? container.decode(Int.self) {
      self = .integer(v)
    } else if let v = try? container.decode(Double.self) {
      self = .number(v)
    } else if let v = try? container.decode(String.self) {
      self = .text(v)
    } else if let v = try? container.decode([Int].self) {
      self = .integerList(v)
    } else {
      self = .textList(try container.decode([String].self))
    }
  }
}

/// One parameter a plugin accepts: its name, type, default and a line of help.
public struct ParameterSpec: Sendable {
  public let name: String
  public let type: ParameterType
  /// `nil` makes the parameter required.
  public let defaultValue: ParameterValue?
  public let help: String

  public init(_ name: String, _ type: ParameterType, default defaultValue: ParameterValue?, help: String) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.help = help
  }
}

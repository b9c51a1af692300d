/// The declared type of a plugin parameter, checked when a config is validated.
public enum ParameterType: Sendable, Equatable, CustomStringConvertible {
  case integer(ClosedRange<Int>)
  case number(ClosedRange<Double>)
  case boolean
  case text
  /// A file path; relative paths in a config file are resolved against the file's folder.
  case path
  /// A list of strings; a single scalar in the config is read as a one-element list.
  case textList
  /// A list of integers; a single scalar is read as a one-element list.
  case integerList
  /// One of a fixed set of words.
  case choice([String])

  public var description: String {
    switch self {
    case .integer(let r):
      if r.lowerBound == Int.min { return "integer" }
      return r.upperBound == Int.max ? "integer ≥ \(r.lowerBound)" : "integer in \(r.lowerBound)...\(r.upperBound)"
    case .number(let r):
      if r.lowerBound == -Double.greatestFiniteMagnitude { return "number" }
      return r.upperBound == Double.greatestFiniteMagnitude
        ? "number ≥ \(r.lowerBound)" : "number in \(r.lowerBound)...\(r.upperBound)"
    case .boolean: return "true|false"
    case .text: return "string"
    case .path: return "path"
    case .textList: return "list of strings"
    case .integerList: return "list of integers"
    case .choice(let options): return options.joined(separator: "|")
    }
  }

  public static let integer = ParameterType.integer(Int.min...Int.max)
  public static let number = ParameterType.number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
  public static let positiveInteger = ParameterType.integer(1...Int.max)
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

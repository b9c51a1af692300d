/// A plugin's validated parameters: every declared parameter has a value of its declared type.
///
/// Built by `ParameterSpec` validation (see `ConfigSection.resolve`), so the accessors below can
/// trust names and types; asking for an undeclared name is a programming error.
public struct Parameters: Sendable, Equatable, Codable {
  public private(set) var values: [String: ParameterValue]

  public init(_ values: [String: ParameterValue] = [:]) { self.values = values }

  /// All defaults of `specs`, overridden by `values`.
  public init(specs: [ParameterSpec], values: [String: ParameterValue] = [:]) {
    var merged: [String: ParameterValue] = [:]
    for spec in specs { merged[spec.name] = spec.defaultValue }
    merged.merge(values) { $1 }
    self.values = merged
  }

  public func integer(_ name: String) -> Int {
    guard case .integer(let v) = require(name) else { preconditionFailure("\(name) is not an integer") }
    return v
  }

  public func number(_ name: String) -> Double {
    switch require(name) {
    case .number(let v): return v
    case .integer(let v): return Double(v)
    default: preconditionFailure("\(name) is not a number")
    }
  }

  public func boolean(_ name: String) -> Bool {
    guard case .boolean(let v) = require(name) else { preconditionFailure("\(name) is not a boolean") }
    return v
  }

  public func text(_ name: String) -> String {
    guard case .text(let v) = require(name) else { preconditionFailure("\(name) is not a string") }
    return v
  }

  public func textList(_ name: String) -> [String] {
    guard case .textList(let v) = require(name) else { preconditionFailure("\(name) is not a list") }
    return v
  }

  public func integerList(_ name: String) -> [Int] {
    guard case .integerList(let v) = require(name) else { preconditionFailure("\(name) is not a list of integers") }
    return v
  }

  /// These values checked against `specs` again, with defaults for parameters declared since
  /// they were saved: how parameters read back from a model file or a database are trusted.
  /// `section` names them in errors ("detector").
  public func resolved(against specs: [ParameterSpec], section: String) throws -> Parameters {
    var admitted: [String: ParameterValue] = [:]
    for (name, value) in values {
      guard let spec = specs.first(where: { $0.name == name }) else {
        throw SeismoError.config(
          key: "\(section).\(name)", location: nil, message: "is not a parameter of this plugin (saved by another version?)")
      }
      guard let checked = spec.type.admit(value) else {
        throw SeismoError.config(
          key: "\(section).\(name)", location: nil,
          message: "expected \(spec.type.expectation), got '\(value)'")
      }
      admitted[name] = checked
    }
    for spec in specs where spec.defaultValue == nil && admitted[spec.name] == nil {
      throw SeismoError.config(key: "\(section).\(spec.name)", location: nil, message: "required (\(spec.help))")
    }
    return Parameters(specs: specs, values: admitted)
  }

  /// Sets one value (used by commands that fill parameters programmatically, e.g. the demo).
  public mutating func set(_ name: String, _ value: ParameterValue) { values[name] = value }

  private func require(_ name: String) -> ParameterValue {
    guard let value = values[name] else { preconditionFailure("parameter '\(name)' was not declared") }
    return value
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(values)
  }

  public init(from decoder: Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: ParameterValue].self)
  }
}

/// A plugin's validated parameters: every declared parameter has a value of its declared type.
///
/// Built by `ParameterSpec` validation (`RunConfig.parse`, `resolved(against:section:)`), so a
/// plugin reads each value through its typed declaration (`parameters[Self.window]`, see
/// `Parameter`) and can trust it.
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

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(values)
  }

  public init(from decoder: Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: ParameterValue].self)
  }
}

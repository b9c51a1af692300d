/// A plugin parameter declared once, in the spirit of swift-argument-parser's `@Option`: its name,
/// type, default and help live in one declaration, and `parameters[declaration]` reads its value
/// with its Swift type. The name is never written again.
///
/// ```swift
/// static let window = Parameter<Int>("window", 2...100_000, default: 20, help: "rows of history")
/// static let descriptor = PluginDescriptor(kind: .detector, name: "…", summary: "…", parameters: [window.spec])
/// init(parameters: Parameters) { window = parameters[Self.window] }
/// ```
///
/// Values reach a plugin validated against `spec` (config files, `--set`, saved models and stored
/// jobs all go through `ParameterType.admit`), so reading cannot fail; a choice reads as its enum
/// case, never as a silent default.
public struct Parameter<Value>: Sendable {
  public let spec: ParameterSpec
  private let decode: @Sendable (ParameterValue) -> Value?
  private let encode: @Sendable (Value) -> ParameterValue

  public var name: String { spec.name }

  init(
    _ spec: ParameterSpec, encode: @escaping @Sendable (Value) -> ParameterValue,
    decode: @escaping @Sendable (ParameterValue) -> Value?
  ) {
    self.spec = spec
    self.encode = encode
    self.decode = decode
  }

  /// The same parameter with another default (a shared declaration whose default differs per
  /// plugin, such as the training epochs).
  public func defaulting(to value: Value) -> Parameter<Value> {
    Parameter(ParameterSpec(name, spec.type, default: encode(value), help: spec.help), encode: encode, decode: decode)
  }

  /// `value` as a stored parameter value.
  public func stored(_ value: Value) -> ParameterValue { encode(value) }

  /// The value in `parameters`; nil when it is not there or not of this type (a programming
  /// error for validated parameters).
  func value(in parameters: Parameters) -> Value? { parameters.values[name].flatMap(decode) }
}

extension Parameters {
  /// The value of `parameter` when these parameters hold it (nil for a plugin that does not
  /// declare it): how commands that serve several plugins ask for one plugin's setting.
  public func ifDeclared<Value>(_ parameter: Parameter<Value>) -> Value? { parameter.value(in: self) }

  /// Whether `parameter` holds other than its default: a setting a config gave, for the checks
  /// that refuse a setting another makes useless (`ConfigurablePlugin.checkConfiguration`).
  public func changesDefault<Value>(_ parameter: Parameter<Value>) -> Bool {
    values[parameter.name] != parameter.spec.defaultValue
  }

  /// Sets a declared parameter.
  public mutating func set<Value>(_ parameter: Parameter<Value>, _ value: Value) {
    set(parameter.name, parameter.stored(value))
  }

  /// The value of a declared parameter.
  public subscript<Value>(_ parameter: Parameter<Value>) -> Value {
    guard let value = parameter.value(in: self) else {
      preconditionFailure("parameter '\(parameter.name)' is missing or not \(parameter.spec.type.expectation)")
    }
    return value
  }
}

extension Parameter where Value == Int {
  /// An integer in `range`; `default: nil` makes it required.
  public init(_ name: String, _ range: ClosedRange<Int>, default value: Int?, help: String) {
    self.init(
      ParameterSpec(name, .integer(range), default: value.map { .integer($0) }, help: help),
      encode: { .integer($0) }, decode: { if case .integer(let v) = $0 { v } else { nil } })
  }
}

extension Parameter where Value == Double {
  /// A finite number in `range` (any finite number by default).
  public init(
    _ name: String, _ range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
    default value: Double?, help: String
  ) {
    self.init(
      ParameterSpec(name, .number(range), default: value.map { .number($0) }, help: help),
      encode: { .number($0) },
      decode: {
        switch $0 {
        case .number(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
      })
  }
}

extension Parameter where Value == Bool {
  public init(_ name: String, default value: Bool, help: String) {
    self.init(
      ParameterSpec(name, .boolean, default: .boolean(value), help: help),
      encode: { .boolean($0) }, decode: { if case .boolean(let v) = $0 { v } else { nil } })
  }
}

extension Parameter where Value == String {
  /// A string; with `isPath`, a relative path in a config file is resolved against its folder.
  public init(_ name: String, default value: String?, isPath: Bool = false, help: String) {
    self.init(
      ParameterSpec(name, isPath ? .path : .text, default: value.map { .text($0) }, help: help),
      encode: { .text($0) }, decode: { if case .text(let v) = $0 { v } else { nil } })
  }
}

extension Parameter where Value == [String] {
  /// A list of strings (a single scalar reads as a one-element list).
  public init(_ name: String, default value: [String]?, help: String) {
    self.init(
      ParameterSpec(name, .textList, default: value.map { .textList($0) }, help: help),
      encode: { .textList($0) }, decode: { if case .textList(let v) = $0 { v } else { nil } })
  }
}

extension Parameter where Value == [String] {
  /// One string or several (`ParameterType.oneOrMore`): file paths when `isPath`; `default: nil`
  /// makes it required.
  public init(oneOrMore name: String, isPath: Bool = false, default value: [String]?, help: String) {
    self.init(
      ParameterSpec(name, .oneOrMore(isPath: isPath), default: value.map(Self.storedOneOrMore), help: help),
      encode: Self.storedOneOrMore,
      decode: {
        switch $0 {
        case .text(let v): [v]
        case .textList(let v): v
        default: nil
        }
      })
  }

  /// Strings as `ParameterType.oneOrMore` stores them: one as a string, several as a list.
  private static func storedOneOrMore(_ items: [String]) -> ParameterValue {
    items.count == 1 ? .text(items[0]) : .textList(items)
  }
}

extension Parameter where Value == [Int] {
  /// A list of 1 to `maxCount` integers, each in `range`.
  public init(_ name: String, _ range: ClosedRange<Int>, maxCount: Int, default value: [Int]?, help: String) {
    self.init(
      ParameterSpec(name, .integerList(range, maxCount: maxCount), default: value.map { .integerList($0) }, help: help),
      encode: { .integerList($0) }, decode: { if case .integerList(let v) = $0 { v } else { nil } })
  }
}

extension Parameter where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
  /// One of `cases` (every case by default), written as its raw value.
  public init(_ name: String, default value: Value, cases: [Value] = Array(Value.allCases), help: String) {
    self.init(
      ParameterSpec(name, .choice(cases.map(\.rawValue)), default: .text(value.rawValue), help: help),
      encode: { .text($0.rawValue) }, decode: { if case .text(let v) = $0 { Value(rawValue: v) } else { nil } })
  }
}

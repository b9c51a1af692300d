/// What a plugin is: its kind, config name, one-line summary and parameters.
///
/// `seismo plugins` prints these, and config validation checks every key against `parameters`
/// before any work starts.
public struct PluginDescriptor: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    case source, detector, threshold, importance, sink
  }

  public let kind: Kind
  /// The name used in configs (`plugin: csv`).
  public let name: String
  public let summary: String
  public let parameters: [ParameterSpec]

  public init(kind: Kind, name: String, summary: String, parameters: [ParameterSpec]) {
    self.kind = kind
    self.name = name
    self.summary = summary
    self.parameters = parameters
  }
}

/// A plugin type that can be built from validated parameters.
public protocol ConfigurablePlugin: SendableMetatype {
  static var descriptor: PluginDescriptor { get }
  init(parameters: Parameters) throws
  /// Throws for parameters a config must not give together: by default, the checks `init`
  /// makes. A plugin adds settings that its others leave unread (`patience` without validation
  /// windows): a config is refused for them, while a stored run or a saved model that holds them
  /// is still built by `init`.
  static func checkConfiguration(_ parameters: Parameters) throws
}

extension ConfigurablePlugin {
  public static func checkConfiguration(_ parameters: Parameters) throws { _ = try Self(parameters: parameters) }
}

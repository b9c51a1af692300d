/// Every plugin the running program knows, by kind and name.
///
/// The core defines the registry; the CLI fills it (`StandardPlugins`). Plugins register their
/// type, and the registry builds instances from validated parameters.
public struct PluginRegistry: Sendable {
  /// A registered plugin: its descriptor and how to build it.
  public struct Entry<Product>: Sendable {
    public let descriptor: PluginDescriptor
    public let make: @Sendable (Parameters) throws -> Product
    /// `ConfigurablePlugin.checkConfiguration` of the plugin's type.
    public let check: @Sendable (Parameters) throws -> Void
    /// Sources only: `DataSource.narrowing(_:to:)` and `DataSource.narrowingChangesRows(_:)`.
    public var narrowing: @Sendable (Parameters, String) -> Parameters? = { _, _ in nil }
    public var narrowingChangesRows: @Sendable (Parameters) -> Bool = { _ in false }
  }

  public private(set) var sources: [String: Entry<any DataSource>] = [:]
  public private(set) var detectors: [String: Entry<any Detector>] = [:]
  public private(set) var thresholds: [String: Entry<any Threshold>] = [:]
  public private(set) var importances: [String: Entry<any FeatureImportance>] = [:]
  public private(set) var sinks: [String: Entry<any ResultSink>] = [:]
  /// The threshold plugin a config without a `threshold` section gets; nil makes the section
  /// required.
  public var defaultThreshold: String?

  public init() {}

  /// `source` asked to load `indicator` only (`DataSource.narrowing`); nil when its plugin
  /// cannot say so.
  public func narrowed(_ source: PluginChoice, to indicator: String) -> PluginChoice? {
    sources[source.plugin]?.narrowing(source.parameters, indicator).map {
      PluginChoice(plugin: source.plugin, parameters: $0)
    }
  }

  /// Whether `source` narrowed to one indicator can read other rows for it than a load of
  /// every indicator (`DataSource.narrowingChangesRows`).
  public func narrowingChangesRows(_ source: PluginChoice) -> Bool {
    sources[source.plugin]?.narrowingChangesRows(source.parameters) ?? false
  }

  public mutating func register<P: DataSource & ConfigurablePlugin>(source: P.Type) {
    sources[P.descriptor.name] = Entry(
      descriptor: P.descriptor, make: { try P(parameters: $0) }, check: { try P.checkConfiguration($0) },
      narrowing: { P.narrowing($0, to: $1) },
      narrowingChangesRows: { P.narrowingChangesRows($0) })
  }

  public mutating func register<P: Detector & ConfigurablePlugin>(detector: P.Type) {
    detectors[P.descriptor.name] = Entry(
      descriptor: P.descriptor, make: { try P(parameters: $0) }, check: { try P.checkConfiguration($0) })
  }

  public mutating func register<P: Threshold & ConfigurablePlugin>(threshold: P.Type) {
    thresholds[P.descriptor.name] = Entry(
      descriptor: P.descriptor, make: { try P(parameters: $0) }, check: { try P.checkConfiguration($0) })
  }

  public mutating func register<P: FeatureImportance & ConfigurablePlugin>(importance: P.Type) {
    importances[P.descriptor.name] = Entry(
      descriptor: P.descriptor, make: { try P(parameters: $0) }, check: { try P.checkConfiguration($0) })
  }

  public mutating func register<P: ResultSink & ConfigurablePlugin>(sink: P.Type) {
    sinks[P.descriptor.name] = Entry(
      descriptor: P.descriptor, make: { try P(parameters: $0) }, check: { try P.checkConfiguration($0) })
  }

  /// Descriptors of one kind, sorted by name.
  public func descriptors(_ kind: PluginDescriptor.Kind) -> [PluginDescriptor] {
    let all: [PluginDescriptor]
    switch kind {
    case .source: all = sources.values.map(\.descriptor)
    case .detector: all = detectors.values.map(\.descriptor)
    case .threshold: all = thresholds.values.map(\.descriptor)
    case .importance: all = importances.values.map(\.descriptor)
    case .sink: all = sinks.values.map(\.descriptor)
    }
    return all.sorted { $0.name < $1.name }
  }

  /// Runs plugin `name`'s `checkConfiguration` on `parameters` (by default, builds the plugin
  /// and drops it): the checks across parameters (`z_min` above `z_max`), run while a config
  /// file's line and column for each key are at hand (`RunConfig`). Initialisers only read
  /// their parameters. A `stored` run's parameters are only built (`RunConfig.parse`).
  public func check(_ kind: PluginDescriptor.Kind, named name: String, _ parameters: Parameters, stored: Bool) throws {
    func check<P>(_ entry: Entry<P>?) throws {
      guard let entry else { return }
      if stored { _ = try entry.make(parameters) } else { try entry.check(parameters) }
    }
    switch kind {
    case .source: try check(sources[name])
    case .detector: try check(detectors[name])
    case .threshold: try check(thresholds[name])
    case .importance: try check(importances[name])
    case .sink: try check(sinks[name])
    }
  }

  /// The descriptor of plugin `name` of `kind`, if registered.
  public func descriptor(_ kind: PluginDescriptor.Kind, named name: String) -> PluginDescriptor? {
    descriptors(kind).first { $0.name == name }
  }
}

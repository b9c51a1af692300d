import Foundation

extension RunConfig {
  /// A config read back from storage (a queued job's `config` jsonb), trusted no more than a
  /// file: every plugin must be registered and every parameter is checked against the plugin's
  /// current spec, with defaults for parameters declared since it was stored. A problem is one
  /// line naming `origin` and the key.
  public static func stored(_ json: Data, origin: String, registry: PluginRegistry) throws -> RunConfig {
    let raw: RunConfig
    do {
      raw = try JSONDecoder().decode(RunConfig.self, from: json)
    } catch {
      throw SeismoError.invalidInput("\(origin): not a Seismo run config (\(error))")
    }
    func checked(_ choice: PluginChoice, _ kind: PluginDescriptor.Kind) throws -> PluginChoice {
      guard let descriptor = registry.descriptor(kind, named: choice.plugin) else {
        let names = registry.descriptors(kind).map(\.name).joined(separator: ", ")
        throw SeismoError.config(
          key: "\(kind.rawValue).plugin", location: origin,
          message: "unknown \(kind.rawValue) plugin '\(choice.plugin)'; available: \(names)")
      }
      do {
        return PluginChoice(
          plugin: choice.plugin,
          parameters: try choice.parameters.resolved(against: descriptor.parameters, section: kind.rawValue))
      } catch SeismoError.config(let key, nil, let message) {
        throw SeismoError.config(key: key, location: origin, message: message)
      }
    }
    let config = RunConfig(
      source: try checked(raw.source, .source),
      split: try raw.split.resolved(against: SplitPolicy.parameters, section: "split"),
      detector: try checked(raw.detector, .detector),
      threshold: try checked(raw.threshold, .threshold),
      events: try raw.events.resolved(against: EventRule.parameters, section: "events"),
      importance: try raw.importance.map { try checked($0, .importance) },
      sinks: try raw.sinks.map { try checked($0, .sink) },
      ensemble: try raw.ensemble.map { members in
        try members.map {
          EnsembleMember(detector: try checked($0.detector, .detector), threshold: try checked($0.threshold, .threshold))
        }
      })
    return config
  }

  /// This config as a YAML document in the config-file layout (JSON is YAML), each section its
  /// plugin and parameters side by side, an ensemble's members as its list, for `parse` to read
  /// again with `--set` overrides.
  public func yamlDocument() throws -> String {
    func section(_ plugin: String?, _ parameters: Parameters) -> [String: ParameterValue] {
      var body = parameters.values
      if let plugin { body["plugin"] = .text(plugin) }
      return body
    }
    let document = Document(
      source: section(source.plugin, source.parameters), split: section(nil, split),
      detector: section(detector.plugin, detector.parameters), threshold: section(threshold.plugin, threshold.parameters),
      events: section(nil, events), importance: importance.map { section($0.plugin, $0.parameters) },
      ensemble: ensemble?.map {
        [
          "detector": section($0.detector.plugin, $0.detector.parameters),
          "threshold": section($0.threshold.plugin, $0.threshold.parameters),
        ]
      })
    return String(decoding: try JSONEncoder().encode(document), as: UTF8.self)
  }

  /// The sections `yamlDocument` writes (an absent optional one is left out).
  private struct Document: Encodable {
    var source, split, detector, threshold, events: [String: ParameterValue]
    var importance: [String: ParameterValue]?
    var ensemble: [[String: [String: ParameterValue]]]?
  }
}

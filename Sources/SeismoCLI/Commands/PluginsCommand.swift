import ArgumentParser
import SeismoCore

extension PluginDescriptor.Kind: ExpressibleByArgument {}

/// `seismo plugins`: what a config can name, with every parameter.
struct PluginsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugins",
    abstract: "List every plugin with its parameters, types and defaults.",
    discussion: """
      A config section names a plugin (`plugin: csv`) and sets its parameters by name.

        seismo plugins                      every plugin, then the split and events sections
        seismo plugins lstm-autoencoder     one plugin (postgres: the source and the sink)
        seismo plugins --kind threshold     every threshold rule
      """)

  @Argument(help: "Only the plugins of these names (split and events name those sections).")
  var names: [String] = []

  @Option(help: "Only this kind: \(PluginDescriptor.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: PluginDescriptor.Kind?

  /// The sections that are no plugin, with their parameters.
  static let sections = [("split", SplitPolicy.parameters), ("events", EventRule.parameters)]

  func validate() throws {
    let known = PluginDescriptor.Kind.allCases.flatMap { StandardPlugins.registry.descriptors($0).map(\.name) }
    for name in names where !known.contains(name) && !Self.sections.contains(where: { $0.0 == name }) {
      let all = known.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } + Self.sections.map(\.0)
      throw ValidationError(
        "unknown plugin '\(name)'\(EditDistance.suggestion(for: name, among: all)); known: \(all.joined(separator: ", "))")
    }
    if let kind,
      let name = names.first(where: { name in !StandardPlugins.registry.descriptors(kind).contains { $0.name == name } })
    {
      throw ValidationError("'\(name)' is no \(kind.rawValue) plugin; drop --kind \(kind.rawValue), or name one of that kind")
    }
  }

  func run() throws {
    try reportingErrors {
      let kinds = kind.map { [$0] } ?? PluginDescriptor.Kind.allCases
      Console.out(Self.listing(StandardPlugins.registry, kinds: kinds, names: names, includeSplit: kind == nil))
    }
  }

  /// The plugins of `kinds`, only those named `names` unless it is empty, then (with
  /// `includeSplit`) the split and events sections, or those of them named.
  static func listing(_ registry: PluginRegistry, kinds: [PluginDescriptor.Kind], names: [String] = [], includeSplit: Bool)
    -> String
  {
    func wanted(_ name: String) -> Bool { names.isEmpty || names.contains(name) }
    var lines: [String] = []
    for kind in kinds {
      let descriptors = registry.descriptors(kind).filter { wanted($0.name) }
      guard !descriptors.isEmpty else { continue }
      lines.append("\(kind.rawValue.uppercased()) PLUGINS (section `\(kind.rawValue)`)")
      for d in descriptors {
        lines.append("  \(d.name) — \(d.summary)")
        for p in d.parameters {
          let requirement = p.defaultValue.map { "default \($0)" } ?? "required"
          lines.append("      \(p.name) (\(p.type), \(requirement)): \(p.help)")
        }
      }
      lines.append("")
    }
    guard includeSplit else { return lines.joined(separator: "\n") }
    for (section, parameters) in sections where wanted(section) {
      lines.append("\(section.uppercased()) (section `\(section)`, no plugin)")
      for p in parameters {
        lines.append("      \(p.name) (\(p.type), default \(p.defaultValue.map { "\($0)" } ?? "none")): \(p.help)")
      }
    }
    return lines.joined(separator: "\n")
  }
}

import ArgumentParser
import SeismoCore

extension PluginDescriptor.Kind: ExpressibleByArgument {}

/// `seismo plugins`: what a config can name, with every parameter.
struct PluginsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugins",
    abstract: "List every plugin with its parameters, types and defaults.",
    discussion: "A config section names a plugin (`plugin: csv`) and sets its parameters by name.")

  @Option(help: "Only this kind: \(PluginDescriptor.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: PluginDescriptor.Kind?

  func run() throws {
    try reportingErrors {
      let kinds = kind.map { [$0] } ?? PluginDescriptor.Kind.allCases
      Console.out(Self.listing(StandardPlugins.registry, kinds: kinds, includeSplit: kind == nil))
    }
  }

  static func listing(_ registry: PluginRegistry, kinds: [PluginDescriptor.Kind], includeSplit: Bool) -> String {
    var lines: [String] = []
    for kind in kinds {
      let descriptors = registry.descriptors(kind)
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
    for (section, parameters) in [("split", SplitPolicy.parameters), ("events", EventRule.parameters)] {
      lines.append("\(section.uppercased()) (section `\(section)`, no plugin)")
      for p in parameters {
        lines.append("      \(p.name) (\(p.type), default \(p.defaultValue.map { "\($0)" } ?? "none")): \(p.help)")
      }
    }
    return lines.joined(separator: "\n")
  }
}

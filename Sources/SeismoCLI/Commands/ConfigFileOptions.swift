import ArgumentParser
import Foundation
import SeismoCore

/// The run config a command reads: a YAML file and `--set` overrides (detect, forecast,
/// jobs enqueue).
struct ConfigFileOptions: ParsableArguments {
  @Argument(help: "The YAML config file.")
  var config: String

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("Override one config value, e.g. --set detector.window=30 (repeatable).", valueName: "section.key=value"))
  var overrides: [String] = []

  /// The file read and validated, with the overrides applied.
  func load() throws -> RunConfig { try Self.load(path: config, overrides: overrides) }

  /// Reads and validates the config file at `path`. Relative paths in it are taken from its folder.
  static func load(path: String, overrides: [String] = []) throws -> RunConfig {
    let data = try readFile(path, folderHint: "give the YAML config file")
    guard let text = String(data: data, encoding: .utf8) else {
      throw SeismoError.file(path: path, message: "is not UTF-8 text; a config is a YAML file")
    }
    let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    return try RunConfig.parse(
      yaml: text, origin: path, baseDirectory: base, overrides: overrides, registry: StandardPlugins.registry)
  }
}

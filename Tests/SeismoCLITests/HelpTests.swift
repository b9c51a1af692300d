import Foundation
import Testing

/// `--help` teaches with examples; the files they name must exist.
@Suite struct HelpTests {
  /// The repository's root, where the examples' paths start.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardizedFileURL

  /// The names listed under SUBCOMMANDS in `help`'s output (up to the blank line after them).
  static func subcommands(of help: String) -> [String] {
    guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
    let block = help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
    return block.compactMap { line in
      guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
      return line.split(separator: " ").first.map(String.init)
    }
  }

  @Test func everyExampleFileAHelpNamesExists() throws {
    var commands = [[String]()]
    var checked = 0
    while let command = commands.popLast() {
      let help = try CLI.run(["help"] + command, in: Self.root)
      #expect(help.status == 0, "help \(command): \(help.stderr)")
      commands += Self.subcommands(of: help.stdout).filter { $0 != "help" }.map { command + [$0] }
      // Value names read as words: none split out of a camel-case property (`<run-i-ds>`).
      let usage = help.stdout.split(separator: "\n").filter { $0.hasPrefix("USAGE:") }
      #expect(!usage.contains { $0.contains(/<[^>]*-[a-z]-[^>]*>/) }, "help \(command): \(usage)")
      for path in help.stdout.split(whereSeparator: \.isWhitespace) where path.hasPrefix("examples/") {
        let file = String(path).trimmingCharacters(in: CharacterSet(charactersIn: ".,;:)`'\""))
        #expect(
          FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(file).path),
          "seismo help \(command.joined(separator: " ")) names \(file)")
        checked += 1
      }
    }
    #expect(checked >= 1, "the helps name example files")
  }
}

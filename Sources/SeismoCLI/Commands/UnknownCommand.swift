import ArgumentParser
import SeismoCore

/// A mistyped command name, or an option before its command, caught before argument-parser
/// reads the line: it answered `seismo detetc run.yaml` with "2 unexpected arguments", and
/// `seismo runs lst --url …` and `seismo runs --url … list` with "Unknown option '--url'",
/// naming neither the typo nor the command meant.
enum UnknownCommand {
  /// The usage error for the first of `arguments` (without the program name) that stands where a
  /// command group expects one of its commands and names none: the nearest name, or for an
  /// option the command named after it, to give it after; the group's usage. Nil when every command name is
  /// known and options follow their commands (or ask for help or the version).
  static func message(for arguments: [String]) -> String? {
    var commands = SeismoCommand.configuration.subcommands
    var path = [SeismoCommand.configuration.commandName ?? "seismo"]
    for (index, argument) in arguments.enumerated() {
      // An option is for the command reached; `seismo help runs list` names commands after `help`.
      guard !commands.isEmpty, !["-h", "--help", "--version"].contains(argument) else { return nil }
      if path.count == 1, argument == "help" { continue }
      let names = commands.map(name(of:))
      let usage = path.joined(separator: " ")
      if argument.hasPrefix("-") {
        // Only the option's name: its value may be a password.
        let option = Console.oneLine(String(argument.prefix { $0 != "=" }))
        let later = arguments[(index + 1)...].first(where: names.contains)
        return """
          Error: '\(option)' comes before a command of '\(usage)'\(later.map { "; options follow the command they are for: \(usage) \($0) \(option) …" } ?? "; its commands: \(names.joined(separator: ", "))")
          Usage: \(usage) <subcommand>
            See '\(usage) --help' for more information.
          """
      }
      guard let next = commands.first(where: { name(of: $0) == argument })?.configuration.subcommands else {
        return """
          Error: unknown command '\(Console.oneLine(argument))'\(path.count > 1 ? " for '\(usage)'" : "")\(EditDistance.suggestion(for: argument, among: names)); its commands: \(names.joined(separator: ", "))
          Usage: \(usage) <subcommand>
            See '\(usage) --help' for more information.
          """
      }
      commands = next
      path.append(argument)
    }
    return nil
  }

  /// The name a command is typed by.
  private static func name(of command: ParsableCommand.Type) -> String { command._commandName }
}

extension SeismoCommand {
  /// Exits 64 with `UnknownCommand`'s usage error when `arguments` name an unknown command;
  /// returns otherwise, for `main()` to read them.
  public static func refuseUnknownCommands(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
    guard let message = UnknownCommand.message(for: arguments) else { return }
    Console.err(message)
    Self.exit(withError: ExitCode(64))
  }
}

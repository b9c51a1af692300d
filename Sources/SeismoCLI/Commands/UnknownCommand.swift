import ArgumentParser
import SeismoCore

/// A mistyped command name, caught before argument-parser reads the line: it answered
/// `seismo detetc run.yaml` with "2 unexpected arguments", and `seismo runs lst --url …` with
/// "Unknown option '--url'", naming neither the typo nor the command meant.
enum UnknownCommand {
  /// The usage error for the first of `arguments` (without the program name) that stands where a
  /// command group expects one of its commands and names none: the nearest name, the group's
  /// usage. Nil when every command name is known (or an option comes first).
  static func message(for arguments: [String]) -> String? {
    var commands = SeismoCommand.configuration.subcommands
    var path = [SeismoCommand.configuration.commandName ?? "seismo"]
    for argument in arguments {
      // An option is for the command reached; `seismo help runs list` names commands after `help`.
      guard !commands.isEmpty, !argument.hasPrefix("-") else { return nil }
      if path.count == 1, argument == "help" { continue }
      var names: [String] = []
      var next: [ParsableCommand.Type]?
      for command in commands {
        let name = name(of: command)
        names.append(name)
        if name == argument { next = command.configuration.subcommands }
      }
      guard let next else {
        let usage = path.joined(separator: " ")
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

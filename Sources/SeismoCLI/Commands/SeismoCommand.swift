import ArgumentParser
import SeismoCore

/// `seismo`: find anomalies in multivariate time series.
public struct SeismoCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "seismo",
    abstract: "Find anomalies in multivariate time series (market data first).",
    discussion: """
      Load indicators from CSV (or PostgreSQL), train a detector on the early part of the history, \
      score every row, flag what crosses a threshold and explain which feature drove each flag.

      Start with `seismo demo`, then `seismo plugins` to see what a config can use, then \
      `seismo detect CONFIG.yaml` on your own data.
      """,
    version: SeismoVersion.current,
    subcommands: [
      DemoCommand.self, DetectCommand.self, ScoreCommand.self, EvaluateCommand.self, ForecastCommand.self, ReportCommand.self,
      IngestCommand.self, DatabaseCommand.self,
      PluginsCommand.self,
      BenchCommand.self,
    ])

  public init() {}

  /// SIGINT and SIGTERM remove staged output and exit 130 or 143 (`Interrupts`); call from
  /// `main` before `main()`.
  public static func installInterruptHandlers() { Interrupts.install() }
}

/// Runs `body`, turning any error into one line on stderr and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as SeismoError {
    Console.error("\(error)")
    throw ExitCode(1)
  } catch let error as ExitCode {
    throw error
  } catch {
    Console.error(error.localizedDescription)
    throw ExitCode(1)
  }
}

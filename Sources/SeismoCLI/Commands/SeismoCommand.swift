import ArgumentParser
import SeismoCore
import SeismoNN

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
      IngestCommand.self, DatabaseCommand.self, RunsCommand.self, RethresholdCommand.self, WatchCommand.self,
      JobsCommand.self, WorkerCommand.self,
      PluginsCommand.self,
      BenchCommand.self,
    ])

  public init() {}

  /// Process-wide set-up, from `main` before `main()` and before any thread starts: OpenBLAS's
  /// kernels (which may `setenv`), and SIGINT/SIGTERM handling that removes staged output and
  /// exits 130 or 143 (`Interrupts`).
  public static func prepareProcess() {
    BLAS.configure()
    Interrupts.install()
  }
}

/// The exit statuses scripts can rely on (README, "Exit status").
///
/// 0 done; 1 bad data, config or file and 2 the database failed or could not be reached (each
/// error's `UserFacingError.exitStatus`); 3 anomalies found (only with `--fail-on-anomalies`); 64
/// a usage error (argument-parser's, with the usage); 130 and 143 interrupted by SIGINT or
/// SIGTERM (`Interrupts`).
enum ExitStatus {
  static let failure = ExitCode(1)
  static let anomalies = ExitCode(3)
}

/// Runs `body`, turning any error into one line on stderr and its exit status.
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as UserFacingError {
    error.lines.forEach(Console.error)
    throw ExitCode(error.exitStatus)
  } catch let error as ExitCode {
    throw error
  } catch {
    Console.error(error.localizedDescription)
    throw ExitStatus.failure
  }
}

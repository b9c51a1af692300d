import ArgumentParser
import SeismoCore
import SeismoPostgres

/// Which jobs `seismo jobs retry` and `cancel` act on: ids, a group, or both.
struct JobSelection: ParsableArguments {
  @Argument(help: "Job ids.")
  var ids: [Int64] = []

  @Option(help: "Every job of this group.")
  var group: String?

  var isEmpty: Bool { ids.isEmpty && group == nil }

  /// The SQL condition on seismo.jobs for `$1` (ids, a bigint[] literal) and `$2` (group).
  static let condition = "(id = ANY($1::bigint[]) OR group_id = $2)"

  /// `$1` and `$2` for `condition`.
  var parameters: [String?] { [PGText.array(ids.map(String.init)), group] }

  /// Throws, naming it, for a job id or group that seismo.jobs does not have: a typo changes
  /// nothing and says so.
  func requireExisting(on db: PGConnection) throws {
    let found = try db.execute(
      "SELECT id::text FROM seismo.jobs WHERE id = ANY($1::bigint[])", [PGText.array(ids.map(String.init))]
    ).rows.compactMap { $0.first ?? nil }
    if let missing = ids.first(where: { !found.contains(String($0)) }) {
      throw SeismoError.invalidInput("no job \(missing) in seismo.jobs (seismo jobs list --group G shows a group's jobs)")
    }
    if let group, try db.execute("SELECT 1 FROM seismo.jobs WHERE group_id = $1 LIMIT 1", [group]).rows.isEmpty {
      throw SeismoError.invalidInput("no job group '\(group)' in seismo.jobs (seismo jobs list shows the groups)")
    }
  }
}

/// `seismo jobs retry`: failed or cancelled jobs queued again.
struct RetryJobsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry",
    abstract: "Queue failed or cancelled jobs again, with their attempts reset.",
    discussion: "Example: seismo jobs retry --failed --url \"$URL\"   (or give job ids, or --group G)")

  @OptionGroup var selection: JobSelection

  @Flag(help: "Every failed job.")
  var failed = false

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if selection.isEmpty, !failed { throw ValidationError("say which jobs: ids, --group G or --failed") }
  }

  func run() throws {
    try reportingErrors {
      let db = try SchemaMigrator.connection(connection.url)
      try selection.requireExisting(on: db)
      let count = try db.transaction { () -> Int in
        let changed = try db.execute(
          """
          UPDATE seismo.jobs SET status = 'queued', attempts = 0, run_after = now(), lease_until = NULL, finished_at = NULL
          WHERE status IN ('failed', 'cancelled') AND (\(JobSelection.condition) OR (status = 'failed' AND $3::boolean))
          """, selection.parameters + [failed ? "true" : "false"]
        ).affectedRows
        try db.execute("SELECT pg_notify('seismo_jobs', 'retry')")
        return changed
      }
      Console.out("queued \(count) job\(count == 1 ? "" : "s") again")
    }
  }
}

/// `seismo jobs cancel`: queued or running jobs cancelled.
struct CancelJobsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cancel",
    abstract: "Cancel queued or running jobs (a running job's results are dropped when its worker finishes).",
    discussion: "Example: seismo jobs cancel --group jobs-20261124-221500-k3f2 --url \"$URL\"")

  @OptionGroup var selection: JobSelection

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if selection.isEmpty { throw ValidationError("say which jobs: ids or --group G") }
  }

  func run() throws {
    try reportingErrors {
      let db = try SchemaMigrator.connection(connection.url)
      try selection.requireExisting(on: db)
      let count = try db.execute(
        """
        UPDATE seismo.jobs SET status = 'cancelled', lease_until = NULL, finished_at = now()
        WHERE status IN ('queued', 'running') AND \(JobSelection.condition)
        """, selection.parameters
      ).affectedRows
      Console.out("cancelled \(count) job\(count == 1 ? "" : "s")")
    }
  }
}

import ArgumentParser
import SeismoCore
import SeismoPostgres

/// `seismo jobs list`: progress per group, or the jobs of one group or status.
struct ListJobsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "Progress of the latest job groups; with --group or --status, their jobs one per line.")

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Only the jobs of this group.")
  var group: String?

  @Option(help: "Only jobs with this status: queued, running, done, failed or cancelled.")
  var status: String?

  @Option(help: "At most this many lines.")
  var limit = 50

  func validate() throws {
    guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    if let status, !["queued", "running", "done", "failed", "cancelled"].contains(status) {
      throw ValidationError("--status must be queued, running, done, failed or cancelled")
    }
  }

  func run() throws {
    try reportingErrors {
      let db = try SchemaMigrator.connection(connection.url)
      if group == nil, status == nil {
        let rows = try db.execute(
          """
          SELECT group_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), jobs::text, queued::text,
                 running::text, done::text, failed::text, cancelled::text
          FROM seismo.job_groups ORDER BY created_at DESC LIMIT $1::integer
          """, [String(limit)]
        ).rows
        guard !rows.isEmpty else { return Console.out("no jobs") }
        Console.table(["group", "created (UTC)", "jobs", "queued", "running", "done", "failed", "cancelled"], rows)
        return
      }
      let rows = try db.execute(
        """
        SELECT id::text, group_id, coalesce(indicator, '-'), status, attempts || '/' || max_attempts, coalesce(worker, '-'),
               coalesce(run_id, '-'), coalesce(last_error, '')
        FROM seismo.jobs WHERE ($1::text IS NULL OR group_id = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY id LIMIT $3::integer
        """, [group, status, String(limit)]
      ).rows
      guard !rows.isEmpty else { return Console.out("no jobs") }
      Console.table(["job", "group", "indicator", "status", "attempts", "worker", "run_id", "last error"], rows)
    }
  }
}

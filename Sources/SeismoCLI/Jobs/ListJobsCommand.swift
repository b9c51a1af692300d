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

  @Flag(
    help: """
      Print the lines as a JSON array on stdout, for scripts: per group, group, created_utc and the \
      count of jobs in each status; per job, job, group, indicator, status, attempts, \
      max_attempts, worker, run_id, last_error (null where there is none).
      """)
  var json = false

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
        let counts = ["jobs", "queued", "running", "done", "failed", "cancelled"]
        if json { return try Console.json(["group", "created_utc"] + counts, rows, integers: Set(counts)) }
        guard !rows.isEmpty else { return Console.out("no jobs") }
        Console.table(["group", "created (UTC)"] + counts, rows)
        return
      }
      let rows = try db.execute(
        """
        SELECT id::text, group_id, indicator, status, attempts::text, max_attempts::text, worker, run_id, last_error
        FROM seismo.jobs WHERE ($1::text IS NULL OR group_id = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY id LIMIT $3::integer
        """, [group, status, String(limit)]
      ).rows
      if json {
        return try Console.json(
          ["job", "group", "indicator", "status", "attempts", "max_attempts", "worker", "run_id", "last_error"], rows,
          integers: ["job", "attempts", "max_attempts"])
      }
      guard !rows.isEmpty else { return Console.out("no jobs") }
      Console.table(
        ["job", "group", "indicator", "status", "attempts", "worker", "run_id", "last error"],
        rows.map { r in [r[0], r[1], r[2] ?? "-", r[3], "\(r[4] ?? "")/\(r[5] ?? "")", r[6] ?? "-", r[7] ?? "-", r[8] ?? ""] })
    }
  }
}

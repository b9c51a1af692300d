import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo jobs enqueue CONFIG`: validated jobs into seismo.jobs.
struct EnqueueJobsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "enqueue",
    abstract: "Check a run config and queue it as one job, or one job per indicator (--each).",
    discussion: """
      The config is checked as `seismo detect` checks it, before anything is queued. With \
      --each the source is read once here to list its indicators (or give them with \
      --indicator), and every job then reads only its own: a CSV or wide table its column, a \
      long table its symbol. Workers read CSV paths as written in the config, so every worker \
      machine needs the file at that path; a postgres source without a url reads from the \
      queue's database. Results go to the queue's database: the only sink allowed is postgres, \
      for its save_model.

      --sql prints the statement that queues the same jobs instead, e.g. for pg_cron:
        SELECT cron.schedule('seismo-nightly', '30 22 * * 1-5', $$ <the printed statement> $$);

      Example: seismo jobs enqueue nightly.yaml --each --url "$URL"
      """)

  @OptionGroup var configFile: ConfigFileOptions

  @Flag(help: "One job per indicator of the source (each column or symbol).")
  var each = false

  @Option(
    help: ArgumentHelp("With --each: queue this indicator (repeatable) instead of reading the source's list.", valueName: "name"))
  var indicator: [String] = []

  @Option(help: "Claims a job gets before it is failed for good.")
  var maxAttempts = 3

  @Option(help: "Group id for the jobs and their runs (default: a new jobs-… id).")
  var group: String?

  @Flag(help: "Print the SQL that queues these jobs (for pg_cron) instead of queueing them.")
  var sql = false

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    guard (1...1000).contains(maxAttempts) else { throw ValidationError("--max-attempts must be 1 to 1000") }
    if !indicator.isEmpty, !each { throw ValidationError("--indicator names jobs of --each; add --each") }
    if let group, group.isEmpty { throw ValidationError("--group must not be empty") }
  }

  func run() throws {
    try reportingErrors {
      let parsed = try configFile.load()
      let stored = try JobConfig.stored(parsed)
      JobConfig.unusedSinkURL(parsed, queueURL: connection.url).map(Console.err)
      var checked = JobConfig.connecting(parsed, to: connection.url)
      checked.sinks = []
      let pipeline = DetectionPipeline(registry: StandardPlugins.registry, config: checked)
      try pipeline.validate()
      var indicators = indicator
      if each, indicators.isEmpty {
        let loaded = try pipeline.loadSource()
        indicators = loaded.frame.featureNames
        Console.err("read \(indicators.count) indicators from \(loaded.origin)")
      }
      if sql {
        return Console.out(Self.statement(config: stored, indicators: indicators, maxAttempts: maxAttempts, group: group))
      }
      let db = try SchemaMigrator.connection(connection.url)
      let id = try JobQueue(db).enqueue(config: stored, indicators: indicators, maxAttempts: maxAttempts, group: group)
      let count = max(1, indicators.count)
      Console.out("queued \(count) job\(count == 1 ? "" : "s") in group \(id)")
    }
  }

  /// `SELECT seismo.enqueue(…)` with the values as SQL literals, for a scheduler to run.
  static func statement(config: String, indicators: [String], maxAttempts: Int, group: String?) -> String {
    func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    let list = indicators.isEmpty ? "NULL" : "ARRAY[" + indicators.map(literal).joined(separator: ", ") + "]::text[]"
    return "SELECT seismo.enqueue(\(literal(config))::jsonb, \(list), \(maxAttempts), \(group.map(literal) ?? "NULL"));"
  }
}

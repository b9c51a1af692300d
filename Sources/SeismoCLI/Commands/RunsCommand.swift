import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo runs …`: the runs stored by the postgres sink.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs", abstract: "List, show or delete runs stored in PostgreSQL (seismo.runs).",
    discussion: """
      Every run the postgres sink wrote is a row of seismo.runs; the runs of one `detect --each` \
      share a group id. Deleting a run deletes its scores, events, importance and model with it.

      Examples:
        seismo runs list --url "$URL" --limit 20
        seismo runs show 20261124-101500-ab12 --url "$URL"
        seismo runs delete --older-than 90d --url "$URL"
      """,
    subcommands: [List.self, Show.self, Delete.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The latest runs, newest first, one line each.",
      discussion: """
        An ensemble's run shows its members' detectors and threshold rules in order \
        (rolling-zscore + discord, dynamic + spot). \
        A run given another threshold by `seismo rethreshold` shows its latest version and the \
        anomalies flagged under it, as seismo.judged_scores (and seismo.anomalies) judge them. \
        warnings counts what the run warned of (a hole in a column, a model of levels meeting \
        new levels), and what `score --new-rows` and `watch` warned of as they appended rows to it \
        (restated rows, new levels): `seismo runs show RUN_ID` prints them, in the summary's \
        source.warnings (its data's load), warnings and later_warnings, and the view \
        seismo.warnings lists every run's.
        """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "At most this many runs.")
    var limit = 50

    @Option(help: "Only the runs of this group (an --each fan-out).")
    var group: String?

    @Flag(
      help:
        "Print the runs as a JSON array on stdout, for scripts: run_id, group, indicator, detector, threshold, threshold_version, anomalies, events (null: unknown), warnings, finished_utc."
    )
    var json = false

    func validate() throws {
      guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
      try reportingErrors {
        let db = try SchemaMigrator.connection(connection.url)
        let rows = try db.execute(
          """
          SELECT r.run_id, r.group_id, r.indicator, r.detector_plugin || coalesce(m.detectors, ''),
                 -- A version's rule (an ensemble's: its margins' cut-off), else every member's.
                 CASE WHEN v.run IS NULL THEN r.threshold_plugin || coalesce(m.thresholds, '') ELSE v.plugin END,
                 coalesce(v.version, 1)::text,
                 CASE WHEN v.run IS NULL THEN r.anomaly_count
                      ELSE (SELECT count(*) FROM seismo.flagged_scores f WHERE f.run = r.id) END::text,
                 CASE WHEN v.has_events IS FALSE THEN NULL  -- a version made before schema version 10
                      ELSE (SELECT count(*) FROM seismo.events e WHERE e.run = r.id AND e.version = coalesce(v.version, 1))::text
                 END,
                 (SELECT count(*) FROM seismo.warnings w WHERE w.run = r.id)::text,
                 to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
          FROM seismo.runs r LEFT JOIN seismo.current_thresholds v ON v.run = r.id
          -- An ensemble's further members, in order: "rolling-zscore + discord", "dynamic + spot".
          LEFT JOIN LATERAL (
            SELECT string_agg(' + ' || (e.member->'detector'->>'plugin'), '' ORDER BY e.k) AS detectors,
                   string_agg(' + ' || (e.member->'threshold'->>'plugin'), '' ORDER BY e.k) AS thresholds
            FROM jsonb_array_elements(CASE jsonb_typeof(r.config->'ensemble') WHEN 'array' THEN r.config->'ensemble' END)
              WITH ORDINALITY e(member, k)
          ) m ON true
          WHERE $2::text IS NULL OR r.group_id = $2
          ORDER BY r.finished_at DESC, r.id DESC LIMIT $1::integer
          """, [String(limit), group]
        ).rows
        if json {
          return try Console.json(
            [
              "run_id", "group", "indicator", "detector", "threshold", "threshold_version", "anomalies", "events",
              "warnings", "finished_utc",
            ], rows, integers: ["threshold_version", "anomalies", "events", "warnings"])
        }
        guard !rows.isEmpty else { return Console.out("no runs") }
        Console.table(
          ["run_id", "group", "indicator", "detector", "threshold", "anomalies", "events", "warnings", "finished (UTC)"],
          rows.map { r in
            [
              r[0], r[1] ?? "-", r[2] ?? "-", r[3], r[5] == "1" ? r[4] : "\(r[4] ?? "") (version \(r[5] ?? ""))", r[6],
              r[7] ?? "?", r[8], r[9],
            ]
          })
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "A run's summary.json, as stored, with the threshold versions `seismo rethreshold` added (rows_cut: how many rows a per-row version has a cut-off of) and the warnings `score --new-rows` and `watch` gave later (later_warnings)."
    )

    @Argument(help: "The run id.")
    var runID: String

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      try reportingErrors {
        let db = try SchemaMigrator.connection(connection.url)
        let rows = try db.execute(
          """
          SELECT jsonb_pretty(r.summary || coalesce((
            SELECT jsonb_build_object('threshold_versions', jsonb_agg(jsonb_build_object(
                     'version', v.version, 'plugin', v.plugin, 'parameters', v.parameters,
                     'cutoff', coalesce(to_jsonb(v.cutoff), '"per row"'::jsonb), 'rows_cut', v.cutoff_count,
                     'events', (SELECT count(*) FROM seismo.events e WHERE e.run = v.run AND e.version = v.version),
                     'created_at', to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))
                   ORDER BY v.version))
            FROM seismo.threshold_versions v WHERE v.run = r.id), '{}'::jsonb) || coalesce((
            SELECT jsonb_build_object('later_warnings', jsonb_agg(jsonb_build_object(
                     'warned_at', to_char(w.warned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                     'command', w.command,
                     'up_to', to_char(w.up_to AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                     'message', w.message)
                   ORDER BY w.id))
            FROM seismo.run_warnings w WHERE w.run = r.id), '{}'::jsonb))
          FROM seismo.runs r WHERE r.run_id = $1
          """, [runID]
        ).rows
        guard let summary = rows.first?.first ?? nil else {
          throw MissingRun.error(runID, on: db)
        }
        Console.out(summary)
      }
    }
  }

  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Delete runs by id, or every run older than an age, with everything stored with them.")

    @Argument(help: ArgumentHelp("Run ids to delete.", valueName: "run-id"))
    var runIDs: [String] = []

    @Option(
      help: ArgumentHelp(
        "Delete every run that finished longer ago than this: 36h, 90d, 12w, 6m (months) or 1y; also 6 months.",
        valueName: "age"))
    var olderThan: String?

    @Flag(help: "List the runs it would delete, with when each finished, and delete nothing.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
      guard runIDs.isEmpty != (olderThan == nil) else {
        throw ValidationError("give run ids or --older-than, not both or neither")
      }
      if let olderThan {
        guard let interval = Self.interval(olderThan) else {
          throw ValidationError(
            "--older-than '\(olderThan)': expected a whole number and a unit, such as 36h, 90d, 12w, 6m (months) or 1y")
        }
        guard !interval.hasPrefix("0 ") else {
          throw ValidationError(
            "--older-than '\(olderThan)': every run is older than that; give an age above 0 (see them first with --dry-run)")
        }
      }
    }

    /// The PostgreSQL interval an age names (`90d` → `90 days`, `6m` → `6 months`, as in
    /// `refit_every`; PostgreSQL itself would read `6m` as six minutes), or nil.
    static func interval(_ age: String) -> String? {
      let units = [
        "h": "hours", "hour": "hours", "hours": "hours", "d": "days", "day": "days", "days": "days", "w": "weeks",
        "week": "weeks", "weeks": "weeks", "m": "months", "month": "months", "months": "months", "y": "years",
        "year": "years", "years": "years",
      ]
      let text = age.trimmingCharacters(in: .whitespaces).lowercased()
      let digits = text.prefix { $0.isASCII && $0.isNumber }
      guard let count = Int(digits), let unit = units[text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)]
      else { return nil }
      return "\(count) \(unit)"
    }

    func run() throws {
      try reportingErrors {
        let db = try SchemaMigrator.connection(connection.url)
        let (deleted, dropped) = try db.transaction { () -> (Int, String) in
          let ids: [String]
          if let olderThan {
            ids = try db.execute(
              "SELECT id::text FROM seismo.runs WHERE finished_at < now() - $1::interval", [Self.interval(olderThan)]
            )
            .rows.compactMap { $0.first ?? nil }
          } else {
            let rows = try db.execute(
              "SELECT run_id, id::text FROM seismo.runs WHERE run_id = ANY($1::text[])", [PGText.array(runIDs)]
            ).rows
            let found = Set(rows.compactMap { $0.first ?? nil })
            if let missing = runIDs.first(where: { !found.contains($0) }) {
              throw MissingRun.error(missing, on: db, after: "; nothing was deleted")
            }
            ids = rows.compactMap { $0[1] }
          }
          guard !dryRun else { return (ids.count, try Self.listing(ids, on: db)) }
          let dropped =
            try db.execute(
              "SELECT seismo.delete_runs($1::bigint[])", [PGText.array(ids)]
            ).rows.first?.first ?? nil
          return (ids.count, dropped ?? "0")
        }
        let runs = "\(deleted) run\(deleted == 1 ? "" : "s")"
        if dryRun { return Console.out(dropped + "would delete \(runs) (a dry run: nothing was deleted)") }
        let partitions = dropped == "0" ? "" : " (\(dropped) score partition\(dropped == "1" ? "" : "s") dropped whole)"
        Console.out("deleted \(runs)\(partitions)")
      }
    }

    /// One line per run of `ids`, oldest first: its id, when it finished (UTC), its detector and
    /// indicator.
    static func listing(_ ids: [String], on db: PGConnection) throws -> String {
      try db.execute(
        """
        SELECT run_id, to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), detector_plugin, coalesce(indicator, '')
        FROM seismo.runs WHERE id = ANY($1::bigint[]) ORDER BY finished_at, run_id
        """, [PGText.array(ids)]
      ).rows.map { row in row.map { $0 ?? "" }.filter { !$0.isEmpty }.joined(separator: "  ") + "\n" }.joined()
    }
  }
}

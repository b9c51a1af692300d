import Foundation
import SeismoCore
import SeismoPostgres

/// Writes a run into the `seismo` schema: the run row (config and summary as jsonb), every score
/// with its per-feature errors (COPY), feature importance and optionally the saved model — all in
/// one transaction, so a failure (or a lost server) leaves no part of the run behind.
public struct PostgresSink: ResultSink, ConfigurablePlugin {
  public static let descriptor = PluginDescriptor(
    kind: .sink, name: "postgres", summary: "write the run into PostgreSQL (schema seismo; run `seismo db migrate` once)",
    parameters: [
      ParameterSpec("url", .text, default: .text(""), help: "postgresql:// URL or conninfo; empty: PG* environment"),
      ParameterSpec("save_model", .boolean, default: .boolean(false), help: "also store the trained model (bytea)"),
      ParameterSpec("indicator", .text, default: .text(""), help: "label stored with the run (set per indicator by --each)"),
      ParameterSpec("group", .text, default: .text(""), help: "group id stored with the run (set for a whole --each fan-out)"),
    ])

  public let url: String
  public let saveModel: Bool
  public let indicator: String
  public let group: String

  public init(parameters: Parameters) throws {
    url = parameters.text("url")
    saveModel = parameters.boolean("save_model")
    indicator = parameters.text("indicator")
    group = parameters.text("group")
  }

  /// Connects and checks the results schema, so a wrong URL, password or missing migration is
  /// reported before any training.
  public func prepare() throws {
    try SchemaMigrator.requireCurrent(PGConnection(url))
  }

  public func write(_ run: RunResult) throws {
    let db = try PGConnection(url)
    try SchemaMigrator.requireCurrent(db)
    let summary = RunSummary(run)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let model = saveModel ? try SavedModel(run: run).encode() : nil
    try db.transaction {
      let inserted = try db.execute(
        """
        INSERT INTO seismo.runs (run_id, started_at, source_plugin, detector_plugin, threshold_plugin, indicator, features,
          threshold, train_rows, test_rows, anomaly_count, config, summary, timings, group_id)
        VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7::text[], $8::real, $9::integer, $10::integer, $11::integer,
          $12::jsonb, $13::jsonb, $14::jsonb, $15)
        RETURNING id
        """,
        [
          run.runID, summary.startedAt, run.config.source.plugin, run.config.detector.plugin, run.config.threshold.plugin,
          indicator.isEmpty ? nil : indicator, PGText.array(run.frame.featureNames),
          run.threshold.isFinite ? String(run.threshold) : nil,
          String(run.trainRows), String(run.frame.rowCount - run.trainRows), String(summary.anomalyCount),
          String(decoding: try encoder.encode(run.config.withoutSecrets), as: UTF8.self),
          String(decoding: try summary.jsonData(), as: UTF8.self),
          String(decoding: try encoder.encode(run.timings), as: UTF8.self), group.isEmpty ? nil : group,
        ])
      guard let id = inserted.rows.first?.first ?? nil, let runKey = Int64(id) else {
        throw SeismoError.database("postgres: the run row got no usable id")
      }
      try db.copy(
        "COPY seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert) FROM STDIN (FORMAT binary)",
        byteChunks: Self.scoreChunks(run, id: runKey))
      for (event, described) in zip(run.events, summary.events ?? []) {
        let time = { (i: Int) in String(run.frame.timestamps[run.scores.firstRow + i]) }
        try db.execute(
          """
          INSERT INTO seismo.events (run, start_ts, end_ts, alert_ts, flagged_rows, peak_score, top_feature, part)
          VALUES ($1::bigint, to_timestamp($2::float8), to_timestamp($3::float8), to_timestamp($4::float8), $5::integer,
            $6::real, $7, $8)
          """,
          [
            id, time(event.start), time(event.end), time(event.alert), String(event.flagged),
            String(described.peakScore), described.topFeature, described.part,
          ])
      }
      if let importance = run.importance {
        for (rank, entry) in importance.enumerated() {
          try db.execute(
            "INSERT INTO seismo.feature_importance (run, feature, rank, mean, std) VALUES ($1::bigint, $2, $3::integer, $4::float8, $5::float8)",
            [id, entry.feature, String(rank + 1), String(entry.mean), String(entry.std)])
        }
      }
      if let model {
        try db.execute(
          "INSERT INTO seismo.models (run, model) VALUES ($1::bigint, $2::bytea)", [id, PGText.bytea([UInt8](model))])
      }
    }
  }

  /// Binary COPY rows, 10,000 per chunk, built lazily; the first chunk carries the header and
  /// the last the trailer.
  static func scoreChunks(_ run: RunResult, id: Int64) -> AnySequence<[UInt8]> {
    let scores = run.scores
    let frame = run.frame
    let f = scores.featureCount
    let rowsPerChunk = 10_000
    let count = scores.values.count
    let alerts = Set(run.events.map(\.alert))
    let starts = Array(stride(from: 0, to: max(count, 1), by: rowsPerChunk))
    return AnySequence(
      starts.lazy.map { start in
        var copy = start == 0 ? PGBinaryCopy.start() : PGBinaryCopy.chunk(capacity: rowsPerChunk * (70 + 8 * f))
        for i in start..<min(start + rowsPerChunk, count) {
          let row = scores.firstRow + i
          copy.row(fields: 9)
          copy.int64(id)
          copy.int32(Int32(row))
          copy.timestamptz(frame.timestamps[row])
          copy.text(row < run.trainRows ? "train" : "test")
          copy.float4(scores.values[i])
          copy.bool(run.isAnomaly(i))
          copy.float4Array(scores.featureErrors[i * f..<(i + 1) * f])
          if run.cutoffs[i].isFinite { copy.float4(run.cutoffs[i]) } else { copy.null() }
          copy.bool(alerts.contains(i))
        }
        if start == starts.last { copy.finish() }
        return copy.bytes
      })
  }
}

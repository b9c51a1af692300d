import PostgresSink
import PostgresSource
import SeismoCore
import SeismoPostgres

/// How `seismo watch` reads each batch: the whole table once, then only the rows after the last
/// it read, with the model's context rows and the threshold's state kept in a `ScoreStream`.
/// A query source, or a model whose scores cannot be computed piece by piece, is read and scored
/// whole at every batch instead.
struct NewRowsReader {
  /// One batch: what was appended to the run, and the scored rows it came from; nil when no
  /// row was new.
  struct Batch {
    var appended: PostgresSink.Appended
    var piece: ScoresCSV.Rows
  }

  let saved: SavedModel
  let config: RunConfig
  /// The table read a batch at a time; nil when the source is read whole.
  let table: PostgresSource?
  /// Why the source is read whole at every batch; nil when only new rows are read.
  let wholeBecause: String?
  /// The model's stream since the last restart, and how far it has read the table.
  var stream: ScoreStream?
  var position: PostgresSource.ReadPosition

  /// Throws when the model or its source cannot be built.
  init(_ saved: SavedModel, config: RunConfig) throws {
    self.saved = saved
    self.config = config
    position = PostgresSource.ReadPosition(features: saved.features)
    let source = try DetectionPipeline(registry: StandardPlugins.registry, config: config).source() as? PostgresSource
    var reason: String?
    if let source, !source.readsNewRows {
      reason = "a query's new rows cannot be told apart"
    } else if source == nil {
      reason = "the source is not a PostgreSQL table"
    } else {
      do {
        stream = try Self.stream(of: saved, config: config)
      } catch ScoreStream.Unstreamable.scores(let why) {
        reason = why
      }
    }
    table = reason == nil ? source : nil
    wholeBecause = reason
  }

  /// What the watcher says it does at each batch.
  var reading: String {
    wholeBecause.map { "reads the whole source at each batch, as \($0)" } ?? "reads only the rows after the last it read"
  }

  /// The model's stream, before any row (a watcher lists no flags: it announces each row).
  static func stream(of saved: SavedModel, config: RunConfig) throws -> ScoreStream {
    try ScoreStream(saved, config: config, registry: StandardPlugins.registry, keepFlags: 0)
  }

  /// Forgets what was read: the next batch reads the whole table again.
  mutating func restart() {
    stream = nil
    position = PostgresSource.ReadPosition(features: saved.features)
  }

  /// Reads and scores the new rows and appends their scores to run `runID` on `db`.
  mutating func scoreNewRows(to runID: String, on db: PGConnection) throws -> Batch? {
    guard let table else {
      let result = try DetectionPipeline.score(saved, config: config, registry: StandardPlugins.registry)
      return Batch(appended: try PostgresSink.appendNewRows(result, to: runID, on: db), piece: result.scoredRows)
    }
    var stream = try self.stream ?? Self.stream(of: saved, config: config)
    let loaded = try table.newRows(after: &position)
    try stream.append(loaded.frame, origin: loaded.origin)
    let piece = try stream.scorePending()
    self.stream = stream
    guard let piece else { return nil }
    let offset = stream.rows - piece.frame.rowCount
    return Batch(appended: try PostgresSink.appendNewRows(piece, at: offset, to: runID, on: db), piece: piece)
  }
}

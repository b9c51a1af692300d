import SeismoCore

/// What `evaluate` writes to RUN_DIR/evaluation.json.
struct EvaluationReport: Codable {
  var part: String
  var rows: Evaluation
  /// Labelled rows of the run outside the judged rows (the training part under `part` test, rows
  /// before the first score).
  var labelledRowsNotJudged: Int
  var events: EventMetrics
  var nab: [NABScore]?
  /// A member of an ensemble judged alone: its name ("rolling-zscore × likelihood"); nil for a run.
  var member: String?
  /// An ensemble's members, each judged alone (`LabelledRun.members`); nil for one detector.
  var members: [EvaluationReport]?

  enum CodingKeys: String, CodingKey {
    case part, events, nab, member, members
    case rows = "rows_judged"
    case labelledRowsNotJudged = "labelled_rows_not_judged"
  }
}

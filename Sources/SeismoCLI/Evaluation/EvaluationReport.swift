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

  enum CodingKeys: String, CodingKey {
    case part, events, nab
    case rows = "rows_judged"
    case labelledRowsNotJudged = "labelled_rows_not_judged"
  }
}

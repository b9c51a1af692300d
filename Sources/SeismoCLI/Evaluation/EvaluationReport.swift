import SeismoCore

/// What `evaluate` writes to RUN_DIR/evaluation.json.
struct EvaluationReport: Codable {
  var part: String
  var rows: Evaluation
  var events: EventMetrics
  var nab: [NABScore]?

  enum CodingKeys: String, CodingKey {
    case part, events, nab
    case rows = "rows_judged"
  }
}

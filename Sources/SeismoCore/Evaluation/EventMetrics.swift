/// Event-level precision, recall and F1 with overlapping segments, as Orion (Alnegheimish et
/// al., "Sintel", SIGMOD 2022) scores its benchmark.
///
/// A labelled segment is found (TP) when any detected event overlaps it, else missed (FN); a
/// detected event that overlaps no labelled segment is a false alarm (FP). Precision is
/// TP / (TP + FP), recall TP / (TP + FN).
public struct EventMetrics: Sendable, Codable, Equatable {
  /// Counts of labelled events found (TP) and missed (FN), and of false alarms (FP), with the
  /// precision, recall and F1 they give.
  public var scores: Evaluation.Metrics
  /// False alarms per 1,000 rows judged.
  public var falseAlarmsPerThousandRows: Double

  enum CodingKeys: String, CodingKey {
    case scores
    case falseAlarmsPerThousandRows = "false_alarms_per_1000_rows"
  }

  /// - Parameters: `detected` and `labelled` segments as closed row ranges; `rows` judged.
  public init(detected: [ClosedRange<Int>], labelled: [ClosedRange<Int>], rows: Int) {
    let found = labelled.filter { l in detected.contains { $0.overlaps(l) } }.count
    let falseAlarms = detected.filter { d in !labelled.contains { $0.overlaps(d) } }.count
    scores = Evaluation.Metrics(truePositives: found, falsePositives: falseAlarms, falseNegatives: labelled.count - found)
    falseAlarmsPerThousandRows = rows > 0 ? 1000 * Double(falseAlarms) / Double(rows) : 0
  }

  /// Runs of consecutive `true` as closed ranges.
  public static func segments(_ marks: [Bool]) -> [ClosedRange<Int>] {
    var segments: [ClosedRange<Int>] = []
    var start: Int?
    for (i, mark) in marks.enumerated() {
      if mark, start == nil { start = i }
      if !mark, let s = start {
        segments.append(s...(i - 1))
        start = nil
      }
    }
    if let s = start { segments.append(s...(marks.count - 1)) }
    return segments
  }
}

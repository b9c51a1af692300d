/// Event-level precision, recall and F1 with overlapping segments, as Orion (Alnegheimish et
/// al., "Sintel", SIGMOD 2022) scores its benchmark.
///
/// A labelled segment is found (TP) when any detected event overlaps it, else missed (FN); a
/// detected event that overlaps no labelled segment is a false alarm (FP). Precision is
/// TP / (TP + FP), recall TP / (TP + FN).
public struct EventMetrics: Sendable, Codable, Equatable {
  public var truePositives: Int
  public var falsePositives: Int
  public var falseNegatives: Int
  public var precision: Double
  public var recall: Double
  public var f1: Double
  /// False alarms per 1,000 rows judged.
  public var falseAlarmsPerThousandRows: Double

  enum CodingKeys: String, CodingKey {
    case precision, recall, f1
    case truePositives = "true_positives"
    case falsePositives = "false_positives"
    case falseNegatives = "false_negatives"
    case falseAlarmsPerThousandRows = "false_alarms_per_1000_rows"
  }

  /// - Parameters: `detected` and `labelled` segments as closed row ranges; `rows` judged.
  public init(detected: [ClosedRange<Int>], labelled: [ClosedRange<Int>], rows: Int) {
    truePositives = labelled.filter { l in detected.contains { $0.overlaps(l) } }.count
    falseNegatives = labelled.count - truePositives
    falsePositives = detected.filter { d in !labelled.contains { $0.overlaps(d) } }.count
    precision = truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : 0
    recall = labelled.isEmpty ? 0 : Double(truePositives) / Double(labelled.count)
    f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    falseAlarmsPerThousandRows = rows > 0 ? 1000 * Double(falsePositives) / Double(rows) : 0
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

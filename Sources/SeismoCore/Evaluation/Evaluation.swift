/// Precision, recall and F1 of flags against labels, point-wise and point-adjusted.
///
/// Point-wise: each row is one decision. Point-adjusted (Xu et al., 2018, as used by most
/// time-series anomaly benchmarks): a run of consecutive labelled rows counts as wholly detected
/// when any row in it is flagged, which credits a detector that fires once per event. Rows
/// outside labelled runs are judged point-wise in both.
public struct Evaluation: Sendable, Codable, Equatable {
  public struct Metrics: Sendable, Codable, Equatable {
    public var truePositives: Int
    public var falsePositives: Int
    public var falseNegatives: Int
    /// TP / (TP + FP); 0 when nothing is flagged.
    public var precision: Double
    /// TP / (TP + FN); 0 when nothing is labelled.
    public var recall: Double
    /// Harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double

    enum CodingKeys: String, CodingKey {
      case precision, recall, f1
      case truePositives = "true_positives"
      case falsePositives = "false_positives"
      case falseNegatives = "false_negatives"
    }

    init(flags: [Bool], labels: [Bool]) {
      var tp = 0
      var fp = 0
      var fn = 0
      for (flag, label) in zip(flags, labels) {
        if flag && label { tp += 1 } else if flag { fp += 1 } else if label { fn += 1 }
      }
      self.init(truePositives: tp, falsePositives: fp, falseNegatives: fn)
    }

    /// From counts.
    public init(truePositives tp: Int, falsePositives fp: Int, falseNegatives fn: Int) {
      truePositives = tp
      falsePositives = fp
      falseNegatives = fn
      precision = tp + fp > 0 ? Double(tp) / Double(tp + fp) : 0
      recall = tp + fn > 0 ? Double(tp) / Double(tp + fn) : 0
      f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
  }

  public var rows: Int
  public var labelledRows: Int
  /// Runs of consecutive labelled rows.
  public var events: Int
  public var eventsDetected: Int
  public var pointwise: Metrics
  public var pointAdjusted: Metrics

  enum CodingKeys: String, CodingKey {
    case rows, events, pointwise
    case labelledRows = "labelled_rows"
    case eventsDetected = "events_detected"
    case pointAdjusted = "point_adjusted"
  }

  /// - Parameters: `flags` and `labels`, one per row, in time order.
  public init(flags: [Bool], labels: [Bool]) {
    precondition(flags.count == labels.count, "one flag and one label per row")
    rows = flags.count
    labelledRows = labels.filter { $0 }.count
    pointwise = Metrics(flags: flags, labels: labels)
    var adjusted = flags
    let segments = EventMetrics.segments(labels)
    let detected = segments.filter { flags[$0].contains(true) }
    for segment in detected { adjusted.replaceSubrange(segment, with: repeatElement(true, count: segment.count)) }
    events = segments.count
    eventsDetected = detected.count
    pointAdjusted = Metrics(flags: adjusted, labels: labels)
  }
}

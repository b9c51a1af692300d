import Foundation
import SeismoCore

/// Inline SVG charts. Every chart is an `<svg class="chart" data-chart=KIND>`; its data lines are
/// `<polyline class="series">`, flagged rows `<circle class="flag">` (rings, `class="flag other"`,
/// on a feature's chart for the rows another feature drove), the threshold
/// `<line class="threshold" data-value=…>` (or, when each row has its own cut-off,
/// `<polyline class="threshold adaptive">` pieces) and the train/test cut `<line class="boundary">`,
/// so tests and readers can find them.
/// A chart's points, read by index: `count` of them, point i at `time(i)` with `value(i)`. Charts
/// read through it, so drawing millions of rows copies none of them.
struct PlotSeries {
  var count: Int
  var time: (Int) -> Timestamp
  var value: (Int) -> Double
}

enum Charts {
  static let width = 960.0
  static let margin = (left: 70.0, right: 20.0, top: 28.0, bottom: 34.0)

  /// A line over time with optional flags, threshold and train/test boundary. `flags` are indices
  /// of `series`, drawn as dots; `otherFlags`, drawn as rings, are flags of the row that this
  /// chart's series did not drive. `cutoff`, one per point (infinity: none yet), draws a per-row
  /// threshold instead of the constant `threshold`.
  static func timeSeries(
    kind: String, title: String, yLabel: String, series: PlotSeries, flags: [Int], otherFlags: [Int] = [],
    threshold: Double?,
    cutoff: ((Int) -> Double)? = nil, boundary: Timestamp?, timeKind: Frame.TimeKind, height: Double = 190,
    attributes: String = ""
  ) -> String {
    guard series.count > 0 else { return "" }
    let first = series.time(0)
    let last = series.time(series.count - 1)
    let x = LinearScale(domain: Double(first)...Double(max(last, first + 1)), range: margin.left...(width - margin.right))
    var low = Double.infinity
    var high = -Double.infinity
    for i in 0..<series.count {
      let v = series.value(i)
      low = min(low, v)
      high = max(high, v)
      if let cut = cutoff?(i), cut.isFinite {
        low = min(low, cut)
        high = max(high, cut)
      }
    }
    if let threshold, threshold.isFinite {
      low = min(low, threshold)
      high = max(high, threshold)
    }
    let y = LinearScale(domain: low...high, range: margin.top...(height - margin.bottom), flipped: true, padding: 0.05)
    var svg = open(kind: kind, height: height, title: title, attributes: attributes)
    svg += axes(x: x, y: y, height: height, yLabel: yLabel, timeTicks: TimeTicks.ticks(from: first, to: last, kind: timeKind))
    if let boundary, boundary > first, boundary < last {
      let bx = x(Double(boundary))
      svg += line(bx, margin.top, bx, height - margin.bottom, class: "boundary", extra: "stroke-dasharray=\"4 3\"")
      svg += text(bx + 4, margin.top + 10, "test →", class: "note")
    }
    let px = { (i: Int) in x(Double(series.time(i))) }
    let keep = Downsampling.indices(0..<series.count, x: px, y: series.value)
    let points = keep.map { Format.tenths(px($0)) + "," + Format.tenths(y(series.value($0))) }.joined(separator: " ")
    svg += "<polyline class=\"series\" data-points=\"\(keep.count)\" points=\"\(points)\"/>\n"
    if let threshold {
      let ty = y(threshold)
      svg += line(margin.left, ty, width - margin.right, ty, class: "threshold", extra: "data-value=\"\(threshold)\"")
      svg += text(width - margin.right - 4, ty - 4, "threshold \(Format.number(threshold))", class: "note", anchor: "end")
    }
    if let cutoff {
      svg += adaptiveThreshold(count: series.count, x: px, cutoff: cutoff, y: y)
    }
    // One circle per 2-pixel square: flags closer than that would only draw over each other, and
    // a long series can have tens of thousands of them, which a browser draws slowly. Rings
    // first, so a dot on the same spot covers them.
    for (rows, circle) in [(otherFlags, "class=\"flag other\" r=\"2.5\""), (flags, "class=\"flag\" r=\"3\"")] {
      var drawn = Set<Int>()
      for i in rows {
        let (cx, cy) = (px(i), y(series.value(i)))
        guard drawn.insert(Int(cx / 2) * 1_000_000 + Int(cy / 2)).inserted else { continue }
        svg += "<circle \(circle) cx=\"\(Format.tenths(cx))\" cy=\"\(Format.tenths(cy))\"/>\n"
      }
    }
    return svg + "</svg>\n"
  }

  /// Per-row cut-offs as stepped polylines, one per run of finite values (a rule without a
  /// cut-off yet draws nothing there), each reduced to at most four points per pixel column.
  static func adaptiveThreshold(count: Int, x: (Int) -> Double, cutoff: (Int) -> Double, y: LinearScale) -> String {
    var svg = ""
    var start = 0
    while start < count {
      guard cutoff(start).isFinite else {
        start += 1
        continue
      }
      var end = start
      while end < count, cutoff(end).isFinite { end += 1 }
      var points: [String] = []
      var previous: Double?
      for i in Downsampling.indices(start..<end, x: x, y: cutoff) {
        if let previous { points.append(Format.tenths(x(i)) + "," + Format.tenths(y(previous))) }  // the step
        points.append(Format.tenths(x(i)) + "," + Format.tenths(y(cutoff(i))))
        previous = cutoff(i)
      }
      svg +=
        "<polyline class=\"threshold adaptive\" data-points=\"\(end - start)\" points=\"\(points.joined(separator: " "))\"/>\n"
      start = end
    }
    if !svg.isEmpty {
      svg += text(width - margin.right - 4, margin.top - 6, "threshold: adaptive, per row", class: "note", anchor: "end")
    }
    return svg
  }

  /// Training and validation loss per epoch.
  static func loss(_ history: [EpochRecord]) -> String {
    let height = 220.0
    let epochs = history.map { Double($0.epoch) }
    let all = history.map(\.loss) + history.compactMap(\.validationLoss)
    guard let minEpoch = epochs.first, let maxEpoch = epochs.last, let low = all.min(), let high = all.max() else { return "" }
    let x = LinearScale(domain: minEpoch...max(maxEpoch, minEpoch + 1), range: margin.left...(width - margin.right))
    let y = LinearScale(domain: low...high, range: margin.top...(height - margin.bottom), flipped: true, padding: 0.05)
    var svg = open(kind: "loss", height: height, title: "Training and validation loss per epoch")
    let ticks = x.ticks(8).filter { $0 == $0.rounded() }.map { (Timestamp($0), String(Int($0))) }
    svg += axes(x: x, y: y, height: height, yLabel: "loss", timeTicks: ticks, xLabel: "epoch")
    func series(_ values: [(Double, Double)], _ name: String) -> String {
      let pts = values.map { Format.tenths(x($0.0)) + "," + Format.tenths(y($0.1)) }.joined(separator: " ")
      return "<polyline class=\"series \(name)\" data-name=\"\(name)\" points=\"\(pts)\"/>\n"
    }
    svg += series(history.map { (Double($0.epoch), $0.loss) }, "loss")
    let validation = history.compactMap { r in r.validationLoss.map { (Double(r.epoch), $0) } }
    if !validation.isEmpty { svg += series(validation, "val_loss") }
    svg += legend([("loss", "training"), ("val_loss", "validation")].filter { $0.0 == "loss" || !validation.isEmpty })
    return svg + "</svg>\n"
  }

  /// Histogram of training scores (40 bins) with the threshold.
  static func histogram(_ scores: [Float], threshold: Float) -> String {
    guard let low = scores.min(), let high = scores.max() else { return "" }
    let height = 220.0
    let bins = 40
    let top = max(Double(high), Double(threshold))
    let bottom = Double(low)
    let binWidth = max((top - bottom) / Double(bins), 1e-12)
    var counts = [Int](repeating: 0, count: bins)
    for s in scores { counts[min(Int((Double(s) - bottom) / binWidth), bins - 1)] += 1 }
    let x = LinearScale(domain: bottom...(bottom + binWidth * Double(bins)), range: margin.left...(width - margin.right))
    let y = LinearScale(domain: 0...Double(counts.max() ?? 1), range: margin.top...(height - margin.bottom), flipped: true)
    var svg = open(kind: "histogram", height: height, title: "Training scores and the threshold")
    let ticks = x.ticks(6)
    svg += axes(x: x, y: y, height: height, yLabel: "rows", timeTicks: [], xLabel: "score")
    for (t, label) in zip(ticks, Format.ticks(ticks)) {
      svg += text(x(t), height - margin.bottom + 14, label, class: "tick", anchor: "middle")
    }
    for (b, c) in counts.enumerated() where c > 0 {
      let x0 = x(bottom + Double(b) * binWidth)
      let x1 = x(bottom + Double(b + 1) * binWidth)
      svg += String(
        format: "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n", x0, y(Double(c)),
        max(x1 - x0 - 1, 0.5), y(0) - y(Double(c)))
    }
    let tx = x(Double(threshold))
    svg += line(tx, margin.top, tx, height - margin.bottom, class: "threshold", extra: "data-value=\"\(threshold)\"")
    svg += text(tx + 4, margin.top + 10, "threshold \(Format.number(Double(threshold)))", class: "note")
    return svg + "</svg>\n"
  }

  /// Horizontal bars of mean importance with ± std whiskers: the increase in the mean `scoreName`
  /// (score, or an ensemble's margin).
  static func importance(_ entries: [FeatureImportanceEntry], scoreName: String) -> String {
    guard !entries.isEmpty else { return "" }
    let rowHeight = 24.0
    let left = 220.0
    let height = margin.top + margin.bottom + rowHeight * Double(entries.count)
    let low = min(0, entries.map { $0.mean - $0.std }.min()!)
    let high = max(entries.map { $0.mean + $0.std }.max()!, 1e-9)
    let x = LinearScale(domain: low...high, range: left...(width - margin.right), padding: 0.05)
    var svg = open(kind: "importance", height: height, title: "Feature importance: increase in mean \(scoreName) when shuffled")
    let ticks = x.ticks(6)
    for (t, label) in zip(ticks, Format.ticks(ticks)) {
      svg += line(x(t), margin.top, x(t), height - margin.bottom, class: "grid")
      svg += text(x(t), height - margin.bottom + 14, label, class: "tick", anchor: "middle")
    }
    svg += line(x(0), margin.top, x(0), height - margin.bottom, class: "axis")
    for (i, e) in entries.enumerated() {
      let cy = margin.top + rowHeight * (Double(i) + 0.5)
      let (a, b) = (x(min(0, e.mean)), x(max(0, e.mean)))
      svg += text(left - 8, cy + 4, e.feature, class: "label", anchor: "end")
      svg += String(
        format: "<rect class=\"bar importance\" data-feature=\"%@\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
        Format.escape(e.feature), a, cy - 8, max(b - a, 0.5), 16.0)
      svg += line(x(e.mean - e.std), cy, x(e.mean + e.std), cy, class: "whisker")
    }
    return svg + "</svg>\n"
  }

  // MARK: - Pieces

  static func open(kind: String, height: Double, title: String, attributes: String = "") -> String {
    String(
      format:
        "<svg class=\"chart\" data-chart=\"%@\" %@ viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\">\n<title>%@</title>\n",
      kind, attributes, width, height, Format.escape(title))
      + text(margin.left, 16, title, class: "title")
  }

  static func axes(
    x: LinearScale, y: LinearScale, height: Double, yLabel: String, timeTicks: [(Timestamp, String)], xLabel: String? = nil
  ) -> String {
    var svg = ""
    let ticks = y.ticks(4)
    for (t, label) in zip(ticks, Format.ticks(ticks)) {
      svg += line(margin.left, y(t), width - margin.right, y(t), class: "grid")
      svg += text(margin.left - 6, y(t) + 4, label, class: "tick", anchor: "end")
    }
    for (t, label) in timeTicks {
      svg += line(x(Double(t)), height - margin.bottom, x(Double(t)), height - margin.bottom + 4, class: "axis")
      svg += text(x(Double(t)), height - margin.bottom + 16, label, class: "tick", anchor: "middle")
    }
    svg += line(margin.left, height - margin.bottom, width - margin.right, height - margin.bottom, class: "axis")
    svg += line(margin.left, margin.top, margin.left, height - margin.bottom, class: "axis")
    svg += String(
      format: "<text class=\"axis-label\" transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">%@</text>\n",
      (margin.top + height - margin.bottom) / 2, Format.escape(yLabel))
    if let xLabel { svg += text(width - margin.right, height - 4, xLabel, class: "axis-label", anchor: "end") }
    return svg
  }

  static func legend(_ items: [(String, String)]) -> String {
    var svg = ""
    for (i, item) in items.enumerated() {
      let x = width - margin.right - 200 + Double(i) * 100
      svg += line(x, 14, x + 18, 14, class: "legend \(item.0)")
      svg += text(x + 22, 18, item.1, class: "note")
    }
    return svg
  }

  static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, class name: String, extra: String = "") -> String {
    String(format: "<line class=\"%@\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %@/>\n", name, x1, y1, x2, y2, extra)
  }

  static func text(_ x: Double, _ y: Double, _ s: String, class name: String, anchor: String = "start") -> String {
    String(
      format: "<text class=\"%@\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%@\">%@</text>\n", name, x, y, anchor, Format.escape(s))
  }
}

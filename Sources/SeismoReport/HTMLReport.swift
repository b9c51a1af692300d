import Foundation
import SeismoCore

/// One self-contained HTML page about a run: inline CSS and SVG, no scripts, no network.
///
/// Sections: a summary; each feature over time with flagged rows and the train/test boundary;
/// the anomaly score with its threshold; training and validation loss; the histogram of training
/// scores with the threshold; feature importance; the table of top anomalies.
public enum HTMLReport {
  /// At most this many feature panels (`ReportData.panelFeatures` chooses them).
  public static let maxFeaturePanels = 12
  /// Rows of the top-anomalies table.
  public static let maxTableRows = 30

  public static func render(_ data: ReportData) -> String {
    let frame = data.frame
    let flagged = data.flagged
    let flaggedRows = flagged.map { data.scoreRow($0) }
    let boundary: Timestamp? = data.trainRows > 0 && data.trainRows < frame.rowCount ? frame.timestamps[data.trainRows] : nil
    var html = """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8">
      <title>Seismo run \(Format.escape(data.runID))</title>
      <style>\(css)</style></head><body>
      <h1>Seismo run <code>\(Format.escape(data.runID))</code></h1>
      <p class="summary">\(Format.escape(data.detector)) on \(frame.featureCount) feature\(frame.featureCount == 1 ? "" : "s") × \
      \(frame.rowCount) rows (\(frame.formatTimestamp(frame.timestamps[0])) – \(frame.formatTimestamp(frame.timestamps[frame.rowCount - 1]))), \
      \(data.trainRows) training rows. Threshold (\(Format.escape(data.thresholdPlugin))): <b>\(data.threshold.map { Format.number(Double($0)) } ?? "adaptive, per row")</b>. \
      Anomalies: <b data-anomaly-count="\(flagged.count)">\(flagged.count)</b>, \
      \(flaggedRows.filter { $0 >= data.trainRows }.count) in the test part.\(skillSentence(data))</p>

      """
    for warning in data.warnings { html += "<p class=\"warning\">\(Format.escape(warning))</p>\n" }

    let shown = data.panelFeatures(max: maxFeaturePanels)
    // Each chart reads every row of its series, so the charts are drawn at once, a core each.
    let charts = drawnAtOnce(shown.count + 1) { k in
      guard k < shown.count else { return scoreChart(data, flagged: flagged, boundary: boundary) }
      return featureChart(data, feature: shown[k], flagged: flagged, boundary: boundary)
    }
    html += "<h2>Features over time</h2>\n<p class=\"hint\">\(panelHint(data, shown: shown.count))</p>\n"
    html += charts.dropLast().joined()
    if frame.featureCount > shown.count {
      html += "<p class=\"hint\">\(frame.featureCount - shown.count) more features are in scores.csv.</p>\n"
    }

    html += "<h2>Anomaly score</h2>\n" + charts.last!

    if !data.history.isEmpty {
      html += "<h2>Training</h2>\n" + Charts.loss(data.history)
    }
    let trainingScores = data.trainingScores
    if !trainingScores.isEmpty, let threshold = data.threshold {
      html += "<h2>Training score distribution</h2>\n" + Charts.histogram(trainingScores, threshold: threshold)
    }
    if let importance = data.importance, !importance.isEmpty {
      html += "<h2>Feature importance</h2>\n" + Charts.importance(importance, scoreName: data.scoreName)
    }
    html += foldTable(data)
    html += table(data, flagged: flagged, columns: shown)
    return html + "<p class=\"hint\">Seismo \(SeismoVersion.current)</p>\n</body></html>\n"
  }

  /// `count` charts drawn by `draw`, each on whichever core is free.
  private static func drawnAtOnce(_ count: Int, _ draw: @Sendable (Int) -> String) -> [String] {
    var charts = [String](repeating: "", count: count)
    charts.withUnsafeMutableBufferPointer { charts in
      let shared = UnsafeTransfer(charts)
      DispatchQueue.concurrentPerform(iterations: count) { shared.value[$0] = draw($0) }
    }
    return charts
  }

  /// The chart of feature `j` over time: its flags as dots, the flags others drove as rings.
  private static func featureChart(_ data: ReportData, feature j: Int, flagged: [Int], boundary: Timestamp?) -> String {
    let frame = data.frame
    let (values, f) = (frame.values, frame.featureCount)  // the frame's subscript is a call from here
    let series = PlotSeries(count: frame.rowCount, time: { frame.timestamps[$0] }, value: { Double(values[$0 * f + j]) })
    let own = flagged.filter { data.topFeatures[$0] == j }
    let others = flagged.filter { data.topFeatures[$0] != j }
    return Charts.timeSeries(
      kind: "feature", title: frame.featureNames[j], yLabel: frame.featureNames[j], series: series,
      flags: own.map(data.scoreRow), otherFlags: others.map(data.scoreRow), threshold: nil, boundary: boundary,
      timeKind: frame.timeKind, height: 170, attributes: "data-feature=\"\(Format.escape(frame.featureNames[j]))\"")
  }

  /// The chart of the anomaly score, with its cut-off and flags (indices of its scores).
  private static func scoreChart(_ data: ReportData, flagged: [Int], boundary: Timestamp?) -> String {
    let frame = data.frame
    let scores = PlotSeries(
      count: data.scores.count, time: { frame.timestamps[data.scoreRow($0)] }, value: { Double(data.scores[$0]) })
    let cutoff: ((Int) -> Double)? = data.cutoffs.count == data.scores.count ? { Double(data.cutoffs[$0]) } : nil
    return Charts.timeSeries(
      kind: "score",
      title:
        "\(data.scoreName.prefix(1).uppercased() + data.scoreName.dropFirst()) of each row (\(Format.escape(data.detector)))",
      yLabel: data.scoreName, series: scores,
      flags: flagged, threshold: data.threshold.map(Double.init), cutoff: cutoff, boundary: boundary,
      timeKind: frame.timeKind, height: 230)
  }

  /// ` Forecast skill: MASE 2.31 on 228 test rows (…).` for a forecaster's run; empty otherwise.
  static func skillSentence(_ data: ReportData) -> String {
    guard let skill = data.forecastSkill else { return "" }
    return
      " Forecast skill: <b data-mase=\"\(skill.mase)\">MASE \(String(format: "%.2f", skill.mase))</b> on \(skill.rows) test rows (its mean absolute error ÷ that of repeating each last value; under 1 beats it)."
  }

  /// What the feature panels show, and in what order.
  static func panelHint(_ data: ReportData, shown: Int) -> String {
    let count = data.frame.featureCount
    guard count > 1 else { return "Red dots: flagged rows. Dashed line: start of the test part." }
    return
      "Red dots: rows flagged with this feature on top (the one that drove the score); rings: rows flagged for another feature. "
      + "The features that top the most flagged rows come first (the test part's flags counted first), then "
      + (data.importance == nil ? "the data's order" : "the most important")
      + (shown < count ? "; the first \(shown) of \(count) are drawn" : "") + ". Dashed line: start of the test part."
  }

  /// The walk-forward folds: which rows each model trained on and scored, its cut-off and fit time.
  static func foldTable(_ data: ReportData) -> String {
    guard data.folds.count > 1 else { return "" }
    let frame = data.frame
    func time(_ row: Int) -> String { frame.formatTimestamp(frame.timestamps[min(max(row, 0), frame.rowCount - 1)]) }
    var html =
      "<h2>Walk-forward folds</h2>\n<p class=\"hint\">Each fold's model and threshold were fitted on its training rows only, then scored its test rows.</p>\n"
    html +=
      "<table class=\"anomalies folds\" data-fold-count=\"\(data.folds.count)\"><thead><tr><th>fold</th><th>trained on</th><th>scored</th><th>cut-off</th><th>fit s</th></tr></thead><tbody>\n"
    for (k, fold) in data.folds.enumerated() {
      html += "<tr><td>\(k + 1)</td><td>\(time(fold.trainStart)) – \(time(fold.trainEnd - 1))</td>"
      html += "<td>\(time(fold.trainEnd)) – \(time(fold.scoreEnd - 1))</td>"
      html +=
        "<td>\(fold.threshold.map { Format.number(Double($0)) } ?? "none yet")</td><td>\(Format.number(fold.fitSeconds))</td></tr>\n"
    }
    return html + "</tbody></table>\n"
  }

  /// The top anomalies, with the values of the `columns` features (the panels').
  static func table(_ data: ReportData, flagged: [Int], columns: [Int]) -> String {
    let frame = data.frame
    // The test part's flags first (out of sample, what an analyst acts on), each part by score.
    let isTest = { (i: Int) in data.scoreRow(i) >= data.trainRows }
    let top = flagged.sorted {
      isTest($0) != isTest($1) ? isTest($0) : data.scores[$0] > data.scores[$1]
    }.prefix(maxTableRows)
    guard !top.isEmpty else { return "<h2>Top anomalies</h2>\n<p>No row scored above the threshold.</p>\n" }
    var html =
      "<h2>Top anomalies</h2>\n<p class=\"hint\">The test part's first, then the training part's (in sample); each by score.</p>\n"
      + "<table class=\"anomalies\"><thead><tr><th>timestamp</th><th>part</th><th>\(data.scoreName)</th><th>top feature</th>"
      + (data.memberScores == nil ? "" : "<th>flagged by</th>")
    html += columns.map { "<th>\(Format.escape(frame.featureNames[$0]))</th>" }.joined() + "</tr></thead><tbody>\n"
    for i in top {
      let row = data.scoreRow(i)
      html += "<tr><td>\(frame.formatTimestamp(frame.timestamps[row]))</td><td>\(isTest(i) ? "test" : "train")</td>"
      html += "<td>\(Format.number(Double(data.scores[i])))</td>"
      html += "<td>\(Format.escape(frame.featureNames[Int(data.topFeatures[i])]))</td>"
      if let own = data.memberScores {
        html += "<td>\(Format.escape(Ensemble.memberNames(own.flagging(at: i), of: data.members)))</td>"
      }
      let top = Int(data.topFeatures[i])
      html +=
        columns.map { "<td\($0 == top ? " class=\"top\"" : "")>\(Format.value(frame[row, $0]))</td>" }.joined() + "</tr>\n"
    }
    return html + "</tbody></table>\n"
  }

  static let css = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;color:#1d2330;background:#fff}
    h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #e3e6ec;padding-bottom:4px}
    code{font-size:18px}.summary{margin:4px 0 12px}.hint{color:#667085;font-size:12px;margin:2px 0}.warning{color:#9a3412;margin:2px 0}
    svg.chart{display:block;margin:6px 0 14px;background:#fcfcfd}
    .title{font-weight:600;font-size:13px;fill:#1d2330}.tick{font-size:11px;fill:#667085}.note{font-size:11px;fill:#b42318}
    .axis-label{font-size:11px;fill:#475467}.label{font-size:12px;fill:#1d2330}
    .grid{stroke:#eaecf0;stroke-width:1}.axis{stroke:#98a2b3;stroke-width:1}
    .series{fill:none;stroke:#2e6fdb;stroke-width:1.3}.series.val_loss,.legend.val_loss{stroke:#f79009}.legend.loss{stroke:#2e6fdb}
    .legend{stroke-width:2}.flag{fill:#d92d20;stroke:#fff;stroke-width:.6}.flag.other{fill:none;stroke:#f0948c;stroke-width:1}
    .threshold{stroke:#d92d20;stroke-width:1.4;stroke-dasharray:6 4;fill:none}.boundary{stroke:#475467;stroke-width:1.2}
    .bar{fill:#84adf0}.bar.importance{fill:#2e6fdb}.whisker{stroke:#1d2330;stroke-width:1.5}
    table.anomalies{border-collapse:collapse;font-size:12px;width:100%}
    .anomalies th,.anomalies td{border-bottom:1px solid #eaecf0;padding:4px 8px;text-align:right}
    .anomalies td.top{font-weight:700;color:#b42318}
    .anomalies th:first-child,.anomalies td:first-child,.anomalies td:nth-child(3),.anomalies th:nth-child(3){text-align:left}
    """
}

import Foundation
import Testing

@testable import SeismoCore
@testable import SeismoReport

func occurrences(_ needle: String, in haystack: String) -> Int { haystack.components(separatedBy: needle).count - 1 }

@Suite struct HTMLReportTests {
  /// A rolling z-score cut at a fixed value: what the reports below were made by.
  static let zscoreFixed = [
    EnsembleMember(
      detector: PluginChoice(plugin: "rolling-zscore", parameters: Parameters()),
      threshold: PluginChoice(plugin: "fixed", parameters: Parameters()))
  ]

  /// `rows` days of two features; scores = |b|, warm-up of 2 rows; threshold 5.
  func data(rows: Int, spikes: Set<Int>, history: [EpochRecord] = [], importance: [FeatureImportanceEntry]? = nil) throws
    -> ReportData
  {
    let values = (0..<rows).flatMap { r -> [Float] in [Float(r % 7), spikes.contains(r) ? 9 : Float(r % 3)] }
    let frame = try Frame(
      timestamps: (0..<rows).map { Timestamp(18_262 + $0) * 86_400 }, featureNames: ["vix index", "gold"], values: values)
    let scoreRows = Array(2..<rows)
    return ReportData(
      runID: "r1", members: Self.zscoreFixed, frame: frame, trainRows: rows / 2,
      firstScoreRow: 2, scores: scoreRows.map { frame[$0, 1] }, topFeatures: scoreRows.map { _ in 1 }, threshold: 5,
      flags: scoreRows.map { frame[$0, 1] > 5 }, history: history, importance: importance)
  }

  /// The SVG of the feature panel of `feature`; nil when the report has none.
  func panel(_ feature: String, in html: String) -> String? {
    guard let start = html.range(of: "data-feature=\"\(feature)\"") else { return nil }
    let rest = html[start.upperBound...]
    return rest.range(of: "</svg>").map { String(rest[..<$0.lowerBound]) }
  }

  /// A run of 20 features, of which 15, 16 and 17 top the flags: with 12 panels, those three are
  /// drawn first, the most flagged first (test-part flags before all), each with dots for its own
  /// flags and rings for the others'; the anomalies table has the same columns, the top feature's
  /// value marked.
  @Test func panelsShowTheFeaturesBehindTheFlags() throws {
    let (rows, f) = (100, 20)
    let frame = try Frame(
      timestamps: (0..<rows).map { Timestamp(18_262 + $0) * 86_400 }, featureNames: (0..<f).map { "f\($0)" },
      values: (0..<rows * f).map { Float($0 % 13) })
    // Flagged: rows 20 and 30 (training) by f17, 60 by f15, 70 and 80 by f16 (test from row 50).
    let tops: [Int: Int32] = [20: 17, 30: 17, 60: 15, 70: 16, 80: 16]
    var data = ReportData(
      runID: "r", members: Self.zscoreFixed, frame: frame, trainRows: 50, firstScoreRow: 0,
      scores: (0..<rows).map { tops[$0] == nil ? 1 : 9 }, topFeatures: (0..<rows).map { tops[$0] ?? 0 }, threshold: 5,
      flags: (0..<rows).map { tops[$0] != nil }, history: [], importance: nil)
    #expect(data.panelFeatures(max: 12) == [16, 15, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8])
    var html = HTMLReport.render(data)
    #expect(occurrences("data-chart=\"feature\"", in: html) == 12)
    // The panels are drawn at once and shown in that order, under their heading, the score's after.
    let drawn = html.components(separatedBy: "data-feature=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
    #expect(drawn == ["f16", "f15", "f17", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8"])
    let features = try #require(html.range(of: "<h2>Features over time</h2>"))
    let score = try #require(html.range(of: "<h2>Anomaly score</h2>"))
    #expect(features.upperBound < html.range(of: "data-feature=")!.lowerBound)
    #expect(score.upperBound < html.range(of: "data-chart=\"score\"")!.lowerBound)
    #expect(html.range(of: "data-feature=", options: .backwards)!.lowerBound < score.lowerBound)
    let f16 = try #require(panel("f16", in: html))
    #expect(occurrences("class=\"flag\"", in: f16) == 2 && occurrences("class=\"flag other\"", in: f16) == 3)
    #expect(occurrences("class=\"flag other\"", in: try #require(panel("f0", in: html))) == 5)
    #expect(panel("f9", in: html) == nil)
    #expect(
      html.contains(
        "The features that top the most flagged rows come first (the test part's flags counted first), then the data's order; the first 12 of 20 are drawn."
      ))
    #expect(html.contains("<th>top feature</th><th>f16</th><th>f15</th><th>f17</th><th>f0</th>"))
    #expect(html.contains("<td>f16</td><td class=\"top\">"), "the top feature's value is marked")
    // With importance, the most important follow the flagged ones.
    data.importance = [
      FeatureImportanceEntry(feature: "f19", mean: 1, std: 0), FeatureImportanceEntry(feature: "f15", mean: 0.5, std: 0),
    ]
    #expect(data.panelFeatures(max: 5) == [16, 15, 17, 19, 0])
    html = HTMLReport.render(data)
    #expect(html.contains("then the most important; the first 12 of 20 are drawn."))
  }

  @Test func perRowCutoffsAreDrawnAsSteppedLinesWithGapsWhereThereIsNone() throws {
    var report = try data(rows: 300, spikes: [200])
    report.threshold = nil
    // No cut-off for the first 50 scores, then one that steps up every 100 rows, then none again.
    report.cutoffs = report.scores.indices.map { i in i < 50 || (150..<160).contains(i) ? .infinity : Float(4 + i / 100) }
    let html = HTMLReport.render(report)
    #expect(occurrences("class=\"threshold adaptive\"", in: html) == 2, "two finite runs, two polylines")
    #expect(html.contains("data-points=\"100\"") && html.contains("data-points=\"138\""))
    #expect(!html.contains("<line class=\"threshold\""), "no constant threshold line")
    #expect(html.contains("threshold: adaptive, per row"))
    report.cutoffs = []
    #expect(!HTMLReport.render(report).contains("threshold adaptive"))
  }

  @Test func chartsHoldTheRightSeriesFlagsThresholdAndNames() throws {
    let history = [
      EpochRecord(epoch: 1, loss: 0.5, validationLoss: 0.6, seconds: 1),
      EpochRecord(epoch: 2, loss: 0.3, validationLoss: 0.4, seconds: 1),
    ]
    let importance = [
      FeatureImportanceEntry(feature: "gold", mean: 0.3, std: 0.05),
      FeatureImportanceEntry(feature: "vix index", mean: 0.01, std: 0.01),
    ]
    let html = HTMLReport.render(try data(rows: 300, spikes: [40, 200, 260], history: history, importance: importance))
    #expect(occurrences("data-chart=\"feature\"", in: html) == 2)
    #expect(html.contains("data-feature=\"vix index\"") && html.contains("data-feature=\"gold\""))
    // Three flags, all gold's: dots on its panel and the score chart, rings on vix index's.
    #expect(occurrences("class=\"flag\"", in: html) == 2 * 3)
    #expect(occurrences("class=\"flag other\"", in: html) == 3)
    let vixPanel = try #require(panel("vix index", in: html))
    #expect(occurrences("class=\"flag other\"", in: vixPanel) == 3 && !vixPanel.contains("class=\"flag\""))
    #expect(
      html.contains("rings: rows flagged for another feature.") && html.contains("then the most important. Dashed"),
      "every feature is drawn")
    #expect(html.contains("data-anomaly-count=\"3\""))
    // The threshold line on the score chart and the histogram, with its value.
    #expect(occurrences("class=\"threshold\"", in: html) == 2)
    #expect(occurrences("data-value=\"5.0\"", in: html) == 2)
    // Series: one per feature panel, one score, loss and val_loss.
    #expect(occurrences("<polyline class=\"series", in: html) == 2 + 1 + 2)
    #expect(html.contains("data-name=\"val_loss\""))
    #expect(occurrences("class=\"bar importance\"", in: html) == 2)
    #expect(occurrences("class=\"boundary\"", in: html) == 3, "the train/test cut on every time chart")
    // Table rows: one per flag, the test part's first (rows 200 and 260), then the training part's.
    #expect(occurrences("<tr><td>", in: html) == 3)
    #expect(html.contains("<td>2020-02-10</td><td>train</td><td>9.00</td><td>gold</td>"))
    let order = ["2020-07-19</td><td>test", "2020-09-17</td><td>test", "2020-02-10</td><td>train"].map {
      html.range(of: $0)?.lowerBound
    }
    #expect(order.allSatisfy { $0 != nil } && order[2]! > order[0]! && order[2]! > order[1]!, "test rows first")
    #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained")
  }

  @Test func downsamplesLongSeriesButKeepsEveryFlag() throws {
    let spikes: Set<Int> = [10_000, 55_555, 99_000]
    let html = HTMLReport.render(try data(rows: 100_000, spikes: spikes))
    let counts = html.components(separatedBy: "data-points=\"").dropFirst().map { Int($0.prefix { $0.isNumber })! }
    #expect(counts.count == 3)
    #expect(counts.allSatisfy { $0 <= 4 * 880 }, "at most four points per pixel column: \(counts)")
    #expect(occurrences("<circle class=\"flag", in: html) == 3 * 3, "dots and rings")
    #expect(html.utf8.count < 1_000_000)
    // Flags within 2 pixels of each other are one circle: 2,000 flagged rows in a row, about 18
    // pixel columns wide, are drawn with few circles, still one per 2-pixel square they cover.
    var crowded = try data(rows: 100_000, spikes: [])
    crowded.flags = crowded.scores.indices.map { (40_000..<42_000).contains($0 + crowded.firstScoreRow) }
    let circles = occurrences("<circle class=\"flag", in: HTMLReport.render(crowded))
    #expect((3 * 9...3 * 100).contains(circles), "\(circles) circles for 3 × 2,000 flags")
  }

  @Test func ticksAreRound() {
    #expect(LinearScale(domain: 0...10, range: 0...100).ticks(4) == [0, 5, 10])
    #expect(LinearScale(domain: 0.13...0.92, range: 0...100).ticks(4) == [0.2, 0.4, 0.6000000000000001, 0.8])
    let years = TimeTicks.ticks(
      from: Timestamp(CivilTime.days(year: 2015, month: 1, day: 5)) * 86_400,
      to: Timestamp(CivilTime.days(year: 2024, month: 8, day: 30)) * 86_400, kind: .calendar)
    #expect(years.map(\.1) == ["2016", "2018", "2020", "2022", "2024"])
  }

  /// An axis's labels share the decimals its spacing needs: no "98.00" beside "102", no row
  /// counts as "5.00".
  @Test func tickLabelsShareTheDecimalsTheirSpacingNeeds() {
    #expect(Format.ticks([98, 100, 102]) == ["98", "100", "102"])
    #expect(Format.ticks([0, 5, 10]) == ["0", "5", "10"])
    #expect(Format.ticks(LinearScale(domain: 0.13...0.92, range: 0...100).ticks(4)) == ["0.2", "0.4", "0.6", "0.8"])
    #expect(Format.ticks([-0.05, 0, 0.05, 0.1]) == ["-0.05", "0.00", "0.05", "0.10"])
    #expect(Format.ticks([1.5, 2, 2.5]) == ["1.5", "2.0", "2.5"])
    // Beyond the fixed-point range, e-notation as Format.number writes it.
    #expect(Format.ticks([0, 500_000, 1_000_000]) == ["0", "5.00e+05", "1.00e+06"])
    #expect(Format.ticks([7]) == ["7.00"])
  }

  /// The table of anomalies shows the data's values as read, not rounded like an axis.
  @Test func valuesKeepTheirDigits() {
    #expect(Format.value(4769.83) == "4769.83")
    #expect(Format.value(14.911034) == "14.911")
    #expect(Format.value(0.0634) == "0.0634")
    #expect(Format.value(-2.5) == "-2.5")
    #expect(Format.value(3.2e9) == "3.2e+09")
    #expect(Format.number(4769.83) == "4770", "an axis's rounding, which the table used")
  }

  /// Chart coordinates are written as `String(format: "%.1f")` writes them, ties and signs too.
  @Test func tenthsAreWrittenAsPrintfWritesThem() {
    // Exact ties (m/4, m odd) go to the even tenth; 0.35 and 0.45 are not ties as doubles.
    var values: [Double] = [0, 0.25, 0.75, 1.25, 1.75, 2.5, 0.05, 0.15, 0.35, 0.45, 959.95, 0.04, 9.96, 99.95, 1e14 + 0.25]
    values += values.map(-) + [-0.0, 1e15, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, 0.0999999999999999]
    var random = SeededGenerator(seed: 11)
    for _ in 0..<50_000 {
      values.append(Double.random(in: -100...1_000, using: &random))
      values.append(Double(Int.random(in: -40_000...40_000, using: &random)) / 4)  // many exact ties
      values.append(Double.random(in: -1...1, using: &random) * pow(10, Double.random(in: -8...14, using: &random)))
    }
    var differ = 0
    for v in values where Format.tenths(v) != String(format: "%.1f", v) {
      differ += 1
      if differ <= 5 { Issue.record("\(v): \(Format.tenths(v)), not \(String(format: "%.1f", v))") }
    }
    #expect(differ == 0)
  }

  @Test func downsamplingKeepsExtremes() {
    let xs = (0..<1000).map { Double($0) / 100 }  // ten pixel columns
    var ys = (0..<1000).map { Double($0 % 10) }
    ys[555] = 100
    let keep = Downsampling.indices(0..<1000, x: { xs[$0] }, y: { ys[$0] })
    #expect(keep.contains(555))
    #expect(keep.count <= 40)
    #expect(keep == keep.sorted())
  }
}

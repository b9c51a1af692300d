import CSVSource
import SeismoCore

/// One run read back with its labels, row by row: a run folder (every input row), or a run
/// stored in PostgreSQL (its scored rows, judged by its current threshold version).
struct LabelledRun {
  /// How messages name the run: its folder, or `run RUN_ID`.
  let name: String
  /// The windows key used, for NAB-style labels.
  let key: String?
  let summary: RunSummary
  /// Per input row: the score (nil in warm-up), its cut-off (infinity: none), whether flagged,
  /// whether it alerts, whether labelled.
  private(set) var scores: [Float?]
  private(set) var cutoffs: [Float]
  private(set) var flags: [Bool]
  private(set) var alerts: [Bool]
  let labelled: [Bool]
  /// An ensemble's members' own scores and cut-offs of each row (NaN and infinity where none);
  /// nil for one detector, and for a run written before they were kept.
  var memberScores: MemberScores?
  /// Rows of the training part.
  let trainRows: Int
  /// Per input row: its time (or row number, for a run read with time_column: none).
  let timestamps: [Timestamp]
  /// A warning when labelled times or windows fall on no row of the run, so count for nothing
  /// (nil when every one falls on a row).
  private(set) var unmatched: String?
  /// The threshold version that judged a stored run's rows (its latest; 1: the run's own).
  var thresholdVersion = 1
  /// A warning when that version has no stored events, so its alerts are unknown (nil: known).
  var unknownAlerts: String?
  /// Input rows before the first row listed here: a stored run's warm-up, which is not stored.
  var leadingRows = 0

  /// Whether this is one member of an ensemble judged alone, whose scores are its own, not margins.
  private(set) var isMemberAlone = false

  /// How the run grouped flags into events (the defaults for runs written before events existed):
  /// an ensemble's scores are margins, a member's alone are not.
  var rule: EventRule {
    EventRule(
      parameters: Parameters(specs: EventRule.parameters, values: summary.eventRule?.values ?? [:]),
      scoresAreMargins: summary.members.count > 1 && !isMemberAlone)
  }

  init(folder: String, labels: LabelSet, windowsKey: String?) throws {
    let run = RunFolder(folder)
    let summary = try run.summary()
    let table = try run.scores(summary)
    let flags = try table.require("is_anomaly", path: run.scoresPath).map { ($0 ?? 0) != 0 }
    try self.init(
      name: folder, summary: summary, scores: try table.require("score", path: run.scoresPath),
      // An empty cut-off cell: no cut-off yet.
      cutoffs: try table.require("threshold", path: run.scoresPath).map { $0 ?? .infinity }, flags: flags,
      // Runs written before events existed: every flagged row alerts.
      alerts: table.column("alert")?.map { ($0 ?? 0) != 0 } ?? flags, trainRows: summary.split.trainRows,
      timestamps: table.timestamps, labels: labels, windowsKey: windowsKey)
    memberScores = table.memberScores(members: summary.members.count)
  }

  /// An ensemble's members each judged alone, with their names ("rolling-zscore × likelihood"):
  /// its own scores and cut-offs, its flags, and the alerts the run's events rule makes of them.
  /// Empty for one detector, or a run written before the members' own were kept.
  var members: [(name: String, run: LabelledRun)] {
    guard let own = memberScores else { return [] }
    let named = summary.members
    return own.scores.indices.map { k in
      var member = self
      member.isMemberAlone = true
      member.scores = own.scores[k].map { $0.isNaN ? nil : $0 }
      member.cutoffs = own.cutoffs[k]
      member.flags = zip(own.scores[k], own.cutoffs[k]).map { $0 > $1 }
      member.alerts = [Bool](repeating: false, count: own.scores[k].count)
      for event in member.rule.events(scores: own.scores[k], cutoffs: own.cutoffs[k]) { member.alerts[event.alert] = true }
      member.memberScores = nil
      return (Ensemble.memberNames([k + 1], of: named), member)
    }
  }

  /// Matches `labels` to the run's rows.
  init(
    name: String, summary: RunSummary, scores: [Float?], cutoffs: [Float], flags: [Bool], alerts: [Bool], trainRows: Int,
    timestamps: [Timestamp], labels: LabelSet, windowsKey: String?
  ) throws {
    self.name = name
    self.summary = summary
    self.scores = scores
    self.cutoffs = cutoffs
    self.flags = flags
    self.alerts = alerts
    self.trainRows = trainRows
    self.timestamps = timestamps

    switch labels.shape {
    case .column(let column):
      let (labelRows, marked) = try labels.columnLabels(column, indexed: summary.isIndexed)
      labelled = timestamps.map { marked.contains($0) }
      key = nil
      // A label column has a row for every time it judges: none on the run's rows is a mismatch.
      let rows = Set(timestamps)
      guard labelRows.contains(where: rows.contains) else {
        throw SeismoError.invalidInput(
          "none of the \(labelRows.count) label rows of \(labels.path) (\(Self.span(labelRows, summary))) is a row of \(name) (\(Self.span(timestamps, summary))); are they the labels of this data?"
        )
      }
      unmatched = Self.missing(
        marked.subtracting(rows), of: marked.count, what: "anomalous label rows", labels: labels.path, folder: name,
        timestamps: timestamps, summary: summary)
    case .windows(let json):
      try Self.requireTimeAxis(summary, of: name, labels: labels.path)
      let windowsName = try windowsKey ?? Self.key(for: summary.source.origin, in: json, labels: labels.path)
      guard let windows = json[windowsName] else {
        throw SeismoError.file(
          path: labels.path,
          message: "no windows for key '\(windowsName)'\(EditDistance.suggestion(for: windowsName, among: Array(json.keys)))")
      }
      let iso = TimestampParser()
      let ranges = try windows.map { pair -> ClosedRange<Timestamp> in
        guard pair.count == 2, let a = iso.parse(pair[0]), let b = iso.parse(pair[1]), a <= b else {
          throw SeismoError.file(path: labels.path, message: "window \(pair) of '\(windowsName)' is not [start, end]")
        }
        return a...b
      }
      labelled = timestamps.map { t in ranges.contains { $0.contains(t) } }
      key = windowsName
      if !ranges.isEmpty, !labelled.contains(true) {
        unmatched =
          "none of the \(ranges.count) windows of '\(windowsName)' in \(labels.path) covers a row of \(self.name) (\(Self.span(timestamps, summary)))"
      } else {
        let empty = ranges.filter { range in !timestamps.contains { range.contains($0) } }
        unmatched = Self.countingForNothing(
          empty.map { "[\(Self.shown($0.lowerBound, summary)), \(Self.shown($0.upperBound, summary))]" },
          of: ranges.count, "windows of '\(windowsName)'", ("covers no row", "cover no row"), labels: labels.path,
          folder: self.name,
          timestamps: timestamps, summary: summary, listing: 3)
      }
    case .timestamps(let marked):
      try Self.requireTimeAxis(summary, of: name, labels: labels.path)
      labelled = timestamps.map { marked.contains($0) }
      key = nil
      if !marked.isEmpty, !labelled.contains(true) {
        unmatched =
          "none of the \(marked.count) labelled times in \(labels.path) (\(Self.span(Array(marked), summary))) is a row of \(name) (\(Self.span(timestamps, summary)))"
      } else {
        unmatched = Self.missing(
          marked.subtracting(timestamps), of: marked.count, what: "labelled times", labels: labels.path, folder: name,
          timestamps: timestamps, summary: summary)
      }
    }
  }

  /// A warning naming the first of `missing`, the labelled times that are no row of the run, out
  /// of `total` (nil when none is missing).
  static func missing(
    _ missing: Set<Timestamp>, of total: Int, what: String, labels: String, folder: String, timestamps: [Timestamp],
    summary: RunSummary
  ) -> String? {
    countingForNothing(
      missing.sorted().map { shown($0, summary) }, of: total, what, ("is not a row", "are not rows"), labels: labels,
      folder: folder, timestamps: timestamps, summary: summary, listing: 5)
  }

  /// "N of the `total` `what` in LABELS `verb` of FOLDER (its span) and count for nothing: …",
  /// naming the first `listing` of `items` (nil when there are none). `verb`: singular, plural.
  static func countingForNothing(
    _ items: [String], of total: Int, _ what: String, _ verb: (one: String, many: String), labels: String,
    folder: String, timestamps: [Timestamp], summary: RunSummary, listing: Int
  ) -> String? {
    guard !items.isEmpty else { return nil }
    let one = items.count == 1
    return
      "\(items.count) of the \(total) \(what) in \(labels) \(one ? verb.one : verb.many) of \(folder) (\(span(timestamps, summary))) and \(one ? "counts" : "count") for nothing: \(items.prefix(listing).joined(separator: ", "))\(items.count > listing ? ", …" : "")"
  }

  /// `first – last` of `times`, as the run prints its rows' times.
  static func span(_ times: [Timestamp], _ summary: RunSummary) -> String {
    guard let first = times.min(), let last = times.max() else { return "none" }
    let withTime = times.contains { $0 % 86_400 != 0 }
    return "\(shown(first, summary, withTime: withTime)) – \(shown(last, summary, withTime: withTime))"
  }

  /// `t` as the run prints its rows' times: a row number, a date, or a date and time.
  static func shown(_ t: Timestamp, _ summary: RunSummary, withTime: Bool? = nil) -> String {
    summary.isIndexed ? "row \(t + 1)" : withTime.map { CivilTime.format(t, withTime: $0) } ?? CivilTime.format(t)
  }

  static func requireTimeAxis(_ summary: RunSummary, of folder: String, labels: String) throws {
    guard !summary.isIndexed else {
      throw SeismoError.invalidInput(
        "\(folder) was read with time_column: none, so its rows have numbers, not timestamps, and the labels in \(labels) cannot be matched; give a --label-column CSV with one row per input row"
      )
    }
  }

  /// The windows key that `origin` (a path) ends with, e.g. realKnownCause/nyc_taxi.csv.
  static func key(for origin: String, in json: [String: [[String]]], labels: String) throws -> String {
    let matches = json.keys.filter { origin.hasSuffix("/" + $0) || origin == $0 }
    guard let key = matches.max(by: { $0.count < $1.count }) else {
      throw SeismoError.file(
        path: labels, message: "no windows key matches the run's source \(origin); name one with --windows-key")
    }
    return key
  }

  /// Whether row `i` is judged in `part`: scored, and in the test part unless `part` is all.
  func judges(_ i: Int, in part: EvaluateCommand.Part) -> Bool { scores[i] != nil && (part == .all || i >= trainRows) }

  /// Point-wise, point-adjusted and event scores over the scored rows of `part`, and NAB scores.
  func report(part: EvaluateCommand.Part, nab: Bool) throws -> EvaluationReport {
    let judged = scores.indices.filter { judges($0, in: part) }
    guard !judged.isEmpty else {
      // Every row trained: only --part all judges its (in-sample) flags.
      let hint = part == .test && scores.contains { $0 != nil } ? "; --part all judges its training rows' flags (in sample)" : ""
      throw SeismoError.invalidInput("\(name) has no scored rows in the \(part.rawValue) part\(hint)")
    }
    let judgedFlags = judged.map { flags[$0] }
    let judgedLabels = judged.map { labelled[$0] }
    // The rule once, not once a row: whether each judged row clears its cut-off by its margin.
    let rule = self.rule
    let clears = judged.map { i in scores[i].map { rule.clears($0, cutoffs[i]) } ?? false }
    let detected = rule.events(judgedFlags, clearsMargin: clears).map { $0.start...$0.end }
    return EvaluationReport(
      part: part.rawValue, rows: Evaluation(flags: judgedFlags, labels: judgedLabels),
      labelledRowsNotJudged: labelled.indices.filter { labelled[$0] && !judges($0, in: part) }.count,
      events: EventMetrics(detected: detected, labelled: EventMetrics.segments(judgedLabels), rows: judged.count),
      nab: nab ? NABScore.Profile.all.map { self.nab($0) } : nil)
  }

  /// The NAB score of the run's alerts (or, with `cutoff`, of the rows scoring above it, grouped
  /// by the run's events rule) over all rows.
  func nab(_ profile: NABScore.Profile, cutoff: Float? = nil) -> NABScore {
    var detections = alerts
    if let cutoff {
      detections = [Bool](repeating: false, count: scores.count)
      let values = scores.map { $0 ?? -.infinity }
      for event in rule.events(scores: values, cutoffs: [Float](repeating: cutoff, count: values.count)) {
        detections[event.alert] = true
      }
    }
    // NAB's probationary period counts every input row, the unstored warm-up of a stored run too.
    let lead = leadingRows
    return NABScore(
      detections: [Bool](repeating: false, count: lead) + detections,
      windows: EventMetrics.segments(labelled).map { ($0.lowerBound + lead)...($0.upperBound + lead) }, profile: profile)
  }
}

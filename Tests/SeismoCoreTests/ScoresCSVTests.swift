import Testing

@testable import SeismoCore

/// `scores.csv` as `ScoresCSV` writes it: a piece of several blocks of rows, formatted a block
/// per thread, gives the bytes its rows give written in small pieces, one after another.
@Suite struct ScoresCSVTests {
  @Test func aPieceOfManyBlocksWritesWhatItsRowsWriteInSmallPieces() throws {
    let n = (1 << 15) * 3 + 1_234
    let unscored = 7  // the first rows have no score
    var generator = SeededGenerator(seed: 5)
    let times = (0..<n).map { Timestamp(1_600_000_000 + 60 * $0) }
    let values = (0..<n).map { _ in Float.random(in: -3...3, using: &generator) }
    let scores = (0..<n - unscored).map { _ in Float.random(in: 0...4, using: &generator) }
    let errors = scores.map { $0 / 3 }
    // Cut-offs in runs of one value, some without one.
    let cutoffs = (0..<n - unscored).map { i in i % 5_000 < 100 ? Float.infinity : Float(1 + i / 5_000) / 4 }
    let alerts = Set((0..<n - unscored).filter { _ in Int.random(in: 0..<50, using: &generator) == 0 })
    let members = (0..<2).map { k in scores.map { k == 1 && $0 < 0.5 ? Float.nan : $0 * Float(k + 1) } }
    func piece(_ rows: Range<Int>) throws -> ScoresCSV.Rows {
      let scored = max(rows.lowerBound, unscored)..<max(rows.upperBound, unscored)
      let s = (scored.lowerBound - unscored)..<(scored.upperBound - unscored)
      return ScoresCSV.Rows(
        frame: try Frame(timestamps: Array(times[rows]), featureNames: ["x"], values: Array(values[rows])),
        trainRows: min(rows.count, max(0, 20_000 - rows.lowerBound)),
        scores: Scores(
          firstRow: scored.lowerBound - rows.lowerBound, values: Array(scores[s]), featureErrors: Array(errors[s]),
          featureCount: 1),
        cutoffs: Array(cutoffs[s]), alerts: Set(alerts.filter { s.contains($0) }.map { $0 - s.lowerBound }),
        members: MemberScores(scores: members.map { Array($0[s]) }, cutoffs: members.map { _ in Array(cutoffs[s]) }))
    }
    func written(_ pieces: [Range<Int>]) throws -> [UInt8] {
      var csv = ScoresCSV(featureNames: ["x"], members: 2)
      var bytes: [UInt8] = []
      for rows in pieces { try csv.write(try piece(rows)) { bytes += $0 } }
      try csv.finish { bytes += $0 }
      return bytes
    }
    let lines = String(decoding: try written([0..<n]), as: UTF8.self).split(separator: "\n")
    let small = try written(stride(from: 0, to: n, by: 1_000).map { $0..<min(n, $0 + 1_000) })
    let expected = String(decoding: small, as: UTF8.self).split(separator: "\n")
    #expect(lines.count == n + 1 && expected.count == n + 1)
    // The first line that differs, if any (comparing the whole texts would print megabytes).
    let differing = zip(lines, expected).enumerated().first { $0.element.0 != $0.element.1 }
    #expect(differing == nil, "line \(differing.map { $0.offset + 1 } ?? 0): \(differing.map { "\($0.element)" } ?? "")")
    // The alert cells: 1 exactly at the alerting scored indices.
    let alerting = lines.dropFirst().enumerated().compactMap { line in
      line.element.split(separator: ",", omittingEmptySubsequences: false)[5] == "1" ? line.offset - unscored : nil
    }
    let sameAlerts = alerting == alerts.sorted()
    #expect(sameAlerts, "\(alerting.count) rows alert, of \(alerts.count) alerts")
    #expect(lines[1] == "2020-09-13 12:26:40,train,,,,,\(values[0]),,,,,")
    #expect(lines[n].hasPrefix("2020-11-21 15:23:40,test,\(scores.last!),\(cutoffs.last!),"))
  }
}

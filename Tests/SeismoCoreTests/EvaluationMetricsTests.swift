import Foundation
import Testing

@testable import SeismoCore

@Suite struct NABScoreTests {
  /// 100 rows (15 probationary), windows 40…49 and 70…79.
  let windows = [40...49, 70...79]

  func detections(_ rows: [Int]) -> [Bool] { (0..<100).map { rows.contains($0) } }

  @Test func probationaryRowsAsNAB() {
    #expect(NABScore.probationaryRows(100) == 15)
    #expect(NABScore.probationaryRows(4032) == 604)
    #expect(NABScore.probationaryRows(22695) == 750)
  }

  @Test func scoredByHand() {
    // Row 10: probationary, ignored. Row 40: the first row of window 1 → +A_TP = 1; row 45 in the
    // same window adds nothing. Row 20: before any window → −0.11. Row 60: 11 rows after window
    // 1 (width 10) → 0.11·σ(11/9) = −0.1095131. Window 2 missed → −1.
    let score = NABScore(detections: detections([10, 20, 40, 45, 60]), windows: windows, profile: .standard)
    #expect(abs(score.raw - -0.2195131013) < 1e-9)
    #expect(score.null == -2 && score.perfect == 2)
    #expect(abs(score.normalized - 44.5121724674) < 1e-8)
    #expect(score.detectedWindows == 1 && score.falsePositives == 2)
    let lowFN = NABScore(detections: detections([10, 20, 40, 45, 60]), windows: windows, profile: .rewardLowFN)
    #expect(abs(lowFN.normalized - 46.3414483116) < 1e-8)
  }

  @Test func lateDetectionsEarnLess() {
    // The last row of a window: σ(−0.1)/σ(−1) = 0.2482415.
    let late = NABScore(detections: detections([49]), windows: [40...49], profile: .standard)
    #expect(abs(late.raw - 0.2482415498) < 1e-9)
    // Null and perfect detectors normalise to 0 and 100.
    #expect(NABScore(detections: detections([]), windows: windows, profile: .standard).normalized == 0)
    #expect(abs(NABScore(detections: detections([40, 70]), windows: windows, profile: .standard).normalized - 100) < 1e-9)
  }

  @Test func windowsInsideTheProbationaryPeriodDoNotCount() {
    let score = NABScore(detections: detections([]), windows: [2...8, 40...49], profile: .standard)
    #expect(score.windows == 1 && score.null == -1)
  }

  @Test func corpusTotalSumsBeforeNormalising() {
    let a = NABScore(detections: detections([40, 70]), windows: windows, profile: .standard)  // 100
    let b = NABScore(detections: detections([]), windows: [40...49], profile: .standard)  // 0
    // (2 + −1 − (−3)) / (3 − (−3)) = 4/6.
    #expect(abs(NABScore.total([a, b]).normalized - 400.0 / 6) < 1e-9)
  }
}

@Suite struct EventMetricsTests {
  @Test func overlappingSegmentsByHand() {
    // Labelled 10…19 and 50…59; detected 5…11 (finds the first), 30…31 and 80…80 (false alarms).
    let m = EventMetrics(detected: [5...11, 30...31, 80...80], labelled: [10...19, 50...59], rows: 200)
    #expect(m.scores.truePositives == 1 && m.scores.falseNegatives == 1 && m.scores.falsePositives == 2)
    #expect(abs(m.scores.precision - 1.0 / 3) < 1e-12 && m.scores.recall == 0.5)
    #expect(abs(m.scores.f1 - 0.4) < 1e-12)
    #expect(m.falseAlarmsPerThousandRows == 10)
    #expect(EventMetrics.segments([false, true, true, false, true]) == [1...2, 4...4])
  }
}

import Testing

@testable import SeismoCore

/// Which folds' training rows hold one value of a feature (`DetectionPipeline.constantFolds`),
/// by hand on a feature that moves, stays, then moves again.
@Suite struct ConstantFeatureTests {
  @Test func foldsWhoseTrainingRowsHoldOneValueAreFound() throws {
    // Rows 0–3 move, rows 3–7 hold 5, rows 8–9 move.
    let values: [Float] = [1, 2, 3, 5, 5, 5, 5, 5, 6, 7]
    let frame = try Frame(timestamps: (0..<10).map { Int64($0) * 86_400 }, featureNames: ["rate"], values: values)
    let folds = [0..<4, 2..<6, 3..<7, 4..<8, 5..<9, 6..<7, 7..<10]
    // 3..<7 and 4..<8 hold 5 only; 2..<6 starts on 3; 6..<7 is one row, which says nothing.
    #expect(DetectionPipeline.constantFolds(of: 0, in: frame, folds: folds) == [2, 3])
    #expect(DetectionPipeline.constantFolds(of: 0, in: frame, folds: [3..<8]) == [0])
    #expect(DetectionPipeline.constantFolds(of: 0, in: frame, folds: [0..<10]).isEmpty)
  }

  @Test func warningsNameTheFirstConstantFoldAndCountTheRest() throws {
    let values: [Float] = [1, 2, 3, 5, 5, 5, 5, 5, 6, 7]
    let frame = try Frame(timestamps: (0..<10).map { Int64($0) * 86_400 }, featureNames: ["rate"], values: values)
    #expect(
      DetectionPipeline.trainingWarnings(frame, folds: [0..<4, 3..<7, 4..<8, 6..<9], trainRows: 4) == [
        "warning: rate has one value (5.0) in every training row of fold 2 of 4 (1970-01-04 – 1970-01-07), and one value in those of 1 later fold: the detector learns nothing of it, and judges any later change against no spread"
      ])
    #expect(
      DetectionPipeline.trainingWarnings(frame, folds: [3..<8], trainRows: 8) == [
        "warning: rate has one value (5.0) in every training row (1970-01-04 – 1970-01-08): the detector learns nothing of it, and judges any later change against no spread"
      ])
  }

  /// More than three features constant in the same training rows share one warning, with each
  /// one's value; three are named one by one.
  @Test func manyConstantFeaturesShareAWarning() throws {
    func frame(constant: Int) throws -> Frame {
      // Features 0 ..< constant hold 10 + j in the 8 training rows; the last one moves.
      try Frame(
        timestamps: (0..<10).map { Int64($0) * 86_400 }, featureNames: (0...constant).map { "f\($0)" },
        values: (0..<10).flatMap { r in (0..<constant).map { Float(10 + $0) } + [Float(r)] })
    }
    #expect(
      DetectionPipeline.trainingWarnings(try frame(constant: 4), folds: [0..<8], trainRows: 8) == [
        "warning: 4 of 5 features have one value each in every training row (1970-01-01 – 1970-01-08): the detector learns nothing of them, and judges any later change against no spread: f0 (10.0), f1 (11.0), f2 (12.0), f3 (13.0)"
      ])
    let three = DetectionPipeline.trainingWarnings(try frame(constant: 3), folds: [0..<8], trainRows: 8)
    #expect(three.count == 3 && three[2].hasPrefix("warning: f2 has one value (12.0) in every training row"), "\(three)")
  }
}

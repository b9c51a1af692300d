/// A set of samples stored batch-major, `[N, L, D]` (N = `count`, L = `steps`, D = `features`),
/// as Keras takes them. Targets of a forecaster are `[N, 1, D]`. Batches are gathered from it as
/// time-major `TimeMajorTensor`s.
public struct BatchMajorSamples: Sendable {
  public let steps: Int
  public let features: Int
  public let count: Int
  public let values: [Float]

  public init(values: [Float], steps: Int, features: Int) {
    precondition(steps > 0 && features > 0 && values.count % (steps * features) == 0, "values do not fill whole samples")
    self.values = values
    self.steps = steps
    self.features = features
    self.count = values.count / (steps * features)
  }

  /// Samples `indices`, as a time-major tensor.
  func gather<C: Collection>(_ indices: C) -> TimeMajorTensor where C.Element == Int {
    let span = steps * features
    var data = [Float](repeating: 0, count: indices.count * span)
    let batch = indices.count
    values.withUnsafeBufferPointer { src in
      data.withUnsafeMutableBufferPointer { dst in
        for (b, sample) in indices.enumerated() {
          for t in 0..<steps {
            (dst.baseAddress! + (t * batch + b) * features).update(
              from: src.baseAddress! + sample * span + t * features, count: features)
          }
        }
      }
    }
    return TimeMajorTensor(steps: steps, batch: batch, features: features, data: data)
  }

  /// Samples `range` as a new set.
  public func slice(_ range: Range<Int>) -> BatchMajorSamples {
    let span = steps * features
    return BatchMajorSamples(
      values: Array(values[range.lowerBound * span..<range.upperBound * span]), steps: steps, features: features)
  }
}

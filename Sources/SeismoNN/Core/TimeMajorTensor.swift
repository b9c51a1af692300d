/// A batch of sequences in time-major layout, `[L, N, D]`: element (t, n, d) lives at
/// `data[(t * batch + n) * features + d]`.
///
/// Shapes in SeismoNN use one notation, as mlx-swift's MLXNN does: N batch, L steps (time), D
/// features, H units, O outputs; the type name says the layout. Time-major keeps each step's
/// `[N, D]` block contiguous, which is what the LSTM's per-step matrix products want. Training
/// data comes batch-major (`BatchMajorSamples`, `[N, L, D]`, as Keras) and is gathered into this
/// layout per batch. A vector batch (an LSTM's last state, a Dense output) has L = 1.
///
/// `isRepeated` marks RepeatVector's output: every step holds the same values, and only one step
/// is stored. An LSTM reading such an input projects it once per window, not once per step.
public struct TimeMajorTensor: Sendable, Equatable {
  public var steps: Int
  public var batch: Int
  public var features: Int
  public var isRepeated: Bool
  /// `storedSteps * batch * features` values.
  public var data: [Float]

  /// Steps actually stored: 1 when repeated.
  public var storedSteps: Int { isRepeated ? 1 : steps }
  /// Rows of the stored `(rows, features)` matrix.
  public var rows: Int { storedSteps * batch }

  public init(steps: Int, batch: Int, features: Int, data: [Float], isRepeated: Bool = false) {
    precondition(data.count == (isRepeated ? 1 : steps) * batch * features, "tensor data does not match its shape")
    self.steps = steps
    self.batch = batch
    self.features = features
    self.data = data
    self.isRepeated = isRepeated
  }

  public init(zeros steps: Int, batch: Int, features: Int) {
    self.init(steps: steps, batch: batch, features: features, data: [Float](repeating: 0, count: steps * batch * features))
  }

  /// No values: what a layer keeps when it keeps nothing.
  public static let empty = TimeMajorTensor(zeros: 0, batch: 0, features: 0)

  /// From batch-major `[N, L, D]` values.
  public init(batchMajor values: UnsafeBufferPointer<Float>, batch: Int, steps: Int, features: Int) {
    precondition(values.count == batch * steps * features)
    var data = [Float](repeating: 0, count: values.count)
    data.withUnsafeMutableBufferPointer { out in
      for b in 0..<batch {
        for t in 0..<steps {
          let src = (b * steps + t) * features
          let dst = (t * batch + b) * features
          for f in 0..<features { out[dst + f] = values[src + f] }
        }
      }
    }
    self.init(steps: steps, batch: batch, features: features, data: data)
  }

  public init(batchMajor values: [Float], batch: Int, steps: Int, features: Int) {
    self = values.withUnsafeBufferPointer { TimeMajorTensor(batchMajor: $0, batch: batch, steps: steps, features: features) }
  }

  /// The values as batch-major `[N, L, D]`.
  public func batchMajor() -> [Float] {
    let full = materialized()
    var out = [Float](repeating: 0, count: full.data.count)
    for b in 0..<batch {
      for t in 0..<steps {
        let src = (t * batch + b) * features
        let dst = (b * steps + t) * features
        for f in 0..<features { out[dst + f] = full.data[src + f] }
      }
    }
    return out
  }

  /// A copy with every step stored (undoes `isRepeated`).
  public func materialized() -> TimeMajorTensor {
    guard isRepeated else { return self }
    var data: [Float] = []
    data.reserveCapacity(steps * self.data.count)
    for _ in 0..<steps { data.append(contentsOf: self.data) }
    return TimeMajorTensor(steps: steps, batch: batch, features: features, data: data)
  }
}

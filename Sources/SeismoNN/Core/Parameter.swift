/// A trainable weight tensor, shared by every replica of a model.
///
/// Shapes follow Keras: an LSTM kernel is `(input, 4·units)`, its recurrent kernel
/// `(units, 4·units)`, a Dense kernel `(input, output)`; biases are vectors.
public final class Parameter: @unchecked Sendable {
  public let name: String
  public let shape: [Int]
  /// Row-major values. Written only by the optimizer and by loading weights, never during a
  /// forward or backward pass (replicas read it concurrently).
  public var value: [Float]

  public init(name: String, shape: [Int], value: [Float]) {
    precondition(value.count == shape.reduce(1, *), "parameter \(name): \(value.count) values for shape \(shape)")
    self.name = name
    self.shape = shape
    self.value = value
  }

  public var count: Int { value.count }
}

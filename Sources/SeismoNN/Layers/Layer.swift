import SeismoSupport

/// One layer of a `Sequential` model. Shapes: N batch, L steps, D features, H units
/// (`TimeMajorTensor`); every layer reads and writes time-major `[L, N, ·]`.
///
/// A layer keeps what its backward pass needs from the last forward pass, and accumulates
/// gradients of its parameters until `zeroGradients`. `replica()` makes a twin that shares the
/// parameters but has its own caches and gradients, so shards of a batch can run on separate
/// threads.
public protocol Layer: AnyObject {
  /// Trainable parameters, in a fixed order.
  var parameters: [Parameter] { get }
  /// Gradients, parallel to `parameters`.
  var gradients: [[Float]] { get set }

  /// - Parameters:
  ///   - x: input `[L, N, D]`, the layer's to keep or change (`Sequential` hands it over, so a
  ///     change in place copies nothing).
  ///   - mode: training (dropout active) or inference, with the random source for dropout.
  func forward(_ x: consuming TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor

  /// Given the loss gradient w.r.t. the last output, accumulates parameter gradients and returns
  /// the gradient w.r.t. the last input, or nil without computing it when `inputGradient` is
  /// false (a model's first layer in training, whose input gradient nothing uses).
  func backward(_ dy: consuming TimeMajorTensor, inputGradient: Bool) -> TimeMajorTensor?

  func replica() -> Layer
}

extension Layer {
  /// `backward(dy, inputGradient: true)`: parameter gradients and the input gradient.
  public func backward(_ dy: TimeMajorTensor) -> TimeMajorTensor { backward(dy, inputGradient: true)! }

  public func zeroGradients() {
    for i in gradients.indices { gradients[i].prepare(gradients[i].count, zero: true) }
  }
}

/// Training or inference, with the dropout random source.
public struct ForwardMode {
  public var training: Bool
  public var random: SeededGenerator

  public static func inference() -> ForwardMode { ForwardMode(training: false, random: SeededGenerator(seed: 0)) }

  public init(training: Bool, random: SeededGenerator) {
    self.training = training
    self.random = random
  }
}

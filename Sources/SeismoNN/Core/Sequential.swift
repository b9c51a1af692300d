import SeismoSupport

/// A stack of layers applied in order, as Keras's `Sequential`.
public final class Sequential {
  public let layers: [Layer]

  /// Layer names (`encoder`, as Keras names them) label parameters in messages; saved weights
  /// are keyed by position (`parameterKeys`).
  public init(_ layers: [Layer]) { self.layers = layers }

  /// Every trainable parameter, in layer order.
  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  /// Gradients parallel to `parameters`.
  public var gradients: [[Float]] { layers.flatMap(\.gradients) }

  /// Number of trainable scalars.
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Each layer is handed its input to keep (`consume`), so a layer that changes it element by
  /// element, such as Dropout, changes it in place rather than in a copy (unless the layer before
  /// keeps it too).
  public func forward(_ x: consuming TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor {
    var current = x
    for layer in layers { current = layer.forward(consume current, mode: &mode) }
    return current
  }

  /// Backpropagates `dy` (the loss gradient w.r.t. the last output), accumulating gradients.
  /// - Returns: the gradient w.r.t. the model's input, or nil when `inputGradient` is false: the
  ///   first layer then skips that product (training never uses it).
  @discardableResult
  public func backward(_ dy: consuming TimeMajorTensor, inputGradient: Bool = true) -> TimeMajorTensor? {
    var gradient = dy
    for (index, layer) in layers.enumerated().reversed() {
      guard let next = layer.backward(consume gradient, inputGradient: inputGradient || index > 0) else { return nil }
      gradient = next
    }
    return gradient
  }

  public func zeroGradients() { for layer in layers { layer.zeroGradients() } }

  /// A twin sharing every parameter, with its own caches and gradients (for another thread).
  public func replica() -> Sequential { Sequential(layers.map { $0.replica() }) }
}

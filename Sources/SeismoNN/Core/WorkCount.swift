/// The arithmetic a network does, counted from its layer shapes: the floating-point operations of
/// its matrix products (a multiply-add is 2), which is the real work benchmarks divide by time.
/// Element-wise work (gate activations, the cell update, losses) is left out: it is a few
/// percent of the products for these shapes, and leaving it out never flatters.
public enum WorkCount {
  /// Forward FLOPs for one window of `steps` steps through `model`.
  ///
  /// LSTM(D → H) per step: the input and recurrent products, 2 · 4H · D + 2 · 4H · H; an input
  /// repeated at every step (after a RepeatVector) is projected once per window, as the layer
  /// does. Dense(D → O) per step: 2 · D · O. RepeatVector and Dropout do no products. Steps flow
  /// through the layers: an LSTM that returns only its last output passes on one step, a
  /// RepeatVector `steps` repeated steps.
  public static func forwardFLOPs(_ model: Sequential, steps: Int) -> Double {
    var flops = 0.0
    var current = Double(steps)
    var repeated = false
    for layer in model.layers {
      switch layer {
      case let lstm as LSTM:
        flops += (repeated ? 1 : current) * inputProduct(lstm) + current * 8 * Double(lstm.units * lstm.units)
        if !lstm.returnSequences { current = 1 }
        repeated = false
      case let dense as Dense:
        flops += current * product(dense)  // no hoisting in Dense
      case let repeater as RepeatVector:
        current = Double(repeater.steps)
        repeated = true
      default:
        break
      }
    }
    return flops
  }

  /// Training FLOPs for one window: the forward products plus the backward pass's two (the
  /// gradients with respect to the inputs and to the weights, each as large as the forward one),
  /// less the first layer's input gradient, which training skips (as Keras does: nothing uses it).
  public static func trainingFLOPs(_ model: Sequential, steps: Int) -> Double {
    let skipped: Double
    switch model.layers.first {
    case let lstm as LSTM: skipped = Double(steps) * inputProduct(lstm)
    case let dense as Dense: skipped = Double(steps) * product(dense)
    default: skipped = 0
    }
    return 3 * forwardFLOPs(model, steps: steps) - skipped
  }

  /// An LSTM step's input product, x·W: 2 · 4H · D.
  private static func inputProduct(_ lstm: LSTM) -> Double { 8 * Double(lstm.units * lstm.inputSize) }

  /// A Dense layer's product for one step: 2 · D · O.
  private static func product(_ dense: Dense) -> Double { 2 * Double(dense.inputSize * dense.outputSize) }
}

import CSeismoKernels

extension ActivationFunction {
  /// This activation as the C kernels name it.
  var cellActivation: SeismoCellActivation {
    switch self {
    case .tanh: SeismoCellTanh
    case .relu: SeismoCellRelu
    case .sigmoid: SeismoCellSigmoid
    case .linear: SeismoCellLinear
    }
  }

  /// Applies the activation in place to `count` values; tanh and sigmoid by the kernels'
  /// exp-free approximation, as the LSTM computes them.
  func apply(to values: UnsafeMutablePointer<Float>, count: Int) {
    switch self {
    case .tanh: seismo_tanh(values, count)
    case .sigmoid: seismo_sigmoid(values, count)
    case .relu: for i in 0..<count where values[i] < 0 { values[i] = 0 }
    case .linear: break
    }
  }
}

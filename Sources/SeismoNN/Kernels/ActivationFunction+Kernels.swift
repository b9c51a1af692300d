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
}

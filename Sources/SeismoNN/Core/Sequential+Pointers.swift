extension Sequential {
  /// Lends `body` the first element of every parameter's weights (`weights[p]`, in `parameters`
  /// order) and of each model's gradient for it (`gradients[r][p]`: r = 0 this model, then
  /// `replicas`, which share its parameters). The pointers are valid during the call, when
  /// nothing else may read or write these arrays; threads `body` waits for may use them.
  func withParameterPointers(
    replicas: ArraySlice<Sequential>,
    _ body: (_ weights: [UnsafeMutablePointer<Float>], _ gradients: [[UnsafeMutablePointer<Float>]]) -> Void
  ) {
    let parameters = parameters
    let models = [self] + replicas
    var pointers: [UnsafeMutablePointer<Float>] = []
    // Each array is opened inside the one before, so all are open when `body` runs: first the
    // weights, then each model's gradients, a layer's arrays inside one access to the layer's.
    func openWeights(_ p: Int) {
      guard p < parameters.count else { return openGradients(model: 0, layer: 0) }
      parameters[p].value.withUnsafeMutableBufferPointer {
        pointers.append($0.baseAddress!)
        openWeights(p + 1)
      }
    }
    func openGradients(model r: Int, layer l: Int) {
      guard r < models.count else {
        let count = parameters.count
        return body(Array(pointers[..<count]), models.indices.map { Array(pointers[(count * ($0 + 1))...].prefix(count)) })
      }
      guard l < layers.count else { return openGradients(model: r + 1, layer: 0) }
      models[r].layers[l].gradients.withUnsafeMutableBufferPointer { arrays in
        func open(_ i: Int) {
          guard i < arrays.count else { return openGradients(model: r, layer: l + 1) }
          arrays[i].withUnsafeMutableBufferPointer {
            pointers.append($0.baseAddress!)
            open(i + 1)
          }
        }
        open(0)
      }
    }
    openWeights(0)
  }
}

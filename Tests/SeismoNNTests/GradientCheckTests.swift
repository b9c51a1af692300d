import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// Backpropagation through time against central finite differences.
///
/// The engine is Float32, so the check uses a smooth loss (MSE against a fixed target), a step
/// of 1e-2 (1e-3 across relu kinks) and a tolerance of 2e-3 + 3 % of the gradient's size. Dropout is checked in training
/// mode with the same mask for every evaluation (the same seed).
@Suite struct GradientCheckTests {
  struct Problem {
    var model: Sequential
    var input: TimeMajorTensor
    var target: [Float]
  }

  static func loss(_ p: Problem, gradient: Bool) -> Double {
    var mode = ForwardMode(training: true, random: SeededGenerator(seed: 99))
    let y = p.model.forward(p.input, mode: &mode)
    var dy: [Float] = []
    let value = Loss.mse.evaluate(prediction: y.data, target: p.target, normalizer: Float(y.data.count), gradient: &dy)
    if gradient {
      p.model.zeroGradients()
      p.model.backward(TimeMajorTensor(steps: y.steps, batch: y.batch, features: y.features, data: dy))
    }
    return value / Double(y.data.count)
  }

  /// Largest violation of |analytic − numeric| ≤ 2e-3 + 0.03·max(|a|, |n|) over sampled entries
  /// of every parameter; ≤ 0 means every checked entry passes.
  static func worstViolation(_ p: Problem, samplesPerParameter: Int = 24, eps: Float = 1e-2) -> (Double, String) {
    _ = loss(p, gradient: true)
    let analytic = p.model.gradients
    var worst = (-Double.infinity, "")
    var random = SeededGenerator(seed: 5)
    for (index, parameter) in p.model.parameters.enumerated() {
      let picks =
        parameter.count <= samplesPerParameter
        ? Array(0..<parameter.count) : (0..<samplesPerParameter).map { _ in Int(random.next() % UInt64(parameter.count)) }
      for k in picks {
        let original = parameter.value[k]
        parameter.value[k] = original + eps
        let plus = loss(p, gradient: false)
        parameter.value[k] = original - eps
        let minus = loss(p, gradient: false)
        parameter.value[k] = original
        let numeric = (plus - minus) / Double(2 * eps)
        let a = Double(analytic[index][k])
        let violation = abs(a - numeric) - (2e-3 + 0.03 * max(abs(a), abs(numeric)))
        if violation > worst.0 { worst = (violation, "\(parameter.name)[\(k)]: analytic \(a), numeric \(numeric)") }
      }
    }
    return worst
  }

  static func problem(
    _ model: Sequential, batch: Int, steps: Int, features: Int, outSteps: Int, outFeatures: Int, seed: UInt64 = 1
  )
    -> Problem
  {
    var random = SeededGenerator(seed: seed)
    let x = (0..<batch * steps * features).map { _ in Float(random.nextGaussian()) }
    let target = (0..<batch * outSteps * outFeatures).map { _ in Float(random.nextGaussian() * 0.5) }
    return Problem(
      model: model, input: TimeMajorTensor(batchMajor: x, batch: batch, steps: steps, features: features), target: target)
  }

  @Test func lstmLastStateTanh() {
    var r = SeededGenerator(seed: 2)
    let m = Sequential([LSTM(inputSize: 3, units: 5, random: &r)])
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 4, steps: 6, features: 3, outSteps: 1, outFeatures: 5))
    #expect(worst <= 0, "\(at)")
  }

  @Test func lstmFullAndPartialLaneGroups() {
    // 11 units: one group of 8 lanes and one of 3 in the fused cell kernels.
    var r = SeededGenerator(seed: 8)
    let m = Sequential([LSTM(inputSize: 2, units: 11, returnSequences: true, random: &r)])
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 3, steps: 4, features: 2, outSteps: 4, outFeatures: 11))
    #expect(worst <= 0, "\(at)")
  }

  @Test func lstmSequencesRelu() {
    var r = SeededGenerator(seed: 3)
    let m = Sequential([LSTM(inputSize: 2, units: 4, returnSequences: true, activation: .relu, random: &r)])
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 3, steps: 5, features: 2, outSteps: 5, outFeatures: 4))
    #expect(worst <= 0, "\(at)")
  }

  @Test func denseAndDropout() {
    var r = SeededGenerator(seed: 4)
    let m = Sequential([
      Dense(inputSize: 3, outputSize: 4, name: "dense1", random: &r), Dropout(rate: 0.3),
      Dense(inputSize: 4, outputSize: 2, name: "dense2", random: &r),
    ])
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 5, steps: 2, features: 3, outSteps: 2, outFeatures: 2))
    #expect(worst <= 0, "\(at)")
  }

  @Test func seedAutoencoderGraph() {
    let m = Architectures.lstmAutoencoder(features: 2, steps: 7, units: 6, seed: 11)
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 3, steps: 7, features: 2, outSteps: 7, outFeatures: 2))
    #expect(worst <= 0, "\(at)")
  }

  @Test func seedForecasterGraph() {
    let m = Architectures.lstmForecaster(features: 3, units: [6, 4], outputs: 3, activation: .relu, seed: 12)
    // relu has kinks: a smaller step keeps the difference quotient on one side of them.
    let (worst, at) = Self.worstViolation(
      Self.problem(m, batch: 4, steps: 5, features: 3, outSteps: 1, outFeatures: 3), eps: 1e-3)
    #expect(worst <= 0, "\(at)")
  }

  @Test func univariateGraph() {
    let m = Architectures.lstmForecaster(features: 1, units: [5, 7], outputs: 1, activation: .tanh, seed: 13)
    let (worst, at) = Self.worstViolation(Self.problem(m, batch: 3, steps: 8, features: 1, outSteps: 1, outFeatures: 1))
    #expect(worst <= 0, "\(at)")
  }

  /// Training skips the first layer's input gradient; the parameter gradients are the same.
  @Test func skippingTheInputGradientKeepsParameterGradients() throws {
    for (model, outSteps) in [
      (Architectures.lstmAutoencoder(features: 2, steps: 5, units: 4, dropout: 0, seed: 3), 5),
      (Architectures.lstmForecaster(features: 2, units: [4, 3], outputs: 2, activation: .tanh, dropout: 0, seed: 4), 1),
    ] {
      let p = Self.problem(model, batch: 3, steps: 5, features: 2, outSteps: outSteps, outFeatures: 2)
      var mode = ForwardMode(training: true, random: SeededGenerator(seed: 0))
      let y = model.forward(p.input, mode: &mode)
      var dy: [Float] = []
      _ = Loss.mse.evaluate(prediction: y.data, target: p.target, normalizer: Float(y.data.count), gradient: &dy)
      let gradient = TimeMajorTensor(steps: y.steps, batch: y.batch, features: y.features, data: dy)
      model.zeroGradients()
      let full = try #require(model.backward(gradient))
      #expect(full.data.count == p.input.data.count)
      let withInput = model.gradients
      model.zeroGradients()
      #expect(model.backward(gradient, inputGradient: false) == nil)
      #expect(model.gradients == withInput)
    }
  }

  /// `LSTM.backward` runs the steps in chunks (`LSTM.chunkSteps`); with 130 windows a chunk is
  /// one step. Gradients are sums over windows, so they must equal the sums of the gradients of
  /// five batches of 26 windows, which backward runs as one chunk each; the input gradients must
  /// equal the batches' ones.
  @Test func backwardInChunksOfStepsMatchesOneChunk() throws {
    #expect(LSTM.chunkSteps(batch: 130) == 1 && LSTM.chunkSteps(batch: 26) >= 6)
    for (model, outSteps) in [
      (Architectures.lstmAutoencoder(features: 2, steps: 6, units: 4, dropout: 0, seed: 7), 6),
      (Architectures.lstmForecaster(features: 2, units: [4, 3], outputs: 2, activation: .tanh, dropout: 0, seed: 8), 1),
    ] {
      var random = SeededGenerator(seed: 9)
      let x = (0..<130 * 6 * 2).map { _ in Float(random.nextGaussian()) }
      let target = (0..<130 * outSteps * 2).map { _ in Float(random.nextGaussian() * 0.5) }
      /// Parameter gradients and batch-major input gradient of windows `windows`, with the loss
      /// normalised as for all 130.
      func gradients(_ windows: Range<Int>) throws -> ([[Float]], [Float]) {
        let input = TimeMajorTensor(
          batchMajor: Array(x[windows.lowerBound * 12..<windows.upperBound * 12]), batch: windows.count, steps: 6, features: 2)
        var mode = ForwardMode(training: true, random: SeededGenerator(seed: 0))
        let y = model.forward(input, mode: &mode)
        let yTarget = TimeMajorTensor(
          batchMajor: Array(target[windows.lowerBound * outSteps * 2..<windows.upperBound * outSteps * 2]),
          batch: windows.count, steps: outSteps, features: 2)
        var dy: [Float] = []
        _ = Loss.mse.evaluate(prediction: y.data, target: yTarget.data, normalizer: Float(target.count), gradient: &dy)
        model.zeroGradients()
        let dx = try #require(model.backward(TimeMajorTensor(steps: y.steps, batch: y.batch, features: y.features, data: dy)))
        return (model.gradients, dx.batchMajor())
      }
      let (whole, wholeDx) = try gradients(0..<130)
      var summed = whole.map { [Float](repeating: 0, count: $0.count) }
      var batchesDx: [Float] = []
      for start in stride(from: 0, to: 130, by: 26) {
        let (part, partDx) = try gradients(start..<start + 26)
        for (i, g) in part.enumerated() { for k in g.indices { summed[i][k] += g[k] } }
        batchesDx += partDx
      }
      for (a, b) in zip(whole + [wholeDx], summed + [batchesDx]) {
        let scale = max(a.map(abs).max() ?? 0, 1e-3)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * scale }, "\(zip(a, b).map { abs($0 - $1) }.max() ?? 0) of \(scale)")
      }
    }
  }

  @Test func inputGradientOfLSTM() throws {
    // dL/dx through an LSTM, checked on the input itself.
    var r = SeededGenerator(seed: 6)
    let m = Sequential([LSTM(inputSize: 2, units: 3, returnSequences: true, random: &r)])
    var p = Self.problem(m, batch: 2, steps: 4, features: 2, outSteps: 4, outFeatures: 3)
    var mode = ForwardMode(training: true, random: SeededGenerator(seed: 0))
    let y = m.forward(p.input, mode: &mode)
    var dy: [Float] = []
    _ = Loss.mse.evaluate(prediction: y.data, target: p.target, normalizer: Float(y.data.count), gradient: &dy)
    m.zeroGradients()
    let dx = try #require(m.backward(TimeMajorTensor(steps: y.steps, batch: y.batch, features: y.features, data: dy)))
    for k in 0..<p.input.data.count {
      let original = p.input.data[k]
      p.input.data[k] = original + 1e-2
      let plus = Self.loss(p, gradient: false)
      p.input.data[k] = original - 1e-2
      let minus = Self.loss(p, gradient: false)
      p.input.data[k] = original
      let numeric = (plus - minus) / 2e-2
      #expect(abs(Double(dx.data[k]) - numeric) <= 2e-3 + 0.03 * abs(numeric))
    }
  }
}

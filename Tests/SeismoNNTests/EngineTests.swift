import Foundation
import Testing

@testable import SeismoNN
@testable import SeismoSupport

@Suite struct OptimizerTests {
  @Test func adamFirstStepsMatchHandComputation() {
    // Keras 3 Adam, lr 0.1: step 1 with g = 0.5: m = 0.05, v = 0.00025, α = 0.1·√0.001/0.1,
    // w ← 1 − α·m/(√v + ε) = 1 − 0.1·(0.05/0.1)·√0.001/(√0.00025 + 1e-7) ≈ 0.9 (direction-only).
    let p = Parameter(name: "w", shape: [1], value: [1])
    let adam = Adam(learningRate: 0.1)
    adam.step([p], gradients: [[0.5]])
    let m1 = 0.05
    let v1 = 0.00025
    let alpha1 = 0.1 * (1 - 0.999).squareRoot() / (1 - 0.9)
    let w1 = 1 - alpha1 * m1 / (v1.squareRoot() + 1e-7)
    #expect(abs(Double(p.value[0]) - w1) < 1e-6)
    adam.step([p], gradients: [[-0.2]])
    let m2 = m1 + (-0.2 - m1) * 0.1
    let v2 = v1 + (0.04 - v1) * 0.001
    let alpha2 = 0.1 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.81)
    #expect(abs(Double(p.value[0]) - (w1 - alpha2 * m2 / (v2.squareRoot() + 1e-7))) < 1e-6)
  }

  @Test func rmspropMatchesHandComputation() {
    let p = Parameter(name: "w", shape: [2], value: [1, -1])
    let rms = RMSprop(learningRate: 0.01)
    rms.step([p], gradients: [[0.3, 0]])
    let v = 0.1 * 0.09
    #expect(abs(Double(p.value[0]) - (1 - 0.01 * 0.3 / (v + 1e-7).squareRoot())) < 1e-6)
    #expect(p.value[1] == -1)
  }

  /// An optimizer moved to a model of another size starts afresh: its first step there is a
  /// new optimizer's first step (Adam's bias correction restarts with its moments).
  @Test func anotherModelSizeStartsAfresh() {
    let used = Adam(learningRate: 0.1)
    used.step([Parameter(name: "w", shape: [1], value: [1])], gradients: [[0.5]])
    let (a, b) = (Parameter(name: "a", shape: [2], value: [1, 2]), Parameter(name: "b", shape: [2], value: [1, 2]))
    used.step([a], gradients: [[0.3, -0.4]])
    Adam(learningRate: 0.1).step([b], gradients: [[0.3, -0.4]])
    #expect(a.value == b.value && a.value != [1, 2])
  }

  /// A step in pieces, in any order (as a trainer's threads take them), gives the bits of one
  /// whole step: each piece finds its own elements' state.
  @Test(arguments: [OptimizerKind.adam, .rmsprop])
  func piecesInAnyOrderMatchOneWholeStep(kind: OptimizerKind) {
    var random = SeededGenerator(seed: 5)
    let shapes = [37, 50]
    func parameters() -> [Parameter] {
      var random = SeededGenerator(seed: 9)
      return shapes.map { n in
        Parameter(name: "p", shape: [n], value: (0..<n).map { _ in Float.random(in: -1...1, using: &random) })
      }
    }
    let steps = (0..<3).map { _ in shapes.map { n in (0..<n).map { _ in Float.random(in: -1...1, using: &random) } } }
    let (whole, pieces) = (parameters(), parameters())
    let (one, split) = (kind.make(learningRate: 0.01), kind.make(learningRate: 0.01))
    for gradients in steps {
      one.step(whole, gradients: gradients)
      split.beginStep(elements: 87)
      // Second parameter's tail, first's head, second's head, first's tail: (offset, parameter, start, end).
      for (offset, p, start, end) in [(37, 1, 10, 50), (0, 0, 0, 20), (37, 1, 0, 10), (0, 0, 20, 37)] {
        pieces[p].value.withUnsafeMutableBufferPointer { w in
          gradients[p].withUnsafeBufferPointer { g in
            split.update(
              (offset + start)..<(offset + end), weights: w.baseAddress! + start, gradients: g.baseAddress! + start)
          }
        }
      }
    }
    #expect(whole.map(\.value) == pieces.map(\.value))
    #expect(whole[0].value != parameters()[0].value, "the steps moved the weights")
  }
}

@Suite struct InitializerTests {
  @Test func orthogonalRowsAreOrthonormal() {
    var r = SeededGenerator(seed: 1)
    let (rows, cols) = (8, 32)
    let q = Initializers.orthogonal(rows: rows, columns: cols, random: &r)
    for a in 0..<rows {
      for b in 0..<rows {
        let dot = (0..<cols).reduce(0.0) { $0 + Double(q[a * cols + $1] * q[b * cols + $1]) }
        #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5)
      }
    }
  }

  @Test func glorotLimitAndForgetBias() {
    var r = SeededGenerator(seed: 1)
    let w = Initializers.glorotUniform(fanIn: 10, fanOut: 40, random: &r)
    let limit = Float((6.0 / 50).squareRoot())
    #expect(w.allSatisfy { abs($0) <= limit })
    #expect(w.max()! > limit * 0.9)
    let lstm = LSTM(inputSize: 2, units: 3, random: &r)
    #expect(lstm.bias.value == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
  }
}

@Suite struct TrainerTests {
  /// Windows of a noisy sine for a small autoencoder.
  static func sineWindows(count: Int, steps: Int) -> BatchMajorSamples {
    var values: [Float] = []
    for w in 0..<count {
      for t in 0..<steps { values.append(Float(sin(Double(w + t) * 0.2))) }
    }
    return BatchMajorSamples(values: values, steps: steps, features: 1)
  }

  static func train(seed: UInt64, threads: Int = 2, epochs: Int = 3) throws -> (Trainer, [EpochRecord]) {
    let data = sineWindows(count: 200, steps: 10)
    let model = Architectures.lstmAutoencoder(features: 1, steps: 10, units: 8, seed: seed)
    var options = TrainingOptions()
    options.epochs = epochs
    options.seed = seed
    options.threads = threads
    let trainer = Trainer(model: model, loss: .mae, optimizer: Adam(learningRate: 0.01), options: options)
    return (trainer, try trainer.fit(inputs: data, targets: data))
  }

  @Test func lossFallsAndValidationIsReported() throws {
    let (_, history) = try Self.train(seed: 1, epochs: 8)
    #expect(history.count == 8)
    #expect(history.last!.loss < history.first!.loss * 0.7)
    #expect(history.allSatisfy { $0.validationLoss != nil })
  }

  @Test func sameSeedSameLossesAndWeights() throws {
    let (a, ha) = try Self.train(seed: 7)
    let (b, hb) = try Self.train(seed: 7)
    let (c, _) = try Self.train(seed: 8)
    #expect(ha.map(\.loss) == hb.map(\.loss))
    #expect(ha.map(\.validationLoss) == hb.map(\.validationLoss))
    #expect(a.model.parameters.map(\.value) == b.model.parameters.map(\.value))
    #expect(a.model.parameters.map(\.value) != c.model.parameters.map(\.value))
  }

  /// Threads take batches as they come free; each sample's output is its own forward pass,
  /// whatever the threads, the batch size or the batch the sample fell in.
  @Test func predictionsAreEachSamplesOwnForwardPass() throws {
    let (trainer, _) = try Self.train(seed: 3, threads: 2, epochs: 1)
    let samples = Self.sineWindows(count: 75, steps: 10)  // two whole batches of 32 and 11 more
    let predicted = trainer.predict(samples)
    #expect(predicted.count == 75 && predicted.steps == 10 && predicted.features == 1)
    var options = TrainingOptions()
    options.threads = 1
    let single = Trainer(model: trainer.model, loss: .mae, optimizer: Adam(), options: options)
    #expect(single.predict(samples, batchSize: 7).values == predicted.values)
    var mode = ForwardMode.inference()
    let last = trainer.model.forward(samples.gather(74..<75), mode: &mode).batchMajor()
    #expect(Array(predicted.values[(74 * 10)...]) == last)
  }

  @Test func shardedGradientsEqualSingleThreadGradients() throws {
    // One batch: the sum of two shards' gradients equals the whole batch's, up to rounding. The
    // model's 4,385 elements make a step of 4 pieces, whose bounds fall inside parameters.
    let data = Self.sineWindows(count: 16, steps: 6)
    func gradients(threads: Int) throws -> [Float] {
      let model = Architectures.lstmForecaster(features: 1, units: [32], outputs: 1, activation: .tanh, dropout: 0, seed: 3)
      var options = TrainingOptions()
      options.threads = threads
      options.epochs = 1
      options.batchSize = 16
      options.validationSplit = 0
      let optimizer = CapturingOptimizer()
      let trainer = Trainer(model: model, loss: .mse, optimizer: optimizer, options: options)
      let targets = BatchMajorSamples(values: (0..<16).map { Float($0) / 16 }, steps: 1, features: 1)
      _ = try trainer.fit(inputs: data, targets: targets)
      #expect(optimizer.steps == 1 && optimizer.updates.allSatisfy { $0 == 1 }, "every element stepped once")
      return optimizer.captured
    }
    let one = try gradients(threads: 1)
    let two = try gradients(threads: 2)
    #expect(one.count == 4_385 && two.count == one.count, "both runs captured every element")
    #expect(one.contains { $0 != 0 }, "the gradients are not all zero")
    for (a, b) in zip(one, two) { #expect(abs(a - b) <= 1e-5 + 1e-4 * abs(a)) }
  }

  /// Final weights after training 2 epochs on 40 windows of a noisy sine (the last 4 held out).
  static func shuffledWeights(shuffle: Bool, seed: UInt64 = 5, batchSize: Int = 8) throws -> [[Float]] {
    let data = Self.sineWindows(count: 40, steps: 6)
    var options = TrainingOptions()
    options.epochs = 2
    options.batchSize = batchSize
    options.shuffle = shuffle
    options.seed = seed
    options.threads = 1
    let model = Architectures.lstmAutoencoder(features: 1, steps: 6, units: 4, dropout: 0, seed: 1)
    let trainer = Trainer(model: model, loss: .mse, optimizer: Adam(learningRate: 0.01), options: options)
    _ = try trainer.fit(inputs: data, targets: data)
    return trainer.model.parameters.map(\.value)
  }

  /// `shuffle` reorders the training windows every epoch, by the seed, and only them: with one
  /// batch of all 36 training windows the order cannot matter beyond rounding, so a shuffle that
  /// let a held-out window in, or dropped one, would show.
  @Test func shuffleReordersTheTrainingWindowsBySeed() throws {
    let shuffled = try Self.shuffledWeights(shuffle: true)
    let differsFromOrdered = try Self.shuffledWeights(shuffle: false) != shuffled
    let sameForSameSeed = try Self.shuffledWeights(shuffle: true) == shuffled
    let differsForOtherSeed = try Self.shuffledWeights(shuffle: true, seed: 6) != shuffled
    #expect(differsFromOrdered, "other batches give other weights")
    #expect(sameForSameSeed, "the same seed, the same order")
    #expect(differsForOtherSeed, "another seed, another order")
    let whole = try Self.shuffledWeights(shuffle: false, batchSize: 36)
    let wholeShuffled = try Self.shuffledWeights(shuffle: true, batchSize: 36)
    let largest = zip(whole.joined(), wholeShuffled.joined()).map { abs($0 - $1) / (1 + abs($0)) }.max()!
    #expect(largest <= 1e-5, "one batch of the same windows in another order: rounding only")
  }

  /// A trainer of a small autoencoder over 40 windows (36 train, 4 held out), one window a batch.
  static func windowTrainer(epochLimit: Double?, optimizer: any Optimizer = Adam(learningRate: 0.01), shuffle: Bool = false)
    -> Trainer
  {
    var options = TrainingOptions()
    options.epochs = 3
    options.batchSize = 1
    options.threads = 1
    options.shuffle = shuffle
    let model = Architectures.lstmAutoencoder(features: 1, steps: 6, units: 4, dropout: 0, seed: 1)
    let trainer = Trainer(model: model, loss: .mse, optimizer: optimizer, options: options)
    trainer.epochLimit = epochLimit
    return trainer
  }

  /// `epochLimit` (a warm refit's `refit_epochs`) may end in a fraction: the last epoch trains
  /// that share of the training windows. One step a window, so the steps count the windows.
  @Test(arguments: [(nil, 108), (2.0, 72), (2.5, 90), (0.25, 9), (0.01, 1), (7.5, 108)] as [(Double?, Int)])
  func aFractionalEpochTrainsThatShareOfTheWindows(limit: Double?, steps: Int) throws {
    let data = Self.sineWindows(count: 40, steps: 6)
    let optimizer = CapturingOptimizer()
    let trainer = Self.windowTrainer(epochLimit: limit, optimizer: optimizer)
    let history = try trainer.fit(inputs: data, targets: data)
    #expect(optimizer.steps == steps)
    #expect(history.count == trainer.plannedEpochs && history.count == Int((min(limit ?? 3, 3)).rounded(.up)))
  }

  /// The share is drawn at random over all the training windows, by the seed, in the epoch's
  /// order, and it is what trains: the weights equal one epoch over exactly those windows.
  @Test(arguments: [false, true])
  func aFractionalEpochDrawsItsWindowsAtRandom(shuffle: Bool) throws {
    let data = Self.sineWindows(count: 40, steps: 6)
    let trainer = Self.windowTrainer(epochLimit: 0.25, shuffle: shuffle)
    var random = SeededGenerator(seed: 9)
    let order = shuffle ? Array(0..<36).shuffled(using: &random) : Array(0..<36)
    let drawn = trainer.lastEpochSamples(of: order)
    #expect(drawn.count == 9 && Set(drawn).count == 9 && Set(drawn).isSubset(of: 0..<36))
    #expect(drawn == order.filter(Set(drawn).contains), "in the order the epoch gives")
    #expect(drawn.max()! >= 18 && drawn.min()! < 18, "from the whole span, not the oldest or newest only")
    #expect(Self.windowTrainer(epochLimit: 0.25, shuffle: shuffle).lastEpochSamples(of: order) == drawn, "by the seed")
    guard !shuffle else { return }
    _ = try trainer.fit(inputs: data, targets: data)
    let subset = BatchMajorSamples(
      values: drawn.flatMap { data.values[($0 * 6)..<($0 * 6 + 6)] }, steps: 6, features: 1)
    let whole = Self.windowTrainer(epochLimit: nil)
    var options = whole.options
    options.epochs = 1
    options.validationSplit = 0
    let reference = Trainer(model: whole.model, loss: .mse, optimizer: Adam(learningRate: 0.01), options: options)
    _ = try reference.fit(inputs: subset, targets: subset)
    #expect(trainer.model.parameters.map(\.value) == reference.model.parameters.map(\.value))
  }

  @Test func earlyStoppingStopsAndRestoresBest() throws {
    let data = Self.sineWindows(count: 100, steps: 5)
    let model = Architectures.lstmAutoencoder(features: 1, steps: 5, units: 4, seed: 2)
    var options = TrainingOptions()
    options.epochs = 50
    options.earlyStoppingPatience = 1
    let trainer = Trainer(model: model, loss: .mae, optimizer: Adam(learningRate: 0.5), options: options)
    let history = try trainer.fit(inputs: data, targets: data)
    #expect(history.count < 50)
    // The weights in place are the best epoch's: their validation loss (the last 10 % of the
    // windows) is the smallest in the history, not the last epoch's.
    let best = history.compactMap(\.validationLoss).min()!
    let validation = data.slice(90..<100)
    #expect(abs(trainer.evaluate(inputs: validation, targets: validation) - best) < 1e-6)
    #expect(history.last!.validationLoss! > best, "the last epoch was worse, so restoring mattered")
  }

  @Test func tooFewWindowsIsAClearError() {
    let data = Self.sineWindows(count: 1, steps: 5)
    let trainer = Trainer(
      model: Architectures.lstmAutoencoder(features: 1, steps: 5, units: 4, seed: 2), loss: .mae, optimizer: Adam(),
      options: TrainingOptions())
    #expect(throws: SeismoError.self) { try trainer.fit(inputs: data, targets: data) }
  }
}

/// Records the gradients it is given, and how often each element is updated, instead of stepping.
final class CapturingOptimizer: Optimizer {
  private(set) var steps = 0
  private var gradients = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
  private var counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 0)

  var captured: [Float] { Array(gradients) }
  var updates: [Int] { Array(counts) }

  deinit {
    gradients.deallocate()
    counts.deallocate()
  }

  func beginStep(elements: Int) {
    steps += 1
    gradients.deallocate()
    counts.deallocate()
    gradients = .allocate(capacity: elements)
    gradients.initialize(repeating: .nan)
    counts = .allocate(capacity: elements)
    counts.initialize(repeating: 0)
  }

  // Pieces of one step run at once on disjoint elements: each writes only its own.
  func update(_ range: Range<Int>, weights: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
    for (k, i) in range.enumerated() {
      self.gradients[i] = gradients[k]
      counts[i] += 1
    }
  }
}

@Suite struct WeightKeyTests {
  @Test func keysArePositionsAndOlderNamedFilesStillLoad() throws {
    let model = Architectures.lstmAutoencoder(features: 2, steps: 4, units: 3, seed: 1)
    // LSTM, Dropout, RepeatVector, LSTM, Dropout, Dense.
    #expect(
      model.parameterKeys == [
        "0.kernel", "0.recurrent_kernel", "0.bias", "3.kernel", "3.recurrent_kernel", "3.bias", "5.kernel", "5.bias",
      ])
    #expect(Set(model.namedTensors().keys) == Set(model.parameterKeys))
    // A file written before keys were positions names tensors as the layers did.
    let older = Dictionary(
      uniqueKeysWithValues: zip(model.parameters.map(\.name), model.parameters).map {
        ($0, TensorArchive.Tensor(shape: $1.shape, values: $1.value))
      })
    #expect(older.keys.contains("encoder.kernel"))
    let other = Architectures.lstmAutoencoder(features: 2, steps: 4, units: 3, seed: 2)
    try other.load(older, origin: "old.seismo")
    #expect(other.parameters.map(\.value) == model.parameters.map(\.value))
    // Two layers with the same name keep their own weights.
    var random = SeededGenerator(seed: 3)
    let twins = Sequential([
      Dense(inputSize: 2, outputSize: 2, name: "same", random: &random),
      Dense(inputSize: 2, outputSize: 2, name: "same", random: &random),
    ])
    let copy = Sequential([
      Dense(inputSize: 2, outputSize: 2, name: "same", random: &random),
      Dense(inputSize: 2, outputSize: 2, name: "same", random: &random),
    ])
    try copy.load(twins.namedTensors(), origin: "twins")
    #expect(copy.parameters.map(\.value) == twins.parameters.map(\.value))
    #expect(twins.parameters[0].value != twins.parameters[2].value)
  }
}

@Suite struct TensorArchiveTests {
  @Test func roundTripsAndRejectsDamage() throws {
    let model = Architectures.lstmAutoencoder(features: 2, steps: 4, units: 3, seed: 1)
    let data = try TensorArchive.encode(model.namedTensors(), metadata: ["detector": "lstm-autoencoder"])
    #expect(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } % 8 == 0)
    let (tensors, metadata) = try TensorArchive.decode(data, origin: "m.st")
    #expect(metadata == ["detector": "lstm-autoencoder"])
    let other = Architectures.lstmAutoencoder(features: 2, steps: 4, units: 3, seed: 2)
    try other.load(tensors, origin: "m.st")
    #expect(other.parameters.map(\.value) == model.parameters.map(\.value))

    #expect(throws: SeismoError.self) { try TensorArchive.decode(data.prefix(data.count - 5), origin: "m.st") }
    #expect(throws: SeismoError.self) { try TensorArchive.decode(Data([1, 2, 3]), origin: "m.st") }
    let wider = Architectures.lstmAutoencoder(features: 3, steps: 4, units: 3, seed: 2)
    #expect(throws: SeismoError.self) { try wider.load(tensors, origin: "m.st") }
  }
}

/// Inference keeps one step of an LSTM's gates and two of its cell states; training keeps every
/// step. Both must compute the same outputs, bit for bit, whatever the input's kind.
@Suite struct LSTMInferenceTests {
  @Test(arguments: [false, true])
  func inferenceEqualsTrainingForward(returnSequences: Bool) {
    var random = SeededGenerator(seed: 21)
    let layers: [Layer] = [
      LSTM(inputSize: 3, units: 5, returnSequences: true, name: "first", random: &random),
      LSTM(inputSize: 5, units: 4, returnSequences: false, name: "encoder", random: &random),
      RepeatVector(steps: 6),
      LSTM(inputSize: 4, units: 7, returnSequences: returnSequences, name: "decoder", random: &random),
    ]
    let model = Sequential(layers)
    let x = TimeMajorTensor(
      batchMajor: (0..<(4 * 6 * 3)).map { Float(sin(Double($0) * 0.7)) }, batch: 4, steps: 6, features: 3)
    var training = ForwardMode(training: true, random: SeededGenerator(seed: 1))
    let trained = model.forward(x, mode: &training)
    var inference = ForwardMode.inference()
    let inferred = model.forward(x, mode: &inference)
    #expect(inferred.steps == trained.steps && inferred.features == trained.features)
    #expect(inferred.data == trained.data)
    // And again after the inference pass, so the training caches are rebuilt.
    let again = model.forward(x, mode: &training)
    #expect(again.data == trained.data)
  }
}

/// A model hands each layer its input to keep, so Dropout masks what it is given in place: the
/// gradient in backward, and in forward the activations unless their layer keeps them too (an
/// LSTM keeps its hidden states). A copy per batch had cost the univariate model 7–12 % of its
/// epoch.
@Suite struct HandOverTests {
  static func tensor() -> TimeMajorTensor {
    TimeMajorTensor(steps: 3, batch: 4, features: 5, data: (0..<60).map { Float($0) + 1 })
  }

  static func address(_ t: TimeMajorTensor) -> UnsafePointer<Float>? { t.data.withUnsafeBufferPointer(\.baseAddress) }

  @Test func dropoutMasksWhatItIsHandedInPlace() {
    let model = Sequential([Dropout(rate: 0.5)])
    var mode = ForwardMode(training: true, random: SeededGenerator(seed: 1))
    let x = Self.tensor()
    let before = Self.address(x)
    let y = model.forward(consume x, mode: &mode)
    #expect(Self.address(y) == before, "the input's own storage, masked")
    #expect(y.data.contains(0) && zip(y.data, Self.tensor().data).allSatisfy { $0 == 0 || $0 == 2 * $1 })
    #expect(y.data.contains { $0 != 0 }, "some dropped, the rest scaled by 1 / (1 − 0.5)")
    let dy = Self.tensor()
    let gradientBefore = Self.address(dy)
    let dx = model.backward(consume dy)!
    #expect(Self.address(dx) == gradientBefore)
    #expect(zip(dx.data, y.data).allSatisfy { ($0 == 0) == ($1 == 0) }, "the same mask")
  }

  @Test func aTensorStillInUseIsCopiedNotChanged() {
    let model = Sequential([Dropout(rate: 0.5)])
    var mode = ForwardMode(training: true, random: SeededGenerator(seed: 1))
    let x = Self.tensor()
    let y = model.forward(x, mode: &mode)
    #expect(x.data == Self.tensor().data, "the caller's tensor is unchanged")
    #expect(Self.address(y) != Self.address(x) && y.data.contains(0))
  }
}

import CSeismoKernels
import Foundation
import SeismoSupport
import Synchronization

/// How `Trainer.fit` runs, with Keras's meanings and defaults.
public struct TrainingOptions: Sendable {
  public var epochs = 10
  public var batchSize = 32
  /// Fraction of samples, taken from the *end* (as Keras), held out for validation loss.
  public var validationSplit = 0.1
  /// Reshuffle the training samples every epoch (seeded).
  public var shuffle = false
  public var seed: UInt64 = 42
  /// Stop when validation loss has not improved for this many epochs, and restore the best
  /// weights; nil trains every epoch.
  public var earlyStoppingPatience: Int?
  /// Threads; each batch is split into this many shards that run in parallel. Results depend on
  /// the seed and on this number (floating-point sums are grouped by shard).
  public var threads = 2

  public init() {}

  /// How many of `samples` samples `validationSplit` holds out (Keras's rounding).
  public func validationCount(of samples: Int) -> Int {
    validationSplit > 0 ? samples - Int((Double(samples) * (1 - validationSplit)).rounded(.down)) : 0
  }
}

/// Trains a `Sequential` model with backpropagation through time, and runs it for inference.
public final class Trainer {
  public let model: Sequential
  public let loss: Loss
  public var optimizer: any Optimizer
  public let options: TrainingOptions
  /// At most this many epochs, fewer than `options.epochs` (a warm-started walk-forward refit);
  /// nil trains `options.epochs`. A fraction trains the last epoch on that share of the training
  /// samples, drawn at random (seeded): 0.5 trains one epoch on a random half.
  public var epochLimit: Double?

  /// The epochs `fit` runs, unless early stopping ends it sooner; the last may be partial.
  public var plannedEpochs: Int { max(Int(epochBudget.rounded(.up)), 1) }
  /// `epochLimit`, at most `options.epochs`.
  private var epochBudget: Double { min(Double(options.epochs), epochLimit ?? Double(options.epochs)) }
  /// `replicas[0]` is `model`; the others share its parameters.
  private let replicas: [Sequential]
  /// Runs a batch's shards and inference's members, iteration s on `replicas[s]`, and the
  /// pieces of an optimizer step.
  private let team: WorkerTeam
  /// Where each parameter starts among all of them laid end to end, and (last) their size.
  private let parameterOffsets: [Int]
  /// The pieces of an optimizer step, ranges of the parameters laid end to end: a few per
  /// thread, so a late thread takes fewer, none under 1,024 elements, and each starting on a
  /// whole 64-byte vector.
  private let stepPieces: [Range<Int>]

  public init(model: Sequential, loss: Loss, optimizer: any Optimizer, options: TrainingOptions) {
    self.model = model
    self.loss = loss
    self.optimizer = optimizer
    self.options = options
    let threads = max(1, options.threads)
    replicas = [model] + (1..<threads).map { _ in model.replica() }
    team = WorkerTeam(size: threads)
    parameterOffsets = model.parameters.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    let elements = parameterOffsets.last!
    stepPieces = Self.split(elements, into: max(1, min(4 * threads, elements / 1024)), alignment: 16)
  }

  /// Trains on `inputs` → `targets` (same sample count), calling `observer` after every epoch.
  /// - Returns: one record per epoch that ran.
  public func fit(inputs: BatchMajorSamples, targets: BatchMajorSamples, observer: TrainingObserver? = nil) throws
    -> [EpochRecord]
  {
    precondition(inputs.count == targets.count, "inputs and targets differ in sample count")
    let validationCount = options.validationCount(of: inputs.count)
    let trainCount = inputs.count - validationCount
    guard trainCount >= 1 else {
      throw SeismoError.invalidInput(
        "\(inputs.count) training window\(inputs.count == 1 ? "" : "s"), and validation_split \(options.validationSplit) holds out \(validationCount), leaving none to train on; add training rows, shorten the window or lower validation_split"
      )
    }
    var history: [EpochRecord] = []
    var best = (loss: Double.infinity, weights: [[Float]](), epoch: 0)
    var order = Array(0..<trainCount)
    for epoch in 1...plannedEpochs {
      let started = Date()
      if options.shuffle {
        var random = SeededGenerator(seed: options.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        order.shuffle(using: &random)
      }
      let samples = epoch == plannedEpochs ? lastEpochSamples(of: order) : order
      var total = 0.0
      var batchIndex = 0
      for start in stride(from: 0, to: samples.count, by: options.batchSize) {
        let batch = Array(samples[start..<min(start + options.batchSize, samples.count)])
        total += trainBatch(batch, inputs: inputs, targets: targets, epoch: epoch, batchIndex: batchIndex)
        batchIndex += 1
      }
      let trainLoss = total / Double(samples.count * targets.steps * targets.features)
      let validationLoss =
        validationCount > 0
        ? evaluate(inputs: inputs.slice(trainCount..<inputs.count), targets: targets.slice(trainCount..<inputs.count)) : nil
      let record = EpochRecord(
        epoch: epoch, loss: trainLoss, validationLoss: validationLoss, seconds: Date().timeIntervalSince(started))
      history.append(record)
      observer?(record, plannedEpochs)
      if let patience = options.earlyStoppingPatience, let validationLoss {
        if validationLoss < best.loss {
          best = (validationLoss, model.parameters.map(\.value), epoch)
        } else if epoch - best.epoch >= patience {
          for (p, w) in zip(model.parameters, best.weights) { p.value = w }
          break
        }
      }
    }
    return history
  }

  /// The samples the last epoch trains, in the order `order` gives them: all of them, or for a
  /// fractional `epochLimit` that share of them (at least one), drawn at random with the seed.
  func lastEpochSamples(of order: [Int]) -> [Int] {
    let share = epochBudget - epochBudget.rounded(.down)
    guard share > 0 else { return order }
    let count = max(1, Int((share * Double(order.count)).rounded()))
    var random = SeededGenerator(seed: options.seed &+ 0xD1B5_4A32_D192_ED03)
    let drawn = Set(Array(0..<order.count).shuffled(using: &random).prefix(count))
    return order.indices.filter(drawn.contains).map { order[$0] }
  }

  /// One optimiser step on samples `batch`; returns the summed element loss.
  private func trainBatch(_ batch: [Int], inputs: BatchMajorSamples, targets: BatchMajorSamples, epoch: Int, batchIndex: Int)
    -> Double
  {
    let shards = shardRanges(batch.count)
    let normalizer = Float(batch.count * targets.steps * targets.features)
    let losses = UnsafeMutableBufferPointer<Double>.allocate(capacity: shards.count)
    defer { losses.deallocate() }
    let work = UnsafeTransfer((replicas, losses))
    let (seed, lossFunction) = (options.seed, loss)
    team.perform(iterations: shards.count) { s in
      withSubnormalsFlushed {
        let (replicas, losses) = work.value
        let replica = replicas[s]
        let indices = batch[shards[s]]
        replica.zeroGradients()
        var mode = ForwardMode(
          training: true,
          random: SeededGenerator(seed: seed ^ (UInt64(epoch) << 40) ^ (UInt64(batchIndex) << 8) ^ UInt64(s)))
        let output = replica.forward(inputs.gather(indices), mode: &mode)
        let target = targets.gather(indices)
        var gradient: [Float] = []
        losses[s] = lossFunction.evaluate(
          prediction: output.data, target: target.data, normalizer: normalizer, gradient: &gradient)
        replica.backward(
          TimeMajorTensor(steps: output.steps, batch: output.batch, features: output.features, data: gradient),
          inputGradient: false)
      }
    }
    step(summing: shards.count)
    return losses.reduce(0, +)
  }

  /// Sums the gradients of the first `shards` replicas into `model`'s and steps the optimizer,
  /// both over the team in pieces of the parameters laid end to end. Each element is summed in
  /// replica order and stepped once, so the weights are those one thread would make.
  private func step(summing shards: Int) {
    let (offsets, pieces, optimizer) = (parameterOffsets, stepPieces, optimizer)
    optimizer.beginStep(elements: offsets.last!)
    model.withParameterPointers(replicas: replicas[1..<shards]) { weights, gradients in
      let work = UnsafeTransfer((weights, gradients, optimizer))
      team.perform(iterations: pieces.count) { index in
        withSubnormalsFlushed {
          let (weights, gradients, optimizer) = work.value
          let piece = pieces[index]
          for p in 0..<weights.count {
            let (first, end) = (max(piece.lowerBound, offsets[p]), min(piece.upperBound, offsets[p + 1]))
            guard first < end else { continue }
            let elements = first..<end
            let at = elements.lowerBound - offsets[p]
            let total = gradients[0][p] + at
            for r in 1..<gradients.count { seismo_add_rows(total, gradients[r][p] + at, 1, elements.count) }
            optimizer.update(elements, weights: weights[p] + at, gradients: total)
          }
        }
      }
    }
  }

  /// Model outputs for every sample, batch-major `[N, L, O]` (L output steps, O output features).
  /// Each thread takes the next `batchSize` samples until none are left, so a thread slowed by
  /// other work takes fewer and nobody waits between batches. Larger batches make larger matrix
  /// products but larger activation buffers; 32 was the best trade here (speed and peak memory).
  /// Samples are independent in inference, so the outputs do not depend on the threads.
  public func predict(_ inputs: BatchMajorSamples, batchSize: Int = 32) -> BatchMajorSamples {
    let batches = (inputs.count + batchSize - 1) / batchSize
    let outputs = UnsafeMutableBufferPointer<TimeMajorTensor>.allocate(capacity: batches)
    defer { outputs.deinitialize().deallocate() }
    let next = BatchCounter()
    let work = UnsafeTransfer((replicas, outputs))
    team.perform(iterations: min(replicas.count, batches)) { s in
      withSubnormalsFlushed {
        let (replicas, outputs) = work.value
        var mode = ForwardMode.inference()
        while case let b = next.count.wrappingAdd(1, ordering: .relaxed).oldValue, b < batches {
          let x = inputs.gather((b * batchSize)..<min((b + 1) * batchSize, inputs.count))
          (outputs.baseAddress! + b).initialize(to: replicas[s].forward(x, mode: &mode))
        }
      }
    }
    let steps = outputs.first?.steps ?? 1
    let features = outputs.first?.features ?? 1
    var values: [Float] = []
    values.reserveCapacity(inputs.count * steps * features)
    for output in outputs { values.append(contentsOf: output.batchMajor()) }
    return BatchMajorSamples(values: values, steps: steps, features: features)
  }

  /// Mean element loss over `inputs` → `targets`, in inference mode.
  public func evaluate(inputs: BatchMajorSamples, targets: BatchMajorSamples) -> Double {
    let predicted = predict(inputs)
    var total = 0.0
    for i in predicted.values.indices { total += Double(loss.element(predicted.values[i], targets.values[i])) }
    return total / Double(max(predicted.values.count, 1))
  }

  /// Contiguous shards of a batch of `count`, at most one per replica.
  private func shardRanges(_ count: Int) -> [Range<Int>] { Self.split(count, into: min(replicas.count, count)) }

  /// `0..<count` in `parts` contiguous ranges of near-equal size, each but the first starting
  /// on a multiple of `alignment` (so a range may be empty when `count` is small).
  private static func split(_ count: Int, into parts: Int, alignment: Int = 1) -> [Range<Int>] {
    func start(_ i: Int) -> Int { i == parts ? count : i * count / parts / alignment * alignment }
    return (0..<parts).map { start($0)..<start($0 + 1) }
  }

  /// The next batch to take, shared by the members predicting.
  private final class BatchCounter: Sendable {
    let count = Atomic(0)
  }
}

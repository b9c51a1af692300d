import Foundation
import SeismoSupport

/// The memory a network needs to train, estimated before anything is allocated: a config or a
/// model file asking for more than the machine has fails in one line instead of aborting the
/// process halfway through an allocation.
public struct NetworkFootprint: Sendable, Equatable {
  /// Trainable Float32 parameters.
  public var parameters: Int
  /// Floats one window caches for back-propagation: gates, cells and hidden states of every
  /// layer at every step.
  public var activationsPerWindow: Int

  public init(parameters: Int, activationsPerWindow: Int) {
    self.parameters = parameters
    self.activationsPerWindow = activationsPerWindow
  }

  /// Parameters of an LSTM layer: kernel (input, 4·units), recurrent kernel (units, 4·units) and
  /// bias (4·units).
  public static func lstm(inputSize: Int, units: Int, steps: Int) -> NetworkFootprint {
    // Per step: four gates, cell, act(cell), hidden, and their gradients' share (≈ 10 floats/unit).
    NetworkFootprint(parameters: 4 * units * (inputSize + units + 1), activationsPerWindow: steps * units * 10)
  }

  /// Parameters of a Dense layer: kernel (input, output) and bias (output).
  public static func dense(inputSize: Int, outputSize: Int, steps: Int) -> NetworkFootprint {
    NetworkFootprint(parameters: outputSize * (inputSize + 1), activationsPerWindow: steps * outputSize * 2)
  }

  public static func + (a: NetworkFootprint, b: NetworkFootprint) -> NetworkFootprint {
    NetworkFootprint(
      parameters: a.parameters + b.parameters, activationsPerWindow: a.activationsPerWindow + b.activationsPerWindow)
  }

  /// Bytes while training: the weights, a gradient per thread, the optimizer's two moments, and
  /// the caches of one batch per thread.
  public func bytes(batchSize: Int, threads: Int) -> Double {
    let weights = Double(parameters) * Double(3 + threads)
    let caches = Double(activationsPerWindow) * Double(batchSize) * Double(threads)
    return 4 * (weights + caches)
  }

  /// Throws unless training fits in `budget` bytes (default: three quarters of physical memory).
  /// `what` names the model in the error.
  public func check(
    batchSize: Int, threads: Int, what: String,
    budget: Double = Double(ProcessInfo.processInfo.physicalMemory) * 0.75
  ) throws {
    let needed = bytes(batchSize: batchSize, threads: threads)
    guard needed <= budget else {
      func gib(_ b: Double) -> String { String(format: "%.1f GiB", b / 1_073_741_824) }
      throw SeismoError.invalidInput(
        "\(what) would need about \(gib(needed)) to train (\(parameters) weights, batch_size \(batchSize), threads \(threads)); this machine allows \(gib(budget)): use fewer units, layers, a shorter window or a smaller batch"
      )
    }
  }
}

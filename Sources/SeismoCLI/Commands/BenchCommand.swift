import ArgumentParser
import CSVSource
import Foundation
import SeismoCore
import SeismoNN

/// `seismo bench`: the three seed models trained exactly as `../shared/bench/keras_reference.py`
/// trains them, printing one JSON line with the same fields, so the two compare line by line.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Train a seed model as the Keras reference does and print its timings as JSON.",
    discussion: """
      Same data preparation, layers, hyper-parameters and output fields as keras_reference.py:

        seismo bench autoencoder --csv ../shared/data/sp500_daily_2000_2018.csv --column close
        seismo bench forecaster  --csv ../shared/data/market_weekly_4.csv
        seismo bench univariate  --csv ../shared/data/sp500_daily_2000_2018.csv --column close

      scripts/bench.sh runs both side by side and prints the ratios.
      """)

  @Argument(help: "autoencoder, forecaster or univariate.")
  var model: SeedModel

  @Option(help: "CSV file with a header row.")
  var csv: String

  @Option(help: "Feature column (repeatable); default as the reference.")
  var column: [String] = []

  @Option(help: "Epochs (default as the reference: 10, 50, 1).")
  var epochs: Int?

  @Option(help: "Window length (default as the reference: 30, 10, 50).")
  var window: Int?

  @Option(help: "Random seed.")
  var seed: UInt64 = 42

  @Option(help: "Threads (batch shards).")
  var threads = ProcessInfo.processInfo.activeProcessorCount

  enum SeedModel: String, ExpressibleByArgument, CaseIterable {
    case autoencoder, forecaster, univariate
  }

  func run() throws {
    try reportingErrors {
      let prepared = try prepare()
      var options = TrainingOptions()
      options.epochs = epochs ?? prepared.epochs
      options.batchSize = prepared.batchSize
      options.shuffle = prepared.shuffle
      options.seed = seed
      options.threads = threads
      let trainer = Trainer(model: prepared.model, loss: prepared.loss, optimizer: prepared.optimizer, options: options)
      let started = Date()
      let history = try trainer.fit(inputs: prepared.inputs, targets: prepared.targets)
      let trainSeconds = Date().timeIntervalSince(started)
      // Inference over the training windows at batch 32: the first pass (as the reference times
      // its one pass), then the median of three more, the steady rate.
      let passes = (0..<4).map { _ in
        let started = Date()
        _ = trainer.predict(prepared.inputs)
        return Date().timeIntervalSince(started)
      }
      let inferSeconds = passes[0]
      let steadyInferSeconds = median(Array(passes.dropFirst()))
      let seconds = history.map(\.seconds)
      let steady = seconds.count > 1 ? Array(seconds.dropFirst()) : seconds
      // Real work: the matrix products of a steady epoch (forward and backward for each training
      // window, forward only for each validation window) and of every window's forward pass per
      // steady inference pass; the share is of this machine's peak on as many threads, measured
      // after training: the larger of the sgemm rate and the multiply-add ceiling.
      let windows = Double(prepared.inputs.count)
      let steps = prepared.inputs.steps
      let forwardFLOPs = WorkCount.forwardFLOPs(prepared.model, steps: steps)
      let trainingFLOPs = WorkCount.trainingFLOPs(prepared.model, steps: steps)
      let validationWindows = Double(options.validationCount(of: prepared.inputs.count))
      let epochFLOPs = trainingFLOPs * (windows - validationWindows) + forwardFLOPs * validationWindows
      let trainGFLOPs = epochFLOPs / median(steady) / 1e9
      let inferGFLOPs = forwardFLOPs * windows / steadyInferSeconds / 1e9
      let residentMiB = peakResidentMiB()  // before the sgemm run allocates its matrices
      let sgemmPeak = BLAS.sgemmPeakGFLOPs(threads: threads)
      let arithmeticPeak = ArithmeticPeak.gflops(threads: threads)
      let peak = max(sgemmPeak, arithmeticPeak)
      let line: [String: Any] = [
        "framework":
          "seismo \(SeismoVersion.current) (Swift, \(KernelInstructionSet.current) kernels, OpenBLAS \(BLAS.kernelName), \(threads) thread\(threads == 1 ? "" : "s"))",
        "model": model.rawValue, "features": prepared.features, "train_windows": prepared.inputs.count,
        "epochs": history.count, "batch_size": prepared.batchSize,
        "first_epoch_s": rounded(seconds[0], 5), "steady_epoch_s": rounded(median(steady), 5),
        "train_s": rounded(trainSeconds, 3),
        "infer_windows_per_s": rounded(windows / inferSeconds, 1),
        "steady_infer_windows_per_s": rounded(windows / steadyInferSeconds, 1),
        "final_loss": history.last!.loss, "final_val_loss": history.last!.validationLoss ?? .nan,
        "import_s": 0.0, "peak_rss_mib": rounded(residentMiB, 1),
        "train_flops_per_window": trainingFLOPs, "forward_flops_per_window": forwardFLOPs, "epoch_flops": epochFLOPs,
        "sgemm_peak_gflops": rounded(sgemmPeak, 1), "arithmetic_peak_gflops": rounded(arithmeticPeak, 1),
        "peak_gflops": rounded(peak, 1), "train_gflops": rounded(trainGFLOPs, 1),
        "train_share_of_peak": rounded(trainGFLOPs / peak, 3), "infer_gflops": rounded(inferGFLOPs, 1),
        "infer_share_of_peak": rounded(inferGFLOPs / peak, 3),
      ]
      let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
      Console.out(String(decoding: data, as: UTF8.self))
    }
  }

  /// A model with its training set, prepared as the reference script prepares it.
  struct Prepared {
    var model: Sequential
    var inputs: BatchMajorSamples
    var targets: BatchMajorSamples
    var features: [String]
    var loss: Loss
    var optimizer: any Optimizer
    var epochs: Int
    var batchSize: Int
    var shuffle: Bool
  }

  func prepare() throws -> Prepared {
    switch model {
    case .autoencoder:
      let frame = try load(defaultColumns: ["close"])
      let f = frame.featureCount
      let trainRows = Int(Double(frame.rowCount) * 0.95)
      let scaler = FeatureScaler(.standard, fittedOn: frame.rows(0..<trainRows))
      let x = scaler.transform(frame.rows(0..<trainRows).values)
      let steps = window ?? 30
      let windows = try referenceWindows(x, features: f, steps: steps)
      return Prepared(
        model: Architectures.lstmAutoencoder(features: f, steps: steps, seed: seed), inputs: windows, targets: windows,
        features: frame.featureNames, loss: .mae, optimizer: Adam(), epochs: 10, batchSize: 32, shuffle: false)
    case .forecaster:
      let frame = try load(defaultColumns: nil)
      let f = frame.featureCount
      let scaler = FeatureScaler(.minmax, fittedOn: frame)  // the reference scales on all rows
      let x = scaler.transform(frame.values)
      let steps = window ?? 10
      let all = try referenceWindows(x, features: f, steps: steps)
      let trainCount = Int(Double(all.count) * 0.8)
      let targets = BatchMajorSamples(values: Array(x[steps * f..<(steps + trainCount) * f]), steps: 1, features: f)
      return Prepared(
        model: Architectures.lstmForecaster(features: f, units: [64, 32], outputs: f, activation: .relu, seed: seed),
        inputs: all.slice(0..<trainCount), targets: targets, features: frame.featureNames, loss: .mse, optimizer: Adam(),
        epochs: 50, batchSize: 32, shuffle: true)
    case .univariate:
      let frame = try load(defaultColumns: ["close"])
      let steps = window ?? 50
      let pairs = try ForecastPairs(
        values: frame.column(0), featureCount: 1, length: steps, relativeToFirst: true, context: csv)
      // The reference makes one pair fewer than there are.
      let trainCount = Int(Double(pairs.count - 1) * 0.9)
      return Prepared(
        model: Architectures.lstmForecaster(features: 1, units: [50, 100], outputs: 1, activation: .tanh, seed: seed),
        inputs: BatchMajorSamples(values: Array(pairs.inputs[0..<trainCount * steps]), steps: steps, features: 1),
        targets: BatchMajorSamples(values: Array(pairs.targets[0..<trainCount]), steps: 1, features: 1),
        features: frame.featureNames,
        loss: .mse, optimizer: RMSprop(), epochs: 1, batchSize: 512, shuffle: true)
    }
  }

  /// Loads the columns, dropping rows with gaps (the reference's `dropna`).
  func load(defaultColumns: [String]?) throws -> Frame {
    try CSVSource(paths: [csv], columns: (column.isEmpty ? defaultColumns : column) ?? [], gaps: .drop).load().frame
  }

  /// The reference's `windows(a, steps)`: `rows − steps` windows (one fewer than all).
  func referenceWindows(_ x: [Float], features: Int, steps: Int) throws -> BatchMajorSamples {
    let windows = try SlidingWindows(values: x, featureCount: features, length: steps, context: csv)
    return BatchMajorSamples(values: windows.batch(0..<windows.count - 1), steps: steps, features: features)
  }

  func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }

  func rounded(_ value: Double, _ digits: Int) -> Double {
    let scale = pow(10, Double(digits))
    return (value * scale).rounded() / scale
  }

  /// Peak resident memory of this process, MiB (Linux `ru_maxrss` is KiB).
  func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
  }
}

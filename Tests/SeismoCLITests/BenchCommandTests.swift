import Foundation
import Testing

/// `seismo bench`: the options reach the model it times, and the JSON has every field
/// `scripts/bench.sh` reads.
@Suite struct BenchCommandTests {
  func bench(_ scratch: Scratch, _ arguments: [String]) throws -> [String: Any] {
    let result = try CLI.run(["bench", "forecaster", "--csv", "data.csv"] + arguments, in: scratch.url)
    try #require(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  @Test func optionsReachTheTimedModel() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: []))
    let five = try bench(scratch, ["--column", "a", "--column", "b", "--epochs", "3", "--window", "5"])
    for key in [
      "steady_epoch_s", "first_epoch_s", "train_s", "infer_windows_per_s", "train_share_of_peak", "sgemm_peak_gflops",
      "arithmetic_peak_gflops", "peak_gflops", "final_loss", "peak_rss_mib", "steady_infer_windows_per_s",
      "epoch_flops",
    ] {
      #expect(five[key] is Double, "\(key)")
    }
    // Shares are of the larger ceiling, so neither one can flatter them.
    let (sgemm, arithmetic) = (five["sgemm_peak_gflops"] as? Double ?? 0, five["arithmetic_peak_gflops"] as? Double ?? 0)
    #expect(five["peak_gflops"] as? Double == max(sgemm, arithmetic) && min(sgemm, arithmetic) > 0)
    #expect(five["epochs"] as? Int == 3 && five["features"] as? [String] == ["a", "b"])
    // It names the build of the kernels that ran (`KernelInstructionSetTests` checks which).
    let framework = five["framework"] as? String ?? ""
    #expect(["AVX-512", "AVX2", "baseline"].contains { framework.contains("\($0) kernels") }, "\(framework)")
    // An epoch's work: forward and backward for the training windows, forward only for the 10 %
    // held out for validation. Training is three forward passes' work less the first layer's
    // input gradient, which it skips (`WorkCountTests` counts both by hand).
    let number = { (key: String) in (five[key] as? NSNumber)?.doubleValue ?? .nan }
    let windows = number("train_windows")
    let validation = windows - (windows * 0.9).rounded(.down)
    let (training, forward) = (number("train_flops_per_window"), number("forward_flops_per_window"))
    #expect(validation > 0 && number("epoch_flops") == training * (windows - validation) + forward * validation)
    #expect(training < 3 * forward && training > 2.9 * forward)
    let six = try bench(scratch, ["--column", "a", "--epochs", "3", "--window", "6"])
    #expect(six["features"] as? [String] == ["a"])
    #expect((six["train_windows"] as? Int) != (five["train_windows"] as? Int), "the window sets how many windows train")
    #expect((six["train_flops_per_window"] as? Int) != (five["train_flops_per_window"] as? Int))
    // The seed draws other weights; the threads group the batch's sums otherwise.
    let base = ["--column", "a", "--epochs", "3", "--window", "6"]
    let two = try bench(scratch, base + ["--threads", "2"])
    let reseeded = try bench(scratch, base + ["--threads", "2", "--seed", "7"])
    let one = try bench(scratch, base + ["--threads", "1"])
    #expect((two["framework"] as? String)?.hasSuffix(", 2 threads)") == true)
    #expect((one["framework"] as? String)?.hasSuffix(", 1 thread)") == true)
    let loss = { (run: [String: Any]) in run["final_loss"] as? Double ?? .nan }
    #expect(loss(reseeded) != loss(two), "another seed, other weights")
    #expect(loss(one) != loss(two), "one shard, other sums")
    let missing = try CLI.run(["bench", "forecaster", "--csv", "data.csv", "--column", "nope"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.contains("nope"), "\(missing.stderr)")
  }
}

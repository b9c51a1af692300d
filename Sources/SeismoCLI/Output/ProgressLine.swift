import Foundation
import SeismoCore

/// Training progress on stderr: one updating line (epoch, loss, validation loss, elapsed, ETA)
/// when stderr is a terminal, one plain line per epoch otherwise, nothing when quiet. Elapsed
/// time and ETA are those of the fit under way: each fit (a walk-forward fold, an ensemble
/// member, a refit) starts again from its epoch 1.
final class ProgressLine {
  let quiet: Bool
  let isTerminal: Bool
  private var elapsed = 0.0
  private var open = false

  init(quiet: Bool, isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
    self.quiet = quiet
    self.isTerminal = isTerminal
  }

  /// The observer to hand to a detector's `fit`.
  var observer: TrainingObserver? {
    quiet ? nil : { [self] record, planned in self.epoch(record, planned: planned) }
  }

  func epoch(_ record: EpochRecord, planned: Int) {
    let line = line(for: record, planned: planned)
    if isTerminal {
      FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
      open = true
    } else {
      Console.err(line)
    }
  }

  /// The line for `record`, one of `planned` epochs of the fit under way, counted into its time.
  func line(for record: EpochRecord, planned: Int) -> String {
    elapsed = (record.epoch == 1 ? 0 : elapsed) + record.seconds
    let remaining = elapsed / Double(record.epoch) * Double(max(planned - record.epoch, 0))
    return Self.describe(record, planned: planned, elapsed: elapsed, remaining: remaining)
  }

  /// Ends the updating line, if one is showing.
  func finish() {
    if open { FileHandle.standardError.write(Data("\n".utf8)) }
    open = false
  }

  static func describe(_ r: EpochRecord, planned: Int, elapsed: Double, remaining: Double) -> String {
    var line = "epoch \(r.epoch)/\(planned)  loss \(String(format: "%.5f", r.loss))"
    if let v = r.validationLoss { line += "  val_loss \(String(format: "%.5f", v))" }
    return line + "  elapsed \(String(format: "%.1f", elapsed))s  ETA \(String(format: "%.1f", remaining))s"
  }
}

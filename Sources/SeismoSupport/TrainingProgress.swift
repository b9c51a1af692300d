/// Called after each training epoch with that epoch's record and the planned epoch count.
public typealias TrainingObserver = (_ epoch: EpochRecord, _ plannedEpochs: Int) -> Void

/// One training epoch: mean training loss, validation loss when there is a validation split, and
/// wall time in seconds.
public struct EpochRecord: Sendable, Codable, Equatable {
  public var epoch: Int
  public var loss: Double
  public var validationLoss: Double?
  public var seconds: Double

  public init(epoch: Int, loss: Double, validationLoss: Double?, seconds: Double) {
    self.epoch = epoch
    self.loss = loss
    self.validationLoss = validationLoss
    self.seconds = seconds
  }

  enum CodingKeys: String, CodingKey {
    case epoch, loss, seconds
    case validationLoss = "val_loss"
  }
}

/// One detector of an ensemble, with the threshold rule that flags its scores.
public struct EnsembleMember: Sendable, Codable, Equatable {
  public var detector: PluginChoice
  public var threshold: PluginChoice

  public init(detector: PluginChoice, threshold: PluginChoice) {
    self.detector = detector
    self.threshold = threshold
  }
}

/// A model of an ensemble (`ensemble:` in the config, `Ensemble`): in one file, the first
/// member's detector, threshold and state as a model of one detector has them, and each further
/// member K's own under `ensemble.K.` (`ensemble.2.seismo.detector`, `ensemble.2.0.kernel`,
/// `ensemble.2.state.scaler`), sharing the source, features, events and training rows.
extension SavedModel {
  /// Every member, the first being this model's own detector: one for a model of one detector.
  public var members: [SavedModel] {
    var own = self
    own.ensemble = []
    return [own] + ensemble
  }

  /// The metadata keys that belong to one member; the others are the model's, shared.
  static func isOwn(_ key: String) -> Bool {
    key.hasPrefix("state.")
      || [
        "seismo.detector", "seismo.threshold", "seismo.threshold_value", "seismo.calibration_count",
        "seismo.typical_score",
      ].contains(key)
  }

  /// Adds this member's own tensors and metadata to a model file's, as member `k` (from 1).
  func addOwnParts(
    to tensors: inout [String: TensorArchive.Tensor], _ metadata: inout [String: String], as k: Int
  ) throws {
    let (ownTensors, ownMetadata) = try parts()
    for (key, tensor) in ownTensors { tensors["ensemble.\(k).\(key)"] = tensor }
    for (key, value) in ownMetadata where Self.isOwn(key) { metadata["ensemble.\(k).\(key)"] = value }
  }

  /// A model file's `tensors` and `metadata` split into the first member's (with the shared
  /// metadata) and each further member's, with the shared metadata too, in order.
  static func ownParts(_ tensors: [String: TensorArchive.Tensor], _ metadata: [String: String]) -> (
    own: (tensors: [String: TensorArchive.Tensor], metadata: [String: String]),
    members: [(tensors: [String: TensorArchive.Tensor], metadata: [String: String])]
  ) {
    let shared = metadata.filter { !$0.key.hasPrefix("ensemble.") }
    var members: [(tensors: [String: TensorArchive.Tensor], metadata: [String: String])] = []
    var k = 1
    while metadata["ensemble.\(k).seismo.detector"] != nil {
      let prefix = "ensemble.\(k)."
      func own<Value>(_ entries: [String: Value]) -> [String: Value] {
        Dictionary(
          uniqueKeysWithValues: entries.filter { $0.key.hasPrefix(prefix) }.map {
            (String($0.key.dropFirst(prefix.count)), $0.value)
          })
      }
      members.append((own(tensors), shared.filter { !isOwn($0.key) }.merging(own(metadata)) { $1 }))
      k += 1
    }
    return ((tensors.filter { !$0.key.hasPrefix("ensemble.") }, shared), members)
  }
}

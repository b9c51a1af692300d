import Foundation

/// Per-feature affine scaling, `x' = (x − offset) / scale`, fitted on training rows only and
/// saved with a model so new data is scaled exactly as the training data was.
public struct FeatureScaler: Sendable, Codable, Equatable {
  public enum Kind: String, Sendable, Codable, CaseIterable {
    /// Mean 0, standard deviation 1 (population std, as scikit-learn's `StandardScaler`).
    case standard
    /// Training minimum → 0, training maximum → 1 (scikit-learn's `MinMaxScaler`).
    case minmax
    /// Identity.
    case none
  }

  public let kind: Kind
  /// One per feature.
  public let offset: [Float]
  /// One per feature; never zero (a constant feature gets scale 1).
  public let scale: [Float]

  /// Fits on every row of `frame`. Pass only the training rows.
  public init(_ kind: Kind, fittedOn frame: Frame) {
    self.init(kind, fittedOn: frame.values, featureCount: frame.featureCount)
  }

  /// Fits on row-major `values` with `featureCount` features per row.
  public init(_ kind: Kind, fittedOn values: [Float], featureCount f: Int) {
    let n = values.count / max(f, 1)
    let frame = (values: values, f: f)
    var offset = [Float](repeating: 0, count: f)
    var scale = [Float](repeating: 1, count: f)
    for j in 0..<f where n > 0 {
      switch kind {
      case .standard:
        var sum = 0.0
        for r in 0..<n { sum += Double(frame.values[r * f + j]) }
        let mean = sum / Double(n)
        var squares = 0.0
        for r in 0..<n {
          let d = Double(frame.values[r * f + j]) - mean
          squares += d * d
        }
        offset[j] = Float(mean)
        let std = (squares / Double(n)).squareRoot()
        scale[j] = std > 0 ? Float(std) : 1
      case .minmax:
        var lo = frame.values[j]
        var hi = lo
        for r in 1..<n {
          lo = min(lo, frame.values[r * f + j])
          hi = max(hi, frame.values[r * f + j])
        }
        offset[j] = lo
        scale[j] = hi > lo ? hi - lo : 1
      case .none:
        break
      }
    }
    self.init(kind: kind, offset: offset, scale: scale)
  }

  public init(kind: Kind, offset: [Float], scale: [Float]) {
    self.kind = kind
    self.offset = offset
    self.scale = scale
  }

  /// Scaled copy of row-major `values` with `offset.count` features per row.
  public func transform(_ values: [Float]) -> [Float] {
    let f = offset.count
    var out = values
    for i in out.indices { out[i] = (out[i] - offset[i % f]) / scale[i % f] }
    return out
  }

  /// Back to original units.
  public func inverse(_ values: [Float]) -> [Float] {
    let f = offset.count
    var out = values
    for i in out.indices { out[i] = out[i] * scale[i % f] + offset[i % f] }
    return out
  }

  /// An error in scaled units for `feature`, in original units (multiplied by the scale).
  public func unscaledError(_ error: Float, feature: Int) -> Float { error * scale[feature] }
}

extension FeatureScaler {
  /// The scaler and the feature names it was fitted on, as a saved model's metadata (`scaler` and
  /// `features`, JSON).
  public func metadata(features: [String]) throws -> [String: String] {
    let encoder = JSONEncoder()
    return [
      "scaler": String(decoding: try encoder.encode(self), as: UTF8.self),
      "features": String(decoding: try encoder.encode(features), as: UTF8.self),
    ]
  }

  /// The scaler and feature names saved by `metadata(features:)`, checked: one finite offset and
  /// one positive scale per feature. `detector` names the plugin in errors.
  public static func restore(from metadata: [String: String], detector: String) throws -> (FeatureScaler, [String]) {
    guard let scalerText = metadata["scaler"], let featuresText = metadata["features"],
      let scaler = try? JSONDecoder().decode(FeatureScaler.self, from: Data(scalerText.utf8)),
      let features = try? JSONDecoder().decode([String].self, from: Data(featuresText.utf8)),
      scaler.offset.count == features.count, scaler.scale.count == features.count
    else { throw SeismoError.state("the saved state has no usable scaler and feature list for \(detector)") }
    guard scaler.offset.allSatisfy(\.isFinite), scaler.scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw SeismoError.state("the saved \(detector) scaler has a non-finite offset or a scale that is not positive")
    }
    return (scaler, features)
  }
}

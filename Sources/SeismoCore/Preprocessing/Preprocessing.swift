/// The data preparation in front of a model: a `SeriesTransform`, then a `FeatureScaler` fitted on
/// the transformed training rows.
///
/// Fitted once on the training rows, it prepares every frame the same way: the training rows in
/// `fit`, any rows in `score`, permuted copies for feature importance, and new data scored with a
/// saved model. A detector that prepares data only through this type cannot train on one
/// representation and score another.
public struct Preprocessing: Sendable, Equatable {
  public let transform: SeriesTransform
  public let scaler: FeatureScaler

  public init(transform: SeriesTransform, scaler: FeatureScaler) {
    self.transform = transform
    self.scaler = scaler
  }

  /// Fits the scaler on `train` after the transform.
  public init(transform: SeriesTransform, scaler kind: FeatureScaler.Kind, fittedOn train: Frame) throws {
    let series = try transform.apply(to: train)
    self.init(transform: transform, scaler: FeatureScaler(kind, fittedOn: series, featureCount: train.featureCount))
  }

  /// Rows lost at the start: prepared row i is frame row i + `lostRows`.
  public var lostRows: Int { transform.lostRows }

  /// `frame`'s values prepared, row-major `(frame.rowCount − lostRows, features)`.
  public func apply(_ frame: Frame) throws -> [Float] {
    scaler.transform(try transform.apply(to: frame))
  }

  /// Row-major `(rows, featureCount)` values prepared, `rows − lostRows` rows (a forecast's own
  /// history, which is no frame).
  public func apply(_ values: [Float], featureCount f: Int) throws -> [Float] {
    scaler.transform(try transform.apply(values, featureCount: f))
  }
}

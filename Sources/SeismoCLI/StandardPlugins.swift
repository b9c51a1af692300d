import CSVSource
import Discord
import HTMLReportSink
import LSTMAutoencoder
import LSTMForecaster
import PermutationImportance
import PostgresSink
import PostgresSource
import RollingZScore
import SeismoCore
import Thresholds

/// Every plugin that ships with Seismo. The CLI and this registry are the only places that know
/// them all; adding a plugin means one line here.
public enum StandardPlugins {
  public static let registry: PluginRegistry = {
    var registry = PluginRegistry()
    registry.register(source: CSVSource.self)
    registry.register(source: PostgresSource.self)
    registry.register(detector: RollingZScoreDetector.self)
    registry.register(detector: LSTMAutoencoderDetector.self)
    registry.register(detector: LSTMForecasterDetector.self)
    registry.register(detector: DiscordDetector.self)
    registry.register(threshold: PercentileThreshold.self)
    registry.defaultThreshold = PercentileThreshold.descriptor.name
    registry.register(threshold: FixedThreshold.self)
    registry.register(threshold: LikelihoodThreshold.self)
    registry.register(threshold: SPOTThreshold.self)
    registry.register(threshold: DynamicThreshold.self)
    registry.register(importance: PermutationImportance.self)
    registry.register(sink: PostgresSink.self)
    registry.register(sink: HTMLReportSink.self)
    return registry
  }()
}

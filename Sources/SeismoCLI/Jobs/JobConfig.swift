import Foundation
import PostgresSink
import PostgresSource
import SeismoCore

/// How a run config becomes a queued job and a claimed job becomes a run config again.
///
/// A job's results always go to the queue's database, in the transaction that finishes the job,
/// so the only sink a job config may name is `postgres`, and only its `save_model` is used.
/// A postgres source with no `url` reads from the queue's database too.
enum JobConfig {
  /// `config` as it is stored in `seismo.jobs.config`: no passwords, no sink other than postgres.
  static func stored(_ config: RunConfig) throws -> String {
    if let sink = config.sinks.first(where: { $0.plugin != PostgresSink.descriptor.name }) {
      throw SeismoError.config(
        key: "sink.plugin", location: nil,
        message: "a job writes its results to the queue's database; remove the '\(sink.plugin)' sink")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(config.withoutSecrets), as: UTF8.self)
  }

  /// The warning for a postgres sink that names a database other than the queue's (`queueURL`,
  /// as given): a job's results go to the queue's, whatever the sink names; nil when it names
  /// none, or the same.
  static func unusedSinkURL(_ config: RunConfig, queueURL: String) -> String? {
    guard let url = config.sinks.first?.parameters.ifDeclared(PostgresSink.url), !url.isEmpty, url != queueURL else {
      return nil
    }
    return
      "warning: sink.url is not where these jobs' results go: a job writes them to the queue's database (--url), whatever its sink names"
  }

  /// `config` with a postgres source that has no connection of its own reading from `url`.
  static func connecting(_ config: RunConfig, to url: String) -> RunConfig {
    var config = config
    if config.source.parameters.ifDeclared(PostgresSource.url) == "" { config.source.parameters.set(PostgresSource.url, url) }
    return config
  }

  /// The config of a claimed job, checked again against the current plugins, its source
  /// narrowed to the job's indicator, its sink removed; and whether to keep the model.
  static func claimed(
    _ json: String, job: Int64, indicator: String?, queueURL: String, registry: PluginRegistry
  ) throws -> (RunConfig, saveModel: Bool) {
    var config = try RunConfig.stored(Data(json.utf8), origin: "job \(job)", registry: registry)
    let saveModel = try config.sinks.contains { choice in
      guard let entry = registry.sinks[choice.plugin] else {
        throw SeismoError.state("sink plugin '\(choice.plugin)' is not registered")
      }
      return try entry.make(choice.parameters).savesModel
    }
    config.sinks = []
    config = connecting(config, to: queueURL)
    if let indicator { config.source = registry.narrowed(config.source, to: indicator) ?? config.source }
    return (config, saveModel)
  }

  /// `loaded` cut to the feature named `indicator`.
  static func selecting(_ indicator: String, in loaded: LoadedFrame, job: Int64) throws -> LoadedFrame {
    let names = loaded.frame.featureNames
    guard let j = names.firstIndex(of: indicator) else {
      throw SeismoError.invalidInput(
        "job \(job): no indicator '\(indicator)' in \(loaded.origin) (it has \(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", …" : ""))"
      )
    }
    return loaded.selecting(feature: j)
  }
}

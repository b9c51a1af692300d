import Foundation
import PostgresSink
import SeismoCore

/// How a run config becomes a queued job and a claimed job becomes a run config again.
///
/// A job's results always go to the queue's database, in the transaction that finishes the job,
/// so the only sink a job config may name is `postgres`, and only its `save_model` is used.
/// A postgres source with no `url` reads from the queue's database too.
enum JobConfig {
  /// `config` as it is stored in `seismo.jobs.config`: no passwords, no sink other than postgres.
  static func stored(_ config: RunConfig) throws -> String {
    if let sink = config.sink, sink.plugin != PostgresSink.descriptor.name {
      throw SeismoError.config(
        key: "sink.plugin", location: nil,
        message: "a job writes its results to the queue's database; remove the '\(sink.plugin)' sink")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(config.withoutSecrets), as: UTF8.self)
  }

  /// `config` with a postgres source that has no connection of its own reading from `url`.
  static func connecting(_ config: RunConfig, to url: String) -> RunConfig {
    var config = config
    if case .text("")? = config.source.parameters.values["url"] { config.source.parameters.set("url", .text(url)) }
    return config
  }

  /// The config of a claimed job, checked again against the current plugins, its source
  /// narrowed to the job's indicator, its sink removed; and whether to keep the model.
  static func claimed(_ json: String, job: Int64, indicator: String?, queueURL: String) throws -> (RunConfig, saveModel: Bool) {
    var config = try RunConfig.stored(Data(json.utf8), origin: "job \(job)", registry: StandardPlugins.registry)
    let saveModel =
      try config.sink.map { choice in
        guard let entry = StandardPlugins.registry.sinks[choice.plugin] else {
          throw SeismoError.state("sink plugin '\(choice.plugin)' is not registered")
        }
        return try entry.make(choice.parameters).savesModel
      } ?? false
    config.sink = nil
    config = connecting(config, to: queueURL)
    if let indicator { config.source = narrowed(config.source, to: indicator) }
    return (config, saveModel)
  }

  /// `source` asked to load `indicator` only, when it can say so: a long table through
  /// `symbols`, a wide table or CSV file through `columns`; a `query` loads what it selects.
  static func narrowed(_ source: PluginChoice, to indicator: String) -> PluginChoice {
    var source = source
    let declared = Set(StandardPlugins.registry.descriptor(.source, named: source.plugin)?.parameters.map(\.name) ?? [])
    if case .text(let query)? = source.parameters.values["query"], !query.isEmpty { return source }
    if case .text("long")? = source.parameters.values["layout"], declared.contains("symbols") {
      source.parameters.set("symbols", .textList([indicator]))
    } else if declared.contains("columns") {
      source.parameters.set("columns", .textList([indicator]))
    }
    return source
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

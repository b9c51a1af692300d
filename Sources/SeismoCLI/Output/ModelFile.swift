import CSVSource
import Foundation
import SeismoCore

/// Refuses a --save-model path that would destroy something: a folder, the run's input file,
/// a file inside the run's output folder, or an existing file that is not a Seismo model
/// (unless `force`). Checked before any work.
func checkModelPath(_ path: String, config: RunConfig, out: String?, force: Bool) throws {
  let target = resolvedPath(path)
  var isDirectory: ObjCBool = false
  let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
  if exists, isDirectory.boolValue {
    throw SeismoError.file(path: path, message: "is a folder; --save-model takes a file name")
  }
  if (config.source.parameters.ifDeclared(CSVSource.path) ?? []).contains(where: { resolvedPath($0) == target }) {
    throw SeismoError.file(path: path, message: "is the run's input data; save the model under another name")
  }
  if let out, isPath(path, inside: out) {
    throw SeismoError.file(path: path, message: "is inside the run's output folder \(out); save the model elsewhere")
  }
  guard exists, !force else { return }
  let isModel = FileManager.default.contents(atPath: target).map { (try? SavedModel.decode($0, origin: path)) != nil } ?? false
  if !isModel {
    throw SeismoError.file(path: path, message: "exists and is not a Seismo model; pass --force to replace it")
  }
}

import Foundation
import SeismoCore

/// The bytes of the file at `path`, or an error naming it: no such file, a folder (`folderHint`
/// says what to give instead), or unreadable.
func readFile(_ path: String, folderHint: String) throws -> Data {
  var isFolder: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
    throw SeismoError.file(path: path, message: "no such file")
  }
  guard !isFolder.boolValue else { throw SeismoError.file(path: path, message: "is a folder; \(folderHint)") }
  guard let bytes = FileManager.default.contents(atPath: path) else {
    throw SeismoError.file(path: path, message: "cannot be read (check its permissions)")
  }
  return bytes
}

/// Writes `data` to `path` atomically: into a hidden temporary file beside it, renamed into
/// place. A failure or an interrupt removes the temporary file and leaves `path` as it was.
func write(_ data: Data, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  var isFolder: ObjCBool = false
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
    throw SeismoError.file(path: path, message: "is a folder; give a file name")
  }
  let temporary = url.deletingLastPathComponent().appendingPathComponent(
    ".\(url.lastPathComponent).seismo-tmp-\(ProcessInfo.processInfo.processIdentifier)"
  ).path
  let cleanup = Interrupts.onInterrupt { unlink(temporary) }
  defer { Interrupts.done(cleanup) }
  guard FileManager.default.createFile(atPath: temporary, contents: data) else {
    unlink(temporary)
    throw SeismoError.file(path: path, message: "cannot write (\(String(cString: strerror(errno))))")
  }
  try Interrupts.deferring {
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw SeismoError.file(path: path, message: "cannot write (\(reason))")
    }
  }
}

/// Throws, naming `path`, when a file is there: `option` (`--out`) takes a folder.
func checkOutputFolder(_ path: String, for option: String = "--out") throws {
  var isFolder: ObjCBool = false
  if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
    throw SeismoError.file(path: path, message: "is a file; \(option) takes a folder")
  }
}

/// Makes folder `path` for `option` (`--out`), with its parents, unless it exists; a file there,
/// or a folder that cannot be made, is an error naming it, before any work.
func makeOutputFolder(_ path: String, for option: String = "--out") throws {
  try checkOutputFolder(path, for: option)
  guard !FileManager.default.fileExists(atPath: path) else { return }
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  } catch {
    throw SeismoError.file(path: path, message: "cannot create the folder (\(error.localizedDescription))")
  }
}

/// `path` made absolute, with `.` and `..` and symbolic links resolved: two names of one file
/// compare equal.
func resolvedPath(_ path: String) -> String {
  URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
}

/// Whether `path` is `folder` or lies inside it, symbolic links resolved.
func isPath(_ path: String, inside folder: String) -> Bool {
  (resolvedPath(path) + "/").hasPrefix(resolvedPath(folder) + "/")
}

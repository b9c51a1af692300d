import Foundation
import SeismoCore

/// An output folder that appears complete or not at all.
///
/// Files are written into a hidden sibling (`.NAME.seismo-staging`), which `commit` renames into
/// place; a folder already there (an earlier run's) is moved aside first and removed after. A
/// failure, or SIGINT/SIGTERM, removes the staging folder and leaves any earlier folder as it
/// was. A `FolderLock` keeps a second seismo process from writing the same folder meanwhile.
final class StagedFolder {
  /// Where the folder ends up.
  let destination: String
  /// Where files are written until `commit`.
  let staging: String
  private let aside: String
  private let lock: FolderLock
  private var cleanup: Int?

  /// Locks `destination` and creates an empty staging folder. Refuses a destination that
  /// exists and holds anything but a seismo run, since committing would replace it.
  init(_ destination: String) throws {
    let url = URL(fileURLWithPath: destination).standardizedFileURL
    let parent = url.deletingLastPathComponent()
    self.destination = destination
    staging = parent.appendingPathComponent(".\(url.lastPathComponent).seismo-staging").path
    aside = parent.appendingPathComponent(".\(url.lastPathComponent).seismo-old").path
    let files = FileManager.default
    do {
      try files.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw SeismoError.file(path: parent.path, message: "cannot create the folder (\(error.localizedDescription))")
    }
    lock = try FolderLock(for: destination)
    Self.recover(destination: url.path, aside: aside)
    try? files.removeItem(atPath: staging)  // left by a run that was killed
    var isFolder: ObjCBool = false
    if files.fileExists(atPath: destination, isDirectory: &isFolder) {
      let contents = (try? files.contentsOfDirectory(atPath: destination)) ?? []
      guard isFolder.boolValue, contents.isEmpty || contents.contains(RunFolder.summaryFile) else {
        lock.release()
        throw SeismoError.file(
          path: destination,
          message: isFolder.boolValue
            ? "exists and is not a seismo run folder; choose another --out (a run replaces its folder)"
            : "is a file; --out takes a folder")
      }
    }
    do {
      try files.createDirectory(atPath: staging, withIntermediateDirectories: false)
    } catch {
      lock.release()
      throw SeismoError.file(path: destination, message: "cannot create the output folder (\(error.localizedDescription))")
    }
    let (staging, lockFile) = (self.staging, lock.path)
    cleanup = Interrupts.onInterrupt {
      try? FileManager.default.removeItem(atPath: staging)
      unlink(lockFile)
    }
  }

  /// Renames the staging folder into place, replacing an earlier run's folder.
  func commit() throws {
    try Interrupts.deferring {
      let files = FileManager.default
      let replacing = files.fileExists(atPath: destination)
      if replacing {
        try? files.removeItem(atPath: aside)
        guard rename(destination, aside) == 0 else { throw failure("cannot move the earlier run aside") }
      }
      guard rename(staging, destination) == 0 else {
        let error = failure("cannot move the finished run into place")
        if replacing { rename(aside, destination) }
        throw error
      }
      if replacing { try? files.removeItem(atPath: aside) }
      finish()
    }
  }

  /// Removes the staging folder; an earlier folder at the destination stays as it was.
  func abandon() {
    try? FileManager.default.removeItem(atPath: staging)
    finish()
  }

  /// Writes with `body` into the staging folder and commits, or abandons on any error. Errors
  /// name files by where they were to end up, not by the hidden staging folder.
  @discardableResult
  func fill<T>(_ body: (String) throws -> T) throws -> T {
    do {
      let value = try body(staging)
      try commit()
      return value
    } catch SeismoError.file(let path, let message) where path.hasPrefix(staging) {
      abandon()
      throw SeismoError.file(path: destination + path.dropFirst(staging.count), message: message)
    } catch {
      abandon()
      throw error
    }
  }

  private func finish() {
    if let cleanup { Interrupts.done(cleanup) }
    cleanup = nil
    lock.release()
  }

  private func failure(_ what: String) -> SeismoError {
    .file(path: destination, message: "\(what) (\(String(cString: strerror(errno))))")
  }

  /// A run killed between moving the earlier folder aside and renaming the new one into place
  /// left the earlier folder aside: put it back.
  private static func recover(destination: String, aside: String) {
    let files = FileManager.default
    if files.fileExists(atPath: aside) {
      if files.fileExists(atPath: destination) { try? files.removeItem(atPath: aside) } else { rename(aside, destination) }
    }
  }

  deinit { if cleanup != nil { abandon() } }
}

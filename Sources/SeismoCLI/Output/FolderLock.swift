import Foundation
import SeismoCore

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock on an output path, held by one process at a time: a hidden lock file
/// beside it (`.NAME.seismo-lock`) locked with `flock`. The kernel releases it if the process
/// dies, so a crashed run never blocks the next one.
final class FolderLock {
  let path: String
  private var descriptor: Int32

  /// Takes the lock for `target`, or throws at once if another process holds it.
  init(for target: String) throws {
    let url = URL(fileURLWithPath: target).standardizedFileURL
    path = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).seismo-lock").path
    while true {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw SeismoError.file(path: target, message: "cannot create its lock file (\(String(cString: strerror(errno))))")
      }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        close(fd)
        throw SeismoError.file(
          path: target, message: "another seismo run is writing here; wait for it or choose another --out")
      }
      // The holder before us may have removed the file after we opened it: lock the file that
      // is at the path now.
      var held = stat()
      var current = stat()
      if fstat(fd, &held) == 0, stat(path, &current) == 0, held.st_ino == current.st_ino, held.st_dev == current.st_dev {
        descriptor = fd
        return
      }
      close(fd)
    }
  }

  /// Removes the lock file and releases the lock.
  func release() {
    guard descriptor >= 0 else { return }
    unlink(path)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}

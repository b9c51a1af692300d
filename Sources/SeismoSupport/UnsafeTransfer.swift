/// Hands non-Sendable values (buffers, replicas) to worker threads (`concurrentPerform`, a
/// trainer's team) that touch disjoint parts of them: the caller vouches for the disjointness
/// the compiler cannot see.
public struct UnsafeTransfer<Value>: @unchecked Sendable {
  public let value: Value
  public init(_ value: Value) { self.value = value }
}

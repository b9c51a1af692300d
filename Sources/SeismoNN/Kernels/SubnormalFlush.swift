import CSeismoKernels

/// Runs `body` with this thread flushing subnormal floats to zero (`seismo_flush_subnormals`),
/// then restores the thread's mode. Training and inference run inside it: on x86 each operation
/// on a subnormal costs about a hundred cycles, and Adam's moments of a weight whose gradient
/// stays zero (a dead relu unit) decay through the subnormal range for thousands of steps. Values
/// below 1.2e-38 become zero; TensorFlow's threads do the same.
@inline(__always)
func withSubnormalsFlushed<T>(_ body: () throws -> T) rethrows -> T {
  let mode = seismo_flush_subnormals()
  defer { seismo_restore_float_mode(mode) }
  return try body()
}

import CSeismoKernels

/// The instruction set Seismo's C kernels run on here.
public enum KernelInstructionSet {
  /// "AVX-512", "AVX2" or "baseline": the build of the products that the loader bound, the
  /// widest the CPU has (the element-wise kernels choose the same way). Benchmarks print it, as
  /// the products run about twice as fast on AVX-512 as on AVX2 at the same clock.
  public static var current: String { String(cString: seismo_kernel_instruction_set()) }
}

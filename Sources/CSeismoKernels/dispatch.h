// What the kernels' source files share: the instruction-set dispatch and forced inlining.
#ifndef SEISMO_KERNELS_DISPATCH_H
#define SEISMO_KERNELS_DISPATCH_H

// On x86-64 Linux, a function so marked is compiled for AVX-512, AVX2 and the baseline, and the
// loader binds the widest the CPU has.
#if defined(__x86_64__) && defined(__linux__)
#define WIDEST_AVAILABLE __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WIDEST_AVAILABLE
#endif

#define INLINE static inline __attribute__((always_inline))

#endif

// What the kernels' source files share: the instruction-set dispatch and forced inlining.
#ifndef SEISMO_KERNELS_DISPATCH_H
#define SEISMO_KERNELS_DISPATCH_H

// On x86-64 Linux, a function so marked is compiled for AVX-512, AVX2 and the baseline, and the
// loader binds the widest the CPU has.
#if defined(__x86_64__) && defined(__linux__)
#define WIDEST_AVAILABLE __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
// The same two instruction sets, for a function built for one of them by hand (where each set
// needs its own source, as the products' register blocking does). Features, not `arch=`, keep
// the generic tuning that target_clones compiles its builds with: `arch=x86-64-v4` scheduled the
// AVX-512 product differently.
#define X86_64_V3 "avx,avx2,bmi,bmi2,cx16,crc32,f16c,fma,lzcnt,movbe,popcnt,sahf,xsave"
#define X86_64_V4 X86_64_V3 ",avx512f,avx512bw,avx512cd,avx512dq,avx512vl,evex512"
#else
#define WIDEST_AVAILABLE
#endif

#define INLINE static inline __attribute__((always_inline))

#endif

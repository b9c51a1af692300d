#include <cblas.h>

/* Exported by OpenBLAS's DYNAMIC_ARCH builds (Debian's): re-run kernel selection, which reads
   the OPENBLAS_CORETYPE environment variable. */
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);

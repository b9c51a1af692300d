// Runs every C kernel on fixed data and prints a checksum of each result's bits, and one product
// entry beside its value summed in double. scripts/check-kernel-paths.sh compares the output across
// instruction sets.
#include "seismo_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
static unsigned long long mix(const float *x, size_t n) { unsigned long long h = 1469598103934665603ULL; for (size_t i=0;i<n;i++){unsigned u; memcpy(&u,x+i,4); h = (h ^ u) * 1099511628211ULL;} return h; }
int main(){
  size_t B=5, H=50;
  float *g=malloc(B*4*H*4),*g2=malloc(B*4*H*4),*cp=malloc(B*H*4),*c=malloc(B*H*4),*a=malloc(B*H*4),*h=malloc(B*H*4),*dh=malloc(B*H*4),*dy=malloc(B*H*4),*dc=malloc(B*H*4),*dz=malloc(B*4*H*4);
  for(size_t i=0;i<B*4*H;i++) g[i]=3*sinf(0.37f*i);
  for(size_t i=0;i<B*H;i++){cp[i]=cosf(0.11f*i); dh[i]=sinf(0.7f*i); dy[i]=cosf(0.3f*i); dc[i]=0.5f*sinf(0.2f*i);}
  for (int act=0; act<4; act++){
    memcpy(g2,g,B*4*H*4);
    seismo_lstm_cell_forward(g2,cp,c,a,h,B,H,act);
    float dcc[250]; memcpy(dcc,dc,B*H*4);
    seismo_lstm_cell_backward(g2,cp,a,dh,dy,dcc,dz,B,H,act);
    printf("act %d forward %016llx %016llx backward %016llx %016llx  h[7]=%.9g\n",act,mix(g2,B*4*H),mix(h,B*H),mix(dz,B*4*H),mix(dcc,B*H),h[7]);
  }
  float x[1000], y[1000]; for(int i=0;i<1000;i++) x[i]=(i-500)*0.02f;
  memcpy(y,x,sizeof y); seismo_tanh(y,1000); printf("tanh %016llx\n",mix(y,1000));
  memcpy(y,x,sizeof y); seismo_sigmoid(y,1000); printf("sigmoid %016llx\n",mix(y,1000));
  float w[37],m[37],v[37],gr[37]; for(int i=0;i<37;i++){w[i]=sinf(i);m[i]=0.1f*cosf(i);v[i]=0.01f*(1+sinf(i));gr[i]=cosf(2*i);}
  seismo_adam_update(w,m,v,gr,37,0.001f,0.9f,0.999f,1e-7f); printf("adam %016llx\n",mix(w,37));
  size_t M=13,N=83,K=29; float *A=malloc(M*K*4),*Bm=malloc(K*N*4),*C=malloc(M*N*4),*D=malloc(N*4);
  for(size_t i=0;i<M*K;i++)A[i]=sinf(0.1f*i); for(size_t i=0;i<K*N;i++)Bm[i]=cosf(0.07f*i); for(size_t i=0;i<N;i++)D[i]=0.3f*i;
  seismo_small_product(M,N,K,A,K,1,Bm,N,D,0,C,N); 
  double ref=0; for(size_t p=0;p<K;p++) ref+= (double)A[2*K+p]*Bm[p*N+70]; ref+=D[70];
  printf("product %016llx  C[2,70]=%.9g ref %.9g\n",mix(C,M*N),C[2*N+70],ref);
}

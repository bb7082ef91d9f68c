/* A tiny program whose memory accesses AgeLab's lackey sample records.
 * It writes a 64 KiB buffer one byte per 4 KiB page, then reads it back
 * twice, so its own page references are easy to recognise in the trace. */
#include <stdlib.h>

int main(void) {
  enum { PAGES = 16, PAGE = 4096 };
  volatile char *buf = malloc(PAGES * PAGE);
  unsigned sum = 0;
  if (!buf) return 1;
  for (int p = 0; p < PAGES; p++) buf[p * PAGE] = (char)p;
  for (int round = 0; round < 2; round++)
    for (int p = 0; p < PAGES; p++) sum += (unsigned)buf[p * PAGE];
  free((void *)buf);
  return sum == 240 ? 0 : 1;
}

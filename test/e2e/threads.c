// A multi-threaded program whose threads name themselves, as JVMs and many C++
// servers do: one pid, several comm values in its audit records.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *work(void *arg) {
  const char *name = arg;
  pthread_setname_np(pthread_self(), name);
  char line[64];
  int n = snprintf(line, sizeof line, "%s did its work\n", name);
  write(1, line, n);
  return NULL;
}

int main(void) {
  static char *names[] = {"worker-alpha", "GC Thread#0"};
  pthread_t t[2];
  for (int i = 0; i < 2; i++) {
    if (pthread_create(&t[i], NULL, work, names[i]) != 0) return 1;
    pthread_join(t[i], NULL); /* one at a time: the output is deterministic */
  }
  printf("threads done\n");
  return 0;
}

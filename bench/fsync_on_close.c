// LD_PRELOAD shim for bench/durable-storescp.sh: fdatasync(2) every regular file opened for writing
// before it is closed, through close(2) or fclose(3) (glibc's fclose closes through an internal call,
// so both are caught). It makes DCMTK storescp acknowledge only what is on the disk, as pacsgate does.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void sync_if_written(int fd) {
  struct stat st;
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0 && (fl & O_ACCMODE) != O_RDONLY && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) fdatasync(fd);
}

int close(int fd) {
  static int (*real_close)(int);
  if (!real_close) real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
  sync_if_written(fd);
  return real_close(fd);
}

int fclose(FILE* f) {
  static int (*real_fclose)(FILE*);
  if (!real_fclose) real_fclose = (int (*)(FILE*))dlsym(RTLD_NEXT, "fclose");
  if (f) {
    fflush(f);
    sync_if_written(fileno(f));
  }
  return real_fclose(f);
}

/* Fuzz gx-normalize as a whole (lib/normalize.c) on arbitrary document
 * streams: the bytes are written to a file and read as the tool reads its
 * operands; the facts go to /dev/null. Never a crash, a leak or a read
 * outside a buffer, whatever the cells, label paths and text hold. */
#include "normalize.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char header[] =
    "doc\tline\tpage\tpara\tsec\tlevel\tkind\trole\ttable\trow\tcol\trowhead\tcolhead\ttext\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    static int fd = -1;
    if (fd < 0) {
        char tmpl[] = "/tmp/fuzz_normalize_doc.XXXXXX";
        fd = mkstemp(tmpl);
        if (fd < 0) abort();
        unlink(tmpl);                  /* read back through /proc/self/fd */
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        int null = open("/dev/null", O_WRONLY);   /* the facts */
        if (null < 0 || dup2(null, 1) < 0) abort();
        close(null);
    }
    /* the header first, so that the records themselves are exercised */
    if (ftruncate(fd, 0) != 0) abort();
    if (pwrite(fd, header, sizeof header - 1, 0) != (ssize_t)(sizeof header - 1)) abort();
    if (size && pwrite(fd, data, size, sizeof header - 1) != (ssize_t)size) abort();
    nz_opts o;
    memset(&o, 0, sizeof o);
    o.no_header = true;
    char *argv[] = {path, NULL};
    (void)nz_run(&o, 1, argv, NULL);
    return 0;
}

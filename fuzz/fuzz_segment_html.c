/* Fuzz the HTML-to-lines converter: any bytes in, lines out, every table
 * row line tagged, no read past the input. */
#include "segment.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gx_buf out;
    gx_buf_init(&out);
    int *tables = NULL;
    size_t cap = 0;
    (void)gx_seg_looks_html((const char *)data, size);
    gx_seg_html((const char *)data, size, &out, &tables, &cap);
    size_t lines = 0;
    for (size_t i = 0; i < out.len; i++) lines += out.data[i] == '\n';
    if (out.len && out.data[out.len - 1] != '\n') abort();
    if (lines > cap && lines > 0) abort();
    free(tables);
    gx_buf_free(&out);
    return 0;
}

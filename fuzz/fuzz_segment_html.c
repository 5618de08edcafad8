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
    /* the <title>: no control line ends in it, never longer than the page */
    gx_seg_html_title((const char *)data, size, &out);
    if (out.len > size * 4 + 16) abort();
    for (size_t i = 0; i < out.len; i++)
        if (out.data[i] == '\n' || out.data[i] == '\t') abort();
    free(tables);
    gx_buf_free(&out);
    return 0;
}

/* Fuzz the whole segmenter (decode, HTML, table blocks, headings, kinds,
 * paragraphs) on arbitrary bytes, and check the invariants of its result. */
#include "segment.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the first byte picks the input form, the rest is the report */
    int from = size ? data[0] % 4 : 0;
    if (size) { data++; size--; }
    gx_seg_doc d;
    gx_seg_doc_init(&d);
    gx_buf sec;
    gx_buf_init(&sec);
    if (gx_seg_load(&d, (const char *)data, size, "fuzz", from)) {
        for (size_t i = 0; i < d.nlines; i++) {
            const gx_seg_line *l = &d.lines[i];
            if (l->off + l->len > d.text.len) abort();
            if (l->role == ROLE_HEADING && l->table) abort();
            if (l->table && l->role != ROLE_TABLE && l->role != ROLE_BLANK) abort();
            if (gx_seg_level(&d, i) < 0 || gx_seg_level(&d, i) >= GX_SEG_MAXDEPTH) abort();
            if (!gx_seg_kind(&d, i)) abort();
            gx_seg_sec(&d, i, &sec);
        }
    }
    gx_buf_free(&sec);
    gx_seg_doc_free(&d);
    return 0;
}

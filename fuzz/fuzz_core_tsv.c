/* Fuzz the gx-TSV record splitter and unescaper, and the matching
 * normalisation, on arbitrary bytes. */
#include "gx.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    memcpy(line, data, size);
    line[size] = 0;
    gx_record rec = {0};
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {        /* one record per LF */
        if (i == size || line[i] == '\n') {
            line[i] = 0;
            int n = gx_tsv_split(&rec, line + start, i - start);
            for (int j = 0; j < n; j++)
                if (strlen(rec.f[j]) > rec.len[j]) abort();
            start = i + 1;
        }
    }
    gx_record_free(&rec);
    gx_buf b;
    gx_buf_init(&b);
    gx_norm_match((const char *)data, size, &b);
    gx_norm_keep_space((const char *)data, size, &b);
    gx_buf_free(&b);
    (void)gx_display_width((const char *)data, size);
    (void)gx_cjk_number((const char *)data, size > 64 ? 64 : size);
    size_t n = size;
    (void)gx_trim((const char *)data, &n);
    free(line);
    return 0;
}

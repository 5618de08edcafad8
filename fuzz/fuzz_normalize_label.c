/* Fuzz the label normaliser and matcher of gx-normalize
 * (lib/normalize_label.c): keys and paths of arbitrary bytes, matched
 * against the built-in label map. Never a crash; a path's part ends are
 * ordered and inside its key. */
#include "normalize.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nz_map map;
    static nz_path row, col;
    static gx_buf key;
    static int init;
    if (!init) {
        nz_map_load(&map, NULL);
        nz_path_init(&row);
        nz_path_init(&col);
        gx_buf_init(&key);
        init = 1;
    }
    const char *s = (const char *)data;
    char unit[32] = "";
    gx_buf_reset(&key);
    nz_label_key(s, size, &key, unit, sizeof unit);
    if (strlen(unit) >= sizeof unit) abort();
    /* split the input in two: a row path and a column path */
    size_t half = size / 2;
    nz_path_set(&row, s, half);
    nz_path_set(&col, s + half, size - half);
    size_t last = 0;
    for (int i = 0; i < row.n; i++) {
        if (row.end[i] < last || row.end[i] > row.key.len) abort();
        last = row.end[i];
    }
    const char *ctx[2] = {row.key.data, col.key.data};
    nz_match_in in = {&row, &col, ctx, 2, NZ_K_L1 | NZ_K_T2 | NZ_K_T3 | NZ_K_T4, {0, 2019, 2021, 0}};
    bool amb;
    const nz_entry *e = nz_map_best(&map, NZ_E_FACT, &in, &amb);
    if (e && !e->indicator[0]) abort();
    (void)nz_map_best(&map, NZ_E_DIM, &in, &amb);
    return 0;
}

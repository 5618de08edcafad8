/* fuzz_tables_grid.c - the table readers and the grid builder of gx-tables
 * on arbitrary bytes: the input is split into lines, read as TAB rows,
 * markdown pipe rows and pdftotext -layout lines, and each grid is built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

static tb_know *know;

static void sink(void *ctx, const tb_out *o)
{
    size_t *n = ctx;
    *n += strlen(o->rowhead) + strlen(o->colhead) + o->textlen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!know) know = tb_know_load();
    if (size > 1 << 16) return 0;
    /* a copy: the input bytes are not NUL-terminated */
    static gx_buf in;
    gx_buf_reset(&in);
    gx_buf_add(&in, (const char *)data, size);
    const char *s = in.data ? in.data : "";
    tb_grid g;
    tb_grid_init(&g);
    tb_carry carry;
    tb_carry_init(&carry);
    tb_line *lines = calloc(size + 1, sizeof *lines);
    int nl = 0;
    for (int mode = 0; mode < 3; mode++) {
        tb_grid_reset(&g);
        nl = 0;
        for (size_t a = 0; a <= size;) {
            const char *nlp = memchr(s + a, '\n', size - a);
            size_t e = nlp ? (size_t)(nlp - s) : size;
            if (mode == 0) tb_split_tabs(&g, s + a, e - a, nl, 0);
            else if (mode == 1) { if (!tb_split_pipes(&g, s + a, e - a, nl, 0)) tb_split_tabs(&g, s + a, e - a, nl, 0); }
            else { lines[nl].s = s + a; lines[nl].n = e - a; lines[nl].src = nl; lines[nl].page = 1 + nl / 7; }
            g.open = false;
            nl++;
            if (!nlp) break;
            a = e + 1;
        }
        if (mode == 2) tb_split_layout(know, &g, lines, nl);
        size_t total = 0;
        tb_build(know, &g, &carry, sink, &total);
    }
    free(lines);
    tb_carry_free(&carry);
    tb_grid_free(&g);
    return 0;
}

/* tables_csv.c - a CSV file (one table, e.g. exported from a spreadsheet)
 * as a document stream: one role=table row per record (the fields joined by
 * TAB in `text`), then the cell rows of the table. Parsed with libcsv. */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "text.h"

/* A CSV file that is not UTF-8 is read as GB18030 (what spreadsheets save
 * on Chinese systems). Returns false, with a message naming the line, when
 * the bytes are neither. */
static bool to_utf8(const char *path, gx_buf *in)
{
    if (gx_utf8_valid(in->data ? in->data : "", in->len)) return true;
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1) {
        gx_error_at(path, 0, "not UTF-8, and GB18030 is not available: %s", strerror(errno));
        return false;
    }
    gx_buf out;
    gx_buf_init(&out);
    gx_buf_reserve(&out, in->len * 2 + 16);
    char *src = in->data;
    size_t left = in->len;
    bool ok = true;
    while (left > 0) {
        char *dst = out.data + out.len;
        size_t room = out.cap - out.len - 1;
        size_t r = iconv(cd, &src, &left, &dst, &room);
        out.len = (size_t)(dst - out.data);
        if (r == (size_t)-1) {
            if (errno == E2BIG) { gx_buf_reserve(&out, out.cap); continue; }
            long line = 1;
            for (const char *p = in->data; p < src; p++) if (*p == '\n') line++;
            gx_error_at(path, line, "invalid bytes: neither UTF-8 nor GB18030");
            ok = false;
            break;
        }
    }
    iconv_close(cd);
    if (ok) {
        gx_buf_free(in);
        *in = out;
        gx_buf_addc(in, 0);
        in->len--;
    } else {
        gx_buf_free(&out);
    }
    return ok;
}

typedef struct csvctx {
    const gx_tables_opts *o;
    const char *doc;
    tb_grid    g;
    gx_buf     text;      /* the current record's fields joined by TAB */
    long       line;      /* physical line being fed */
    long       start;     /* first line of the current record */
    long      *lines;     /* first line of each record */
    int        nrec, caprec;
    bool       in_record;
    gx_buf     flags;
} csvctx;

static void out_row(csvctx *c, long line, const char *role, const char *row, const char *col,
                    const char *rowhead, const char *colhead, const char *text, size_t textlen,
                    const char *flags)
{
    gx_out_fields(c->doc); gx_outc('\t');
    gx_outl(line); gx_outs("\t1\t"); gx_outl(line); gx_outs("\t0\t0\tunknown\t");
    gx_outs(role); gx_outs("\t1\t");
    gx_out_fields(row); gx_outc('\t');
    gx_out_fields(col); gx_outc('\t');
    gx_out_fields(rowhead); gx_outc('\t');
    gx_out_fields(colhead); gx_outc('\t');
    gx_out_field(text, textlen);
    if (c->o->flags_column) { gx_outc('\t'); gx_out_fields(flags); }
    gx_outc('\n');
}

static void on_field(void *s, size_t n, void *data)
{
    csvctx *c = data;
    if (!c->in_record) {
        c->in_record = true;
        if (c->nrec == c->caprec) {
            c->caprec = c->caprec ? 2 * c->caprec : 64;
            c->lines = gx_xrealloc(c->lines, (size_t)c->caprec * sizeof *c->lines);
        }
        c->lines[c->nrec] = c->start;
        tb_grid_row(&c->g, c->nrec, 0);
        gx_buf_reset(&c->text);
    } else {
        gx_buf_addc(&c->text, '\t');
    }
    tb_grid_cell(&c->g, s ? s : "", s ? n : 0, c->nrec);
    gx_buf_add(&c->text, s ? s : "", s ? n : 0);
}

static void on_record(int term, void *data)
{
    (void)term;
    csvctx *c = data;
    if (!c->in_record) return;
    out_row(c, c->lines[c->nrec], "table", "", "", "", "",
            c->text.data ? c->text.data : "", c->text.len, "");
    c->in_record = false;
    c->g.open = false;
    c->nrec++;
    c->start = c->line + 1;
}

static void emit_cell(void *ctx, const tb_out *o)
{
    csvctx *c = ctx;
    char row[24], col[24];
    snprintf(row, sizeof row, "%d", o->row);
    snprintf(col, sizeof col, "%d", o->col);
    gx_buf_reset(&c->flags);
    tb_flags_text(o->flags, o->lead, &c->flags);
    gx_buf_addc(&c->flags, 0);
    long line = o->src >= 0 && o->src < c->nrec ? c->lines[o->src] : 0;
    out_row(c, line, "cell", row, col, o->rowhead, o->colhead, o->text, o->textlen, c->flags.data);
}

static void one_file(const gx_tables_opts *o, const tb_know *k, const char *path)
{
    gx_buf in;
    gx_buf_init(&in);
    if (!gx_slurp(path, &in) || !to_utf8(path, &in)) { gx_buf_free(&in); return; }
    csvctx c;
    memset(&c, 0, sizeof c);
    c.o = o;
    c.doc = o->doc ? o->doc : path;
    tb_grid_init(&c.g);
    gx_buf_init(&c.text);
    gx_buf_init(&c.flags);
    struct csv_parser p;
    csv_init(&p, CSV_APPEND_NULL);
    const char *s = in.data ? in.data : "";
    size_t n = in.len;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { s += 3; n -= 3; }
    c.line = 1;
    c.start = 1;
    bool bad = false;
    for (size_t a = 0; a < n && !bad;) {
        const char *nl = memchr(s + a, '\n', n - a);
        size_t e = nl ? (size_t)(nl - s) + 1 : n;
        if (memchr(s + a, '\0', e - a)) {
            gx_error_at(path, c.line, "NUL byte in a CSV file");
            bad = true;
            break;
        }
        if (csv_parse(&p, s + a, e - a, on_field, on_record, &c) != e - a) {
            gx_error_at(path, c.line, "%s", csv_strerror(csv_error(&p)));
            bad = true;
        }
        a = e;
        if (nl) { c.line++; if (!c.in_record) c.start = c.line; }
    }
    if (!bad) csv_fini(&p, on_field, on_record, &c);
    csv_free(&p);
    if (!bad && c.nrec > 0) tb_build(k, &c.g, NULL, emit_cell, &c);
    tb_grid_free(&c.g);
    gx_buf_free(&c.text);
    gx_buf_free(&c.flags);
    gx_buf_free(&in);
    free(c.lines);
}

void gx_tables_csv(const gx_tables_opts *o, gx_inputs *in)
{
    tb_know *k = tb_know_load();
    if (!o->no_header) gx_out_header(gx_tables_columns, o->flags_column ? GX_TABLES_NCOL : GX_DOC_NCOL);
    const char *path;
    while ((path = gx_inputs_next(in))) one_file(o, k, path);
    tb_know_free(k);
}

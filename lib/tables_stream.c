/* tables_stream.c - gx-tables as a filter of the document stream: every record
 * passes through; after the last raw line of each table block come its
 * `cell` rows.
 *
 * A block is the run of role=table records of one document sharing a
 * `table` number. Records between two of them (blank lines, page footers,
 * a form feed) are inside the block; records after its last table row are
 * held back until the block is known to be over, so the cells follow the
 * block's last raw line directly.
 */
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "text.h"

const char *const gx_tables_columns[] = {
    "doc", "line", "page", "para", "sec", "level", "kind", "role", "table",
    "row", "col", "rowhead", "colhead", "text", "flags",
};

enum { HOLD_MAX = 64 };   /* records held after a table row before the block ends */

typedef struct srec {
    size_t off[GX_DOC_NCOL];
    size_t len[GX_DOC_NCOL];
    size_t raw;       /* clean: offset of the 14 fields as read, TAB-separated, */
    size_t rawn;      /* their length */
    size_t rawpre;    /* and the length of doc .. kind in them */
    bool   clean;     /* raw is what writing the fields would give */
    bool   table;     /* a role=table row of the block */
    bool   written;
    long   page;
} srec;

typedef struct filter {
    const gx_tables_opts *o;
    tb_know *k;
    gx_buf   arena;
    srec    *rec;
    int      nrec, caprec;
    int      last_table;   /* index of the block's last table row, -1: no block */
    gx_buf   doc, table;   /* the block's document and table number */
    gx_buf   prevdoc;
    tb_grid  g;
    tb_carry carry;
    long     carry_page;   /* page of the last row of the table before */
    int      gap_text;     /* text rows since that table */
    /* numbered short lines between two tables (group rows of one table that
     * the segmenter took for headings): kept to stitch the tables */
    gx_buf   gaparena;
    srec     gaprec[4];
    int      ngap;
    bool     gap_other;    /* a text row between that is not such a line */
    gx_buf   flags;
    /* the flags text and row number of the last cell written: the same
     * for the cells of a row (most often), made again only when they change */
    gx_buf   cellflags;
    unsigned cf_flags;
    int      cf_lead, cf_row;
    bool     cf_valid;
    char     rowbuf[24];
    size_t   rown;
    bool     table_plain;  /* the table number is short and needs no escape */
} filter;

enum { TABLE_PLAIN_MAX = 32 };

/* atol of a page number s[0..n): plain digits (all that gx-segment
 * writes) read here, anything else by atol itself (on a copy: a field of
 * a line as read is not NUL-terminated). */
static long page_of(const char *s, size_t n)
{
    if (n > 0 && n <= 18) {
        long v = 0;
        size_t i = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
        if (i == n) return v;
    }
    static gx_buf t;
    gx_buf_reset(&t);
    gx_buf_add(&t, s, n);
    return atol(t.data);
}

/* Is s[0..n) the word w? */
static bool eq(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n == k && memcmp(s, w, k) == 0;
}

/* Field c of stored record i: rec[i].len[c] bytes (not NUL-terminated in
 * a record kept as read). */
static const char *F(const filter *f, int i, int c)
{
    return f->arena.data + f->rec[i].off[c];
}

static void write_fields(const filter *f, const char *const *v, const size_t *n, const char *flags)
{
    for (int c = 0; c < GX_DOC_NCOL; c++) {
        if (c) gx_outc('\t');
        gx_out_field(v[c], n[c]);
    }
    if (f->o->flags_column) {
        gx_outc('\t');
        gx_out_field(flags, strlen(flags));
    }
    gx_outc('\n');
}

/* The end of a record: the `flags` column (when written) and LF. */
static void write_end(const filter *f, const char *flags, size_t n)
{
    if (f->o->flags_column) {
        gx_outc('\t');
        gx_out_field(flags, n);
    }
    gx_outc('\n');
}

/* A record read in raw form: raw[0..n) as it came (clean: nothing in it to
 * escape), then the end. */
static void write_raw(const filter *f, const char *raw, size_t n, const char *flags, size_t fn)
{
    gx_out(raw, n);
    write_end(f, flags, fn);
}

/* The length of the first nf TAB-separated fields of s[0..n). */
static size_t raw_fields(const char *s, size_t n, int nf)
{
    const char *p = s, *e = s + n;
    for (int i = 1; i < nf; i++) {
        const char *t = memchr(p, '\t', (size_t)(e - p));
        if (!t) return n;
        p = t + 1;
    }
    const char *t = memchr(p, '\t', (size_t)(e - p));
    return t ? (size_t)(t - s) : n;
}

/* Are the backslashes of s[0..n) (the first at b) all one of the four
 * escapes \\ \t \n \r (they write back as they came)? */
static bool escapes_ok(const char *s, size_t n, const char *b)
{
    const char *e = s + n;
    while (b) {
        if (b + 1 == e) return false;
        char c = b[1];
        if (c != '\\' && c != 't' && c != 'n' && c != 'r') return false;
        b += 2;
        b = memchr(b, '\\', (size_t)(e - b));
    }
    return true;
}

/* The current record of in as read, when it can be written back as it is:
 * every backslash in it starts one of the four escapes (\\ \t \n \r,
 * which unescape and escape back to themselves: not \N, not a stray
 * backslash) and no CR byte is in it (written as \r). *n: the bytes of
 * its first nf fields; *bs: the offset of its first backslash (its length
 * when it has none: every field is then its raw text). NULL when the
 * fields must be escaped one by one. */
static const char *clean_raw(const gx_tsv_in *in, int nf, size_t *n, size_t *bs)
{
    const char *s = in->raw.data;
    size_t len = in->raw.len;
    if (!s || memchr(s, '\r', len)) return NULL;
    const char *p = memchr(s, '\\', len);
    *bs = p ? (size_t)(p - s) : len;
    if (!escapes_ok(s, len, p)) return NULL;
    *n = in->file_ncol == nf ? len : raw_fields(s, len, nf);
    return s;
}

static void write_stored(filter *f, int i)
{
    if (f->rec[i].clean) {
        const srec *r = &f->rec[i];
        write_raw(f, f->arena.data + r->raw, r->rawn, "", 0);
        f->rec[i].written = true;
        return;
    }
    const char *v[GX_DOC_NCOL];
    for (int c = 0; c < GX_DOC_NCOL; c++) v[c] = F(f, i, c);
    write_fields(f, v, f->rec[i].len, "");
    f->rec[i].written = true;
}

static void write_record(filter *f, const gx_record *r)
{
    const char *v[GX_DOC_NCOL];
    size_t n[GX_DOC_NCOL];
    for (int c = 0; c < GX_DOC_NCOL; c++) {
        v[c] = r->null[c] ? NULL : r->f[c];
        n[c] = r->len[c];
    }
    write_fields(f, v, n, "");
}

/* Keep record r (raw: its clean raw form of rawn bytes, or NULL; bs:
 * the offset of its first backslash, as clean_raw). */
static int store(filter *f, const gx_record *r, bool table, const char *raw, size_t rawn,
                 size_t bs)
{
    bool plain = raw && bs >= rawn;
    if (f->nrec == f->caprec) {
        f->caprec = f->caprec ? 2 * f->caprec : 256;
        f->rec = gx_xrealloc(f->rec, (size_t)f->caprec * sizeof *f->rec);
    }
    /* room for the records of a long table block at once (on the first
     * record kept: input without tables never needs it): growing by
     * doubling costs more (realloc) than the one allocation */
    if (!f->arena.cap) gx_buf_reserve(&f->arena, (size_t)1 << 18);
    srec *s = &f->rec[f->nrec];
    s->clean = raw != NULL;
    if (raw && plain) {
        /* the fields are the raw text cut at its TABs: one copy, the
         * fields slices of it (ended by their TAB, text by the NUL after
         * it: F's fields are read by length) */
        size_t o = f->arena.len;
        s->raw = o;
        s->rawn = rawn;
        s->rawpre = DOC_KIND;
        for (int c = 0; c < GX_DOC_NCOL; c++) {
            s->off[c] = o;
            s->len[c] = r->len[c];
            o += r->len[c] + 1;
            if (c <= DOC_KIND) s->rawpre += r->len[c];
        }
        gx_buf_add(&f->arena, raw, rawn);
        gx_buf_addc(&f->arena, 0);
    } else {
        size_t total = GX_DOC_NCOL;
        for (int c = 0; c < GX_DOC_NCOL; c++) total += r->len[c];
        gx_buf_reserve(&f->arena, total + rawn + 1);
        char *d = f->arena.data + f->arena.len;
        for (int c = 0; c < GX_DOC_NCOL; c++) {
            s->off[c] = (size_t)(d - f->arena.data);
            s->len[c] = r->len[c];
            memcpy(d, r->f[c], r->len[c]);
            d += r->len[c];
            *d++ = 0;
        }
        f->arena.len = (size_t)(d - f->arena.data);
    }
    if (raw && !plain) {
        s->raw = f->arena.len;
        s->rawn = rawn;
        /* doc .. kind as read: as long as unescaped when no backslash
         * comes before their end */
        size_t pre = DOC_KIND;
        for (int c = 0; c <= DOC_KIND; c++) pre += r->len[c];
        s->rawpre = pre <= bs ? pre : raw_fields(raw, rawn, DOC_KIND + 1);
        gx_buf_add(&f->arena, raw, rawn);
        gx_buf_addc(&f->arena, 0);
    }
    s->table = table;
    s->written = false;
    s->page = page_of(r->f[DOC_PAGE], r->len[DOC_PAGE]);
    return f->nrec++;
}

static bool blank_text(const char *s, size_t n)
{
    s = tb_trim(s, &n);
    return n == 0;
}

/* ---- input -------------------------------------------------------------- */

/* The input is read by gx_tsv_next_line (gx_tsv_next's checks, messages and
 * header handling), but a line is not split into fields there: most lines
 * pass through as they are, and of those only doc .. table and text are
 * looked at. A line without backslash and CR is read in place
 * (plain_fields); any other is split and unescaped by gx_tsv_split. */

/* The fields of a plain line (14 fields, no CR, no backslash before the
 * text, only the four escapes in it): slices of the line, not
 * NUL-terminated; the text unescaped into `text` when it has escapes. */
typedef struct pview {
    gx_record   rec;
    char       *f[GX_DOC_NCOL];
    size_t      len[GX_DOC_NCOL];
    bool        null[GX_DOC_NCOL];
    gx_buf      text;
    gx_buf      doc;      /* the doc field of the last plain line */
} pview;

/* Cut a plain line at its TABs into v: true when it has the 14 fields. The
 * fields before text are short: one pass over their bytes; the text only
 * has to hold no TAB. */
static bool plain_fields(pview *v, char *line, size_t len)
{
    size_t a = 0, e = 0;
    int c = 0;
    /* doc: the document of the line before, most of the time (a long
     * name: compared at once, not searched for its TAB) */
    size_t dn = v->doc.len;
    bool same_doc = dn && dn < len && line[dn] == '\t' && memcmp(line, v->doc.data, dn) == 0;
    if (same_doc) {
        v->f[0] = line;
        v->len[0] = dn;
        a = e = dn + 1;
        c = 1;
    }
    for (; c < DOC_TEXT; c++) {
        /* the fields before text are short: byte by byte */
        while (e < len && line[e] != '\t') e++;
        if (e == len) return false;
        v->f[c] = line + a;
        v->len[c] = e - a;
        a = ++e;
    }
    if (memchr(line + a, '\t', len - a)) return false;
    if (!same_doc) {
        gx_buf_reset(&v->doc);
        gx_buf_add(&v->doc, line, v->len[0]);
    }
    v->f[DOC_TEXT] = line + a;
    v->len[DOC_TEXT] = len - a;
    v->rec.f = v->f;
    v->rec.len = v->len;
    v->rec.null = v->null;
    v->rec.n = GX_DOC_NCOL;
    return true;
}

/* ---- cells ------------------------------------------------------------- */

/* Decimal digits of v into b (at least 12 bytes); returns their number. */
static size_t fmt_int(char *b, int v)
{
    char t[12];
    size_t n = 0;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do { t[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    size_t k = 0;
    if (v < 0) b[k++] = '-';
    while (n) b[k++] = t[--n];
    return k;
}

static void emit_cell(void *ctx, const tb_out *o)
{
    filter *f = ctx;
    int i = o->src >= 0 && o->src < f->nrec ? o->src : f->last_table;
    const char *v[GX_DOC_NCOL];
    size_t n[GX_DOC_NCOL];
    char colbuf[24];
    size_t coln = fmt_int(colbuf, o->col);
    if (!f->cf_valid || o->row != f->cf_row) f->rown = fmt_int(f->rowbuf, o->row);
    if (!f->cf_valid || o->flags != f->cf_flags || o->lead != f->cf_lead) {
        gx_buf_reset(&f->cellflags);
        tb_flags_text(o->flags, o->lead, &f->cellflags);
        gx_buf_addc(&f->cellflags, 0);
    }
    f->cf_valid = true;
    f->cf_row = o->row;
    f->cf_flags = o->flags;
    f->cf_lead = o->lead;
    const char *rowbuf = f->rowbuf;
    size_t rown = f->rown;
    if (f->rec[i].clean && f->table_plain) {
        /* doc .. kind of the source record as read, then the cell's own:
         * role to col in one piece (the table number needs no escape,
         * the others are digits), the flags (names, digits) likewise */
        const srec *r = &f->rec[i];
        gx_out(f->arena.data + r->raw, r->rawpre);
        char mid[6 + TABLE_PLAIN_MAX + 3 + 2 * 12];
        size_t m = 6;
        memcpy(mid, "\tcell\t", 6);
        memcpy(mid + m, f->table.data, f->table.len);
        m += f->table.len;
        mid[m++] = '\t';
        memcpy(mid + m, rowbuf, rown);
        m += rown;
        mid[m++] = '\t';
        memcpy(mid + m, colbuf, coln);
        m += coln;
        mid[m++] = '\t';
        gx_out(mid, m);
        gx_out_field(o->rowhead, strlen(o->rowhead));
        gx_outc('\t');
        gx_out_field(o->colhead, strlen(o->colhead));
        gx_outc('\t');
        gx_out_field(o->text, o->textlen);
        if (f->o->flags_column) {
            size_t fl = f->cellflags.len - 1;      /* the text before the NUL added above */
            f->cellflags.data[fl] = '\n';
            gx_outc('\t');
            gx_out(f->cellflags.data, fl + 1);
            f->cellflags.data[fl] = 0;
        } else {
            gx_outc('\n');
        }
        return;
    }
    for (int c = 0; c <= DOC_KIND; c++) { v[c] = F(f, i, c); n[c] = f->rec[i].len[c]; }
    v[DOC_ROLE] = "cell";             n[DOC_ROLE] = 4;
    v[DOC_TABLE] = f->table.data;     n[DOC_TABLE] = f->table.len;
    v[DOC_ROW] = rowbuf;              n[DOC_ROW] = rown;
    v[DOC_COL] = colbuf;              n[DOC_COL] = coln;
    v[DOC_ROWHEAD] = o->rowhead;      n[DOC_ROWHEAD] = strlen(o->rowhead);
    v[DOC_COLHEAD] = o->colhead;      n[DOC_COLHEAD] = strlen(o->colhead);
    v[DOC_TEXT] = o->text;            n[DOC_TEXT] = o->textlen;
    write_fields(f, v, n, f->cellflags.data);
}

/* ---- layouts ------------------------------------------------------------ */

enum layout { L_TABS, L_ONECELL, L_PIPES, L_SPACES };

static int detect_layout(const filter *f, int last)
{
    int total = 0, tabs = 0, one = 0, pipes = 0;
    for (int i = 0; i <= last; i++) {
        if (!f->rec[i].table) continue;
        const char *s = F(f, i, DOC_TEXT);
        size_t n = f->rec[i].len[DOC_TEXT];
        if (blank_text(s, n)) continue;
        total++;
        const char *t = memchr(s, '\t', n);
        if (t) tabs++;
        if (n && s[0] == '\t' && !memchr(s + 1, '\t', n - 1)) one++;
        size_t m = n;
        const char *p = tb_trim(s, &m);
        if (m && p[0] == '|') pipes++;
    }
    if (total == 0) return L_TABS;
    if (pipes * 2 > total) return L_PIPES;
    if (one * 10 >= total * 6) return L_ONECELL;
    if (tabs > 0) return L_TABS;
    return L_SPACES;
}

static void grid_from_block(filter *f, int last)
{
    tb_grid *g = &f->g;
    tb_grid_reset(g);
    int layout = detect_layout(f, last);
    long page = f->rec[0].page;
    unsigned pflag = 0;
    if (layout == L_SPACES) {
        tb_line *lines = gx_xcalloc((size_t)last + 2, sizeof *lines);
        int nl = 0;
        for (int i = 0; i <= last; i++) {
            /* rows inside the block that are not role=table (a wrapped
             * label taken for text) are read too; blank lines end rows */
            const char *s = F(f, i, DOC_TEXT);
            size_t n = f->rec[i].len[DOC_TEXT];
            if (blank_text(s, n)) n = 0;
            lines[nl].s = s;
            lines[nl].n = n;
            lines[nl].src = i;
            lines[nl].page = (int)f->rec[i].page;
            nl++;
        }
        tb_split_layout(f->k, g, lines, nl);
        free(lines);
        return;
    }
    bool in_record = false;
    for (int i = 0; i <= last; i++) {
        const srec *r = &f->rec[i];
        const char *s = F(f, i, DOC_TEXT);
        size_t n = r->len[DOC_TEXT];
        if (r->page != page) { page = r->page; pflag = TB_ROW_PAGE; }
        bool cell_line = layout == L_ONECELL && r->table && n > 0 && s[0] == '\t';
        if (!cell_line && blank_text(s, n)) { in_record = false; g->open = false; continue; }
        if (!r->table) continue;                 /* a footer or stray line inside */
        if (layout == L_ONECELL) {
            if (s[0] == '\t') {
                if (!in_record) { tb_grid_row(g, i, pflag); pflag = 0; in_record = true; }
                size_t a = 1;
                for (size_t j = 1; j <= n; j++)
                    if (j == n || s[j] == '\t') { tb_grid_cell(g, s + a, j - a, i); a = j + 1; }
            } else if (in_record) {
                tb_grid_append(g, "\n", s, n);   /* a continuation line */
            } else {
                tb_grid_row(g, i, pflag); pflag = 0;
                tb_grid_cell(g, s, n, i);
                in_record = true;
            }
            continue;
        }
        if (layout == L_PIPES && tb_split_pipes(g, s, n, i, pflag)) { pflag = 0; g->open = false; continue; }
        tb_split_tabs(g, s, n, i, pflag);
        pflag = 0;
        g->open = false;
    }
}

/* A line that can be a group row of a table: numbered, short, no sentence. */
static bool group_like(const filter *f, const char *s, size_t n)
{
    s = tb_trim(s, &n);
    long num; int rank; size_t end;
    if (n == 0 || n > 120 || memchr(s, '\t', n)) return false;
    if (tb_numbering(f->k, s, n, &num, &rank, &end) < 0) return false;
    static const char stop[] = "。";
    for (size_t i = 0; i + sizeof stop - 1 <= n; i++)
        if (memcmp(s + i, stop, sizeof stop - 1) == 0) return false;
    return true;
}

/* A row written between two tables: note what it is for stitching. */
static void gap_row(filter *f, const char *const *v, const size_t *len, bool table_between)
{
    /* nothing to note: no table to stitch to, or a text row between already
     * decided against stitching (use_carry_now cannot turn true again
     * before the next table resets the gap) */
    if (!f->carry.valid || f->gap_other) return;
    const char *t = v[DOC_TEXT], *role = v[DOC_ROLE];
    size_t n = len[DOC_TEXT];
    size_t rn = len[DOC_ROLE];
    if (eq(role, rn, "blank") || eq(role, rn, "cell") || blank_text(t, n)) return;
    gx_buf_reset(&f->flags);
    gx_buf_add(&f->flags, t, n);
    if (tb_footer(f->k, f->flags.data, f->flags.len)) return;
    f->gap_text++;
    if (table_between || f->ngap == 4 || !group_like(f, f->flags.data, f->flags.len)) {
        f->gap_other = true;
        return;
    }
    srec *g = &f->gaprec[f->ngap++];
    for (int c = 0; c < GX_DOC_NCOL; c++) {
        g->off[c] = f->gaparena.len;
        g->len[c] = len[c];
        gx_buf_add(&f->gaparena, v[c] ? v[c] : "", len[c]);
        gx_buf_addc(&f->gaparena, 0);
    }
    g->page = page_of(v[DOC_PAGE], len[DOC_PAGE]);
}

static void gap_reset(filter *f)
{
    f->gap_text = 0;
    f->ngap = 0;
    f->gap_other = false;
    gx_buf_reset(&f->gaparena);
}

static void finish_block(filter *f, bool use_carry)
{
    if (f->last_table < 0) return;
    int last = f->last_table;
    grid_from_block(f, last);
    f->carry.allow = use_carry;
    tb_build(f->k, &f->g, &f->carry, emit_cell, f);
    f->carry_page = f->rec[last].page;
    gap_reset(f);
    for (int i = last + 1; i < f->nrec; i++) {
        const char *v[GX_DOC_NCOL];
        for (int c = 0; c < GX_DOC_NCOL; c++) v[c] = F(f, i, c);
        gap_row(f, v, f->rec[i].len, f->rec[i].len[DOC_TABLE] > 0 && eq(v[DOC_ROLE], f->rec[i].len[DOC_ROLE], "table"));
        if (!f->rec[i].written) write_stored(f, i);
    }
    f->nrec = 0;
    gx_buf_reset(&f->arena);
    f->last_table = -1;
}

static bool same(const gx_buf *b, const char *s, size_t n)
{
    return b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

static void set(gx_buf *b, const char *s, size_t n)
{
    gx_buf_reset(b);
    gx_buf_add(b, s, n);
    gx_buf_addc(b, 0);
    b->len = n;
}

static bool use_carry_now(filter *f, const gx_record *r)
{
    if (!f->carry.valid) return false;
    if (f->gap_text == 0 && page_of(r->f[DOC_PAGE], r->len[DOC_PAGE]) > f->carry_page) return true;
    return f->ngap > 0 && !f->gap_other && f->gap_text == f->ngap;
}

static bool carry_ok;

/* Does a raw table line hold a number (cells cut at TABs or 2+ spaces)? */
static bool value_line(filter *f, const char *s, size_t n)
{
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        bool cut = i == n || s[i] == '\t' || (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ');
        if (!cut) continue;
        if (i > a) {
            gx_buf_reset(&f->flags);
            gx_buf_add(&f->flags, s + a, i - a);
            if (tb_classify(f->k, f->flags.data, f->flags.len) == TB_NUMBER) return true;
        }
        a = i + 1;
    }
    return false;
}

void gx_tables_stream(const gx_tables_opts *o, gx_tsv_in *in)
{
    filter f;
    memset(&f, 0, sizeof f);
    f.o = o;
    f.k = tb_know_load();
    f.last_table = -1;
    gx_buf_init(&f.arena); gx_buf_init(&f.doc); gx_buf_init(&f.table);
    gx_buf_init(&f.prevdoc); gx_buf_init(&f.flags); gx_buf_init(&f.gaparena);
    tb_grid_init(&f.g);
    tb_carry_init(&f.carry);
    if (!o->no_header) gx_out_header(gx_tables_columns, o->flags_column ? GX_TABLES_NCOL : GX_DOC_NCOL);

    static pview pv;   /* (its arrays are large for the stack) */
    char *line;
    size_t len;
    while (gx_tsv_next_line(in, &line, &len)) {
        gx_record *r;
        size_t rawn = 0, bs = 0;
        const char *raw;
        const char *b = NULL;
        bool plain = in->file_ncol == GX_DOC_NCOL && !memchr(line, '\r', len) && plain_fields(&pv, line, len);
        if (plain && (b = memchr(line, '\\', len)) != NULL)
            plain = b >= pv.f[DOC_TEXT] && escapes_ok(line, len, b);
        if (plain) {
            /* written back as read; every field its raw text but an
             * escaped text, unescaped as gx_tsv_split would */
            r = &pv.rec;
            raw = line;
            rawn = len;
            bs = b ? (size_t)(b - line) : len;
            if (b) {
                gx_buf_reset(&pv.text);
                gx_buf_add(&pv.text, pv.f[DOC_TEXT], pv.len[DOC_TEXT]);
                pv.len[DOC_TEXT] = gx_tsv_unescape(pv.text.data, pv.text.len);
                pv.f[DOC_TEXT] = pv.text.data;
            }
        } else {
            gx_buf_reset(&in->raw);
            gx_buf_add(&in->raw, line, len);
            int n = gx_tsv_split(&in->rec, line, len);
            if (n != in->file_ncol) {
                gx_error_at(in->r.name, in->r.lineno, "record has %d fields, header has %d", n, in->file_ncol);
                continue;
            }
            r = &in->rec;
            raw = clean_raw(in, GX_DOC_NCOL, &rawn, &bs);
        }
        /* the output of gx-tables again (a `flags` column): its cells are
         * there already; pass it through */
        if (in->file_ncol > GX_DOC_NCOL && in->header_line && r->n > GX_DOC_NCOL &&
            strncmp(in->header_line + strlen(in->header_line) - 6, "\tflags", 6) == 0) {
            if (f.last_table >= 0) finish_block(&f, carry_ok);
            if (raw && o->flags_column) {
                gx_out(raw, raw_fields(raw, in->raw.len, GX_DOC_NCOL + 1));
                gx_outc('\n');
                continue;
            }
            if (raw) { write_raw(&f, raw, rawn, "", 0); continue; }
            const char *v[GX_DOC_NCOL];
            for (int c = 0; c < GX_DOC_NCOL; c++) v[c] = r->null[c] ? NULL : r->f[c];
            write_fields(&f, v, r->len, o->flags_column ? r->f[GX_DOC_NCOL] : "");
            continue;
        }
        const char *doc = r->f[DOC_DOC], *role = r->f[DOC_ROLE], *tab = r->f[DOC_TABLE];
        size_t docn = r->len[DOC_DOC], tabn = r->len[DOC_TABLE];
        size_t rolen = r->len[DOC_ROLE];
        bool is_table = eq(role, rolen, "table") && tabn > 0;
        bool new_doc = !same(&f.prevdoc, doc, docn);
        if (f.last_table >= 0) {
            if (!new_doc && is_table && same(&f.table, tab, tabn)) {
                /* the rows held since the last table row are inside the block */
                for (int i = f.last_table + 1; i < f.nrec; i++) if (!f.rec[i].written) write_stored(&f, i);
                                f.last_table = store(&f, r, true, raw, rawn, bs);
                write_stored(&f, f.last_table);
                continue;
            }
            bool heading = eq(role, rolen, "heading") || eq(role, rolen, "title");
            if (!new_doc && !is_table && !heading && f.nrec - f.last_table <= HOLD_MAX &&
                (tabn == 0 || same(&f.table, tab, tabn))) {
                                store(&f, r, false, raw, rawn, bs);
                continue;
            }
            finish_block(&f, carry_ok);
        }
        if (new_doc) {
            set(&f.prevdoc, doc, docn);
            f.carry.valid = false;
            gap_reset(&f);
        }
        if (is_table) {
            carry_ok = use_carry_now(&f, r);
            set(&f.doc, doc, docn);
            set(&f.table, tab, tabn);
            f.table_plain = tabn <= TABLE_PLAIN_MAX && !memchr(tab, '\\', tabn) &&
                            !memchr(tab, '\t', tabn) && !memchr(tab, '\n', tabn) && !memchr(tab, '\r', tabn);
            if (carry_ok && f.ngap > 0 && !value_line(&f, r->f[DOC_TEXT], r->len[DOC_TEXT]))
                carry_ok = false;   /* the table starts with its own header */
            if (carry_ok && f.ngap > 0) {
                /* the group rows between: rows of this table (already written) */
                for (int i = 0; i < f.ngap; i++) {
                    gx_record gr;
                    char *fv[GX_DOC_NCOL];
                    size_t fl[GX_DOC_NCOL];
                    bool nul[GX_DOC_NCOL] = {false};
                    for (int c = 0; c < GX_DOC_NCOL; c++) {
                        fv[c] = f.gaparena.data + f.gaprec[i].off[c];
                        fl[c] = f.gaprec[i].len[c];
                    }
                    gr.f = fv; gr.len = fl; gr.null = nul; gr.n = GX_DOC_NCOL;
                    int k = store(&f, &gr, true, NULL, 0, 0);
                    f.rec[k].written = true;
                }
            }
            gap_reset(&f);
                        f.last_table = store(&f, r, true, raw, rawn, bs);
            write_stored(&f, f.last_table);
            continue;
        }
        if (f.carry.valid && !f.gap_other) {   /* else gap_row has nothing to note */
                        const char *v[GX_DOC_NCOL];
            for (int c = 0; c < GX_DOC_NCOL; c++) v[c] = r->f[c];
            gap_row(&f, v, r->len, false);
        }
        if (raw) write_raw(&f, raw, rawn, "", 0);
        else write_record(&f, r);
    }
    finish_block(&f, carry_ok);

    tb_grid_free(&f.g);
    tb_carry_free(&f.carry);
    gx_buf_free(&f.arena); gx_buf_free(&f.doc); gx_buf_free(&f.table);
    gx_buf_free(&f.prevdoc); gx_buf_free(&f.flags); gx_buf_free(&f.gaparena);
    gx_buf_free(&f.cellflags);
    gx_buf_free(&pv.text);
    gx_buf_free(&pv.doc);
    free(f.rec);
    tb_know_free(f.k);
}

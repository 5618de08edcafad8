/* tables_grid.c - a table block as rows of cells, and the algorithm that
 * turns it into value cells with row and column label paths.
 *
 * The block is cut into sections: a section is a run of header rows (rows
 * without values, the last of which has two or more cells) followed by body
 * rows; a new run of header rows after body rows starts a new section (the
 * 第二十条 sub-tables of one block). Per section:
 *   K        the number of value columns: the count of value cells most
 *            rows have (trailing empty cells dropped), or the template's
 *            count (share/gx/tables_templates.tsv) when rows lost cells;
 *   colhead  value column j sits under header column W-K+j (the header is
 *            right-aligned with the values: label cells vary in number,
 *            spec §8.4); each header cell spans right until the next cell
 *            of its row or a boundary of a row above; the path is the
 *            covering cells top-down;
 *   row      label = the non-empty cells before the first value cell;
 *            extra empty cells between label and values are dropped while
 *            the row has more than K (A-SHIFT); the label path is kept on a
 *            stack by numbering style (一、 > （一） > 1. …) and, for a row
 *            that starts with empty cells, by column (same group as above).
 */
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "tables.h"
#include "text.h"

/* ---- grid ------------------------------------------------------------- */

void *tb_scratch_zero(tb_scratch *s, size_t n, size_t sz)
{
    size_t need = (n ? n : 1) * sz;
    if (need > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < need) cap *= 2;
        free(s->p);
        s->p = gx_xmalloc(cap);
        s->cap = cap;
    }
    memset(s->p, 0, need);
    return s->p;
}

void tb_grid_init(tb_grid *g)
{
    memset(g, 0, sizeof *g);
    gx_buf_init(&g->arena);
}

void tb_grid_free(tb_grid *g)
{
    gx_buf_free(&g->arena);
    free(g->cells);
    free(g->rows);
    memset(g, 0, sizeof *g);
}

void tb_grid_reset(tb_grid *g)
{
    gx_buf_reset(&g->arena);
    g->ncells = g->nrows = 0;
    g->open = false;
}

void tb_grid_row(tb_grid *g, int src, unsigned flags)
{
    if (g->nrows == g->caprows) {
        g->caprows = g->caprows ? 2 * g->caprows : 64;
        g->rows = gx_xrealloc(g->rows, (size_t)g->caprows * sizeof *g->rows);
    }
    tb_row *r = &g->rows[g->nrows++];
    r->first = g->ncells;
    r->n = 0;
    r->src = src;
    r->flags = flags;
    g->open = true;
}

void tb_grid_cell(tb_grid *g, const char *s, size_t n, int src)
{
    if (!g->open) tb_grid_row(g, src, 0);
    if (g->ncells == g->capcells) {
        g->capcells = g->capcells ? 2 * g->capcells : 256;
        g->cells = gx_xrealloc(g->cells, (size_t)g->capcells * sizeof *g->cells);
    }
    tb_cell *c = &g->cells[g->ncells++];
    c->off = g->arena.len;
    c->len = n;
    c->src = src;
    gx_buf_add(&g->arena, s, n);
    gx_buf_addc(&g->arena, 0);
    g->rows[g->nrows - 1].n++;
}

void tb_grid_append(tb_grid *g, const char *sep, const char *s, size_t n)
{
    if (!g->open || g->ncells == 0 || g->rows[g->nrows - 1].n == 0) {
        tb_grid_cell(g, s, n, g->open ? g->rows[g->nrows - 1].src : -1);
        return;
    }
    tb_cell *c = &g->cells[g->ncells - 1];
    /* the last cell is the last thing in the arena: extend it in place */
    g->arena.len = c->off + c->len;
    if (sep) { gx_buf_adds(&g->arena, sep); c->len += strlen(sep); }
    gx_buf_add(&g->arena, s, n);
    c->len += n;
    gx_buf_addc(&g->arena, 0);
    g->rows[g->nrows - 1].flags |= TB_ROW_WRAPPED;
}

void tb_split_tabs(tb_grid *g, const char *s, size_t n, int src, unsigned flags)
{
    tb_grid_row(g, src, flags);
    size_t a = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\t') {
            tb_grid_cell(g, s + a, i - a, src);
            a = i + 1;
        }
    }
}

bool tb_split_pipes(tb_grid *g, const char *s, size_t n, int src, unsigned flags)
{
    size_t len = n;
    const char *p = tb_trim(s, &len);
    if (len == 0 || p[0] != '|') return false;
    tb_grid_row(g, src, flags);
    /* cells end at each | not escaped as \| (a \| is a | of the cell);
     * the text after the closing pipe is a cell only when not empty. A
     * cell without an escape is taken from the line as it is; one with
     * is put together in `cell` (reused from row to row) */
    static gx_buf cell;
    gx_buf_reset(&cell);
    size_t a = 1;
    for (;;) {
        const char *q = a < len ? memchr(p + a, '|', len - a) : NULL;
        size_t j = q ? (size_t)(q - p) : len;
        while (j < len && p[j - 1] == '\\') {
            gx_buf_add(&cell, p + a, j - 1 - a);
            gx_buf_addc(&cell, '|');
            a = j + 1;
            q = a < len ? memchr(p + a, '|', len - a) : NULL;
            j = q ? (size_t)(q - p) : len;
        }
        if (cell.len == 0) {
            if (j < len || j > a) tb_grid_cell(g, p + a, j - a, src);
        } else {
            gx_buf_add(&cell, p + a, j - a);
            tb_grid_cell(g, cell.data, cell.len, src);
            gx_buf_reset(&cell);
        }
        if (j >= len) break;
        a = j + 1;
    }
    return true;
}

/* ---- trimming ----------------------------------------------------------- */

/* ASCII whitespace (as gx_is_space_cp: space, TAB, LF, VT, FF, CR). */
static bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Is s[0..3) one well-formed 3-byte sequence of a character that is not
 * whitespace? */
static bool nonspace3(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return false;
    int32_t v = (int32_t)((p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu));
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return false;
    return (v >= 0x4E00 && v <= 0x9FFF) || !gx_is_space_cp(v);
}

/* tb_trim past its quick test: ASCII whitespace at either end is
 * whitespace to gx_trim too and goes first; then an ASCII character or a
 * non-space 3-byte one at each end stops gx_trim, and only other ends
 * are left to it. */
const char *tb_trim_slow(const char *s, size_t *n)
{
    size_t a = 0, e = *n;
    /* runs of spaces (the indentation of pdftotext -layout), 8 at a time */
    while (a + 8 <= e && memcmp(s + a, "        ", 8) == 0) a += 8;
    while (a < e && ascii_space((unsigned char)s[a])) a++;
    while (e > a && ascii_space((unsigned char)s[e - 1])) e--;
    s += a;
    size_t m = e - a;
    *n = m;
    if (m == 0) return s;
    unsigned char c0 = (unsigned char)s[0], z = (unsigned char)s[m - 1];
    bool start = c0 < 0x80 || (m >= 3 && nonspace3(s));
    bool end = z < 0x80 || (m >= 3 && nonspace3(s + m - 3));
    if (start && end) return s;
    return gx_trim(s, n);
}

/* ---- paths ------------------------------------------------------------ */

static bool wide_cp(int32_t cp, const char *s, int l)
{
    if (cp < 0x1100) return false;
    return gx_display_width(s, (size_t)l) >= 2;
}

void tb_path_part(const char *s, size_t n, gx_buf *out)
{
    s = tb_trim(s, &n);
    /* the part is never longer than s: a space is written only for
     * whitespace dropped */
    gx_buf_reserve(out, n);
    char *d = out->data + out->len;
    bool prev_wide = false, pending_space = false, any = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        int l;
        bool w;
        if (c < 0x80) {
            /* ASCII: the whitespace of gx_is_space_cp, never wide */
            if (c == ' ' || (c >= '\t' && c <= '\r')) { pending_space = true; i++; continue; }
            l = 1;
            w = false;
        } else {
            int32_t cp;
            l = gx_utf8_next_fast(s + i, n - i, &cp);
            if (l <= 0) l = 1;
            if (cp >= 0x4E00 && cp <= 0x9FA5) {
                w = true;   /* the common CJK ideographs: wide, not space */
            } else if (gx_is_space_cp(cp)) {
                pending_space = true;
                i += (size_t)l;
                continue;
            } else {
                w = wide_cp(cp, s + i, l);
            }
        }
        if (pending_space && any && !prev_wide && !w) *d++ = ' ';
        pending_space = false;
        /* one character: copied inline (a memcpy call each costs more) */
        if (l == 3) { d[0] = s[i]; d[1] = s[i + 1]; d[2] = s[i + 2]; }
        else if (l == 1) d[0] = s[i];
        else memcpy(d, s + i, (size_t)l);
        d += l;
        prev_wide = w;
        any = true;
        i += (size_t)l;
    }
    out->len = (size_t)(d - out->data);
    out->data[out->len] = 0;
}

void tb_flags_text(unsigned flags, int lead, gx_buf *b)
{
    static const char *const names[] = {
        "shifted", "wrapped", "padded", "overflow", "lead_empty", "nohead",
        "stitched", "guessed", "nolabel",
    };
    bool first = true;
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        if (!(flags & (1u << i))) continue;
        if (!first) gx_buf_addc(b, ',');
        first = false;
        gx_buf_adds(b, names[i]);
        if ((1u << i) == TB_F_LEAD_EMPTY) gx_buf_printf(b, "=%d", lead);
    }
}

void tb_carry_init(tb_carry *c)
{
    memset(c, 0, sizeof *c);
    gx_buf_init(&c->colheads);
}

void tb_carry_free(tb_carry *c)
{
    gx_buf_free(&c->colheads);
    memset(c, 0, sizeof *c);
}

/* ---- build ------------------------------------------------------------ */

typedef struct cinfo {
    const char *s;   /* trimmed */
    size_t      n;
    int         cls;
} cinfo;

typedef struct rinfo {
    int  last;       /* index of the last non-empty cell, -1 if none */
    int  nonempty;
    int  fv;         /* first value-like cell (number, na, unit), -1 */
    int  label;      /* index of the label's last cell, -1 if none */
    bool data;       /* has a number or na cell */
    bool sep;        /* separator row (---) */
} rinfo;

typedef struct part {
    size_t off, len; /* in b->parts */
    int    col;
} part;

typedef struct sentry {
    size_t off, len; /* in b->stack text */
    int    style, rank, col;
    long   num;
    bool   data;
} sentry;

typedef struct builder {
    const tb_know *k;
    const tb_grid *g;
    cinfo  *ci;
    rinfo  *ri;
    gx_buf  parts;       /* label part texts */
    part   *pv; int np, capp;
    sentry *st; int nst, capst;
    gx_buf  sttext;
    gx_buf  colheads;    /* K NUL-terminated paths */
    size_t *choff; int capch;
    unsigned *chflags;
    gx_buf  tmp, rowhead, sig;
    int     row;         /* body rows so far in the block */
    bool    wrapped_join;   /* label_parts joined a wrapped label */
    int     emitted;
    tb_emit_fn emit;
    void   *ctx;
} builder;

static const cinfo *cell(const builder *b, int r, int c)
{
    static const cinfo none = {"", 0, TB_EMPTY};
    const tb_row *row = &b->g->rows[r];
    if (c < 0 || c >= row->n) return &none;
    return &b->ci[row->first + c];
}

static bool is_sep_text(const char *s, size_t n)
{
    size_t dash = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int l = gx_utf8_next_fast(s + i, n - i, &cp);
        if (l <= 0) return false;
        if (cp == '-' || cp == ':' || cp == '=' || cp == '+' || cp == '|' || cp == 0x2014 ||
            cp == 0x2013 || cp == 0x2500 || cp == 0xFF0D) dash++;
        else if (!gx_is_space_cp(cp)) return false;
        i += (size_t)l;
    }
    return dash >= 3;
}

static void analyse(builder *b)
{
    const tb_grid *g = b->g;
    static tb_scratch sci, sri;
    b->ci = tb_scratch_zero(&sci, (size_t)g->ncells + 1, sizeof *b->ci);
    b->ri = tb_scratch_zero(&sri, (size_t)g->nrows + 1, sizeof *b->ri);
    for (int i = 0; i < g->ncells; i++) {
        size_t n = g->cells[i].len;
        const char *s = tb_trim(tb_text(g, &g->cells[i]), &n);
        b->ci[i].s = s;
        b->ci[i].n = n;
        b->ci[i].cls = tb_classify(b->k, s, n);
    }
    for (int r = 0; r < g->nrows; r++) {
        rinfo *ri = &b->ri[r];
        const tb_row *row = &g->rows[r];
        ri->last = ri->fv = ri->label = -1;
        bool allsep = true;
        for (int c = 0; c < row->n; c++) {
            const cinfo *x = &b->ci[row->first + c];
            if (x->cls == TB_EMPTY) continue;
            ri->nonempty++;
            ri->last = c;
            if (!is_sep_text(x->s, x->n)) allsep = false;
            if (x->cls == TB_NUMBER || x->cls == TB_NA) ri->data = true;
            if (ri->fv < 0 && x->cls != TB_TEXT) ri->fv = c;
        }
        ri->sep = ri->nonempty > 0 && allsep;
        if (ri->sep) { ri->data = false; continue; }
        /* the label: the last non-empty text cell before the first value */
        int lim = ri->fv >= 0 ? ri->fv : row->n;
        for (int c = 0; c < lim; c++)
            if (b->ci[row->first + c].cls == TB_TEXT) ri->label = c;
        if (ri->fv < 0 && ri->label < 0) ri->label = ri->last;
    }
}

/* A row that belongs to a header: no values, two or more cells, one of them
 * at column >= minvcol (the first value column seen so far; 0 at the top). */
static bool header_like(const builder *b, int r, int minvcol)
{
    const rinfo *ri = &b->ri[r];
    if (ri->data || ri->sep || ri->nonempty < 2) return false;
    const tb_row *row = &b->g->rows[r];
    bool text = false;
    for (int c = 0; c < row->n; c++) {
        int cls = b->ci[row->first + c].cls;
        if (cls == TB_UNIT) return false;      /* label | unit | (blank value) */
        if (c >= minvcol && cls == TB_TEXT) text = true;
    }
    return text;
}

/* Signature of a row (cells normalised and concatenated) into b->sig. */
static void signature(builder *b, int r, gx_buf *out)
{
    gx_buf_reset(out);
    const tb_row *row = &b->g->rows[r];
    for (int c = 0; c < row->n; c++) {
        const cinfo *x = &b->ci[row->first + c];
        gx_norm_match(x->s, x->n, &b->tmp);
        gx_buf_add(out, b->tmp.data ? b->tmp.data : "", b->tmp.len);
        gx_buf_addc(out, '\x1f');
    }
}

/* Is the signature of row r that of one of the header rows (hs + hoff[h],
 * hlen[h] bytes)? Made cell by cell, and given up as soon as no header
 * signature starts with the part made: a body row's first cell (its
 * label) is seldom that of a header row. */
static bool repeats_header(builder *b, int r, const char *hs, const size_t *hoff,
                           const size_t *hlen, int nhdr, gx_buf *one)
{
    gx_buf_reset(one);
    const tb_row *row = &b->g->rows[r];
    for (int c = 0; c <= row->n; c++) {
        bool any = false;
        for (int h = 0; h < nhdr && !any; h++)
            any = hlen[h] >= one->len && (one->len == 0 || memcmp(hs + hoff[h], one->data, one->len) == 0);
        if (!any) return false;
        if (c == row->n) break;
        const cinfo *x = &b->ci[row->first + c];
        gx_norm_match(x->s, x->n, &b->tmp);
        gx_buf_add(one, b->tmp.data ? b->tmp.data : "", b->tmp.len);
        gx_buf_addc(one, '\x1f');
    }
    for (int h = 0; h < nhdr; h++)
        if (hlen[h] == one->len && (one->len == 0 || memcmp(hs + hoff[h], one->data, one->len) == 0))
            return true;
    return false;
}

/* Value cells of row r after its label: [*start, *start + *count), trailing
 * empty cells dropped. */
static void value_span(const builder *b, int r, int *start, int *count)
{
    const rinfo *ri = &b->ri[r];
    *start = ri->label + 1;
    *count = ri->last >= *start ? ri->last - *start + 1 : 0;
}

static int mode_count(const builder *b, int from, int to, int prefer)
{
    int best = 0, bestn = 0, top = 0;
    static int hist[1024];   /* all zero between calls: cleared up to top below */
    for (int r = from; r < to; r++) {
        if (!b->ri[r].data) continue;
        int s, n;
        value_span(b, r, &s, &n);
        /* empty cells before the first value may be cells spanned by the
         * label (colspan) or a shift: they do not count */
        while (n > 0 && cell(b, r, s)->cls == TB_EMPTY) { s++; n--; }
        if (n > 1023) n = 1023;
        hist[n]++;
        if (n > top) top = n;
    }
    for (int n = 1; n <= top; n++)
        if (hist[n] > bestn || (hist[n] == bestn && hist[n] > 0 && best != prefer && (n == prefer || n > best))) {
            best = n;
            bestn = hist[n];
        }
    memset(hist, 0, ((size_t)top + 1) * sizeof *hist);
    return best;
}

/* Column paths of header rows [h0, h1) for K value columns right-aligned
 * with the header width; into b->colheads / b->choff. */
static void column_paths(builder *b, int h0, int h1, int k, bool *nohead)
{
    int w = 0;
    for (int r = h0; r < h1; r++)
        if (!b->ri[r].sep && b->ri[r].last + 1 > w) w = b->ri[r].last + 1;
    if (k > b->capch) {
        b->capch = k;
        b->choff = gx_xrealloc(b->choff, (size_t)k * sizeof *b->choff);
        b->chflags = gx_xrealloc(b->chflags, (size_t)k * sizeof *b->chflags);
    }
    gx_buf_reset(&b->colheads);
    int nh = h1 - h0;
    static tb_scratch scover, sbnd;
    int *cover = tb_scratch_zero(&scover, (size_t)(nh * (w ? w : 1)) + 1, sizeof *cover);
    bool *bnd = tb_scratch_zero(&sbnd, (size_t)w + 1, sizeof *bnd);
    for (int h = 0; h < nh; h++) {
        int cur = -1;
        if (b->ri[h0 + h].sep) { for (int c = 0; c < w; c++) cover[h * w + c] = -1; continue; }
        for (int c = 0; c < w; c++) {
            if (cell(b, h0 + h, c)->cls != TB_EMPTY) cur = c;
            else if (bnd[c]) cur = -1;
            cover[h * w + c] = cur;
        }
        for (int c = 0; c < w; c++)
            if (cell(b, h0 + h, c)->cls != TB_EMPTY) bnd[c] = true;
    }
    *nohead = false;
    int base = w - k;
    for (int j = 0; j < k; j++) {
        b->choff[j] = b->colheads.len;
        b->chflags[j] = 0;
        int hc = base + j;
        size_t start = b->colheads.len, lastpart = (size_t)-1, lastlen = 0;
        bool any = false;
        if (hc >= 0) {
            for (int h = 0; h < nh; h++) {
                if (b->ri[h0 + h].sep) continue;
                int c = cover[h * w + hc];
                if (c < 0) continue;
                const cinfo *x = cell(b, h0 + h, c);
                gx_buf_reset(&b->tmp);
                tb_path_part(x->s, x->n, &b->tmp);
                if (b->tmp.len == 0) continue;
                /* a cell repeated down the rows (rowspan expanded) counts once */
                if (lastpart != (size_t)-1 && lastlen == b->tmp.len &&
                    memcmp(b->colheads.data + lastpart, b->tmp.data, lastlen) == 0)
                    continue;
                if (any) gx_buf_adds(&b->colheads, " | ");
                lastpart = b->colheads.len;
                lastlen = b->tmp.len;
                gx_buf_add(&b->colheads, b->tmp.data, b->tmp.len);
                any = true;
            }
        }
        (void)start;
        if (!any) { b->chflags[j] = TB_F_NOHEAD; *nohead = true; }
        gx_buf_addc(&b->colheads, 0);
    }
}

static const char *colhead(const builder *b, int j)
{
    return b->colheads.data + b->choff[j];
}

/* ---- label stack ---- */

static void st_truncate(builder *b, int n)
{
    if (n >= b->nst) return;
    b->nst = n;
    b->sttext.len = n ? b->st[n - 1].off + b->st[n - 1].len : 0;   /* texts are stacked in order */
}

static void st_push(builder *b, const char *s, size_t n, int style, int rank, long num, int col, bool data)
{
    if (b->nst == b->capst) {
        b->capst = b->capst ? 2 * b->capst : 16;
        b->st = gx_xrealloc(b->st, (size_t)b->capst * sizeof *b->st);
    }
    sentry *e = &b->st[b->nst++];
    e->off = b->sttext.len;
    e->len = n;
    gx_buf_add(&b->sttext, s, n);
    e->style = style; e->rank = rank; e->num = num; e->col = col; e->data = data;
}

static void row_path(builder *b, int pfirst, int np, bool data, bool lead_empty)
{
    if (np == 0) return;
    part *p0 = &b->pv[pfirst];
    const char *s0 = b->parts.data + p0->off;
    long num = -1; int rank = 0; size_t end;
    int style = tb_numbering(b->k, s0, p0->len, &num, &rank, &end);
    int c1 = p0->col;
    if (style >= 0) {
        int idx = -1;
        for (int i = b->nst - 1; i >= 0; i--) if (b->st[i].style == style) { idx = i; break; }
        if (idx < 0 && num > 1)
            for (int i = b->nst - 1; i >= 0; i--)
                if (b->st[i].style >= 0 && b->st[i].rank == rank && b->st[i].num == num - 1) { idx = i; break; }
        if (idx >= 0) st_truncate(b, idx);
        else if (lead_empty) {
            int n = b->nst;
            while (n > 0 && b->st[n - 1].col >= c1) n--;
            st_truncate(b, n);
        }
    } else {
        bool child = tb_breakdown(b->k, s0, p0->len, false) > 0;
        if (lead_empty) {
            int n = b->nst;
            while (n > 0 && b->st[n - 1].col >= c1) n--;
            st_truncate(b, n);
        } else if (b->nst > 0) {
            sentry *top = &b->st[b->nst - 1];
            if (top->style < 0) st_truncate(b, b->nst - 1);        /* sibling */
            else if (!child && top->data) st_truncate(b, b->nst - 1); /* after a numbered value row */
        }
    }
    for (int i = 0; i < np; i++) {
        part *p = &b->pv[pfirst + i];
        const char *s = b->parts.data + p->off;
        long pn = -1; int pr = 0; size_t pe;
        int ps = i == 0 ? style : tb_numbering(b->k, s, p->len, &pn, &pr, &pe);
        if (i == 0) { pn = num; pr = rank; }
        st_push(b, s, p->len, ps, pr, pn, p->col, data && i == np - 1);
    }
}

static void build_rowhead(builder *b)
{
    gx_buf_reset(&b->rowhead);
    for (int i = 0; i < b->nst; i++) {
        if (i) gx_buf_adds(&b->rowhead, " | ");
        gx_buf_add(&b->rowhead, b->sttext.data + b->st[i].off, b->st[i].len);
    }
    gx_buf_addc(&b->rowhead, 0);
}

static void add_part(builder *b, const char *s, size_t n, int col)
{
    if (b->np == b->capp) {
        b->capp = b->capp ? 2 * b->capp : 32;
        b->pv = gx_xrealloc(b->pv, (size_t)b->capp * sizeof *b->pv);
    }
    part *p = &b->pv[b->np++];
    p->off = b->parts.len;
    tb_path_part(s, n, &b->parts);
    p->len = b->parts.len - p->off;
    p->col = col;
    if (p->len == 0) b->np--;
}

/* Label parts of row r (cells 0..label): into pv; numbering-only cells
 * ("一、") are joined with the next part. Returns the number of parts. */
static int label_parts(builder *b, int r, int *first)
{
    *first = b->np;
    const rinfo *ri = &b->ri[r];
    for (int c = 0; c <= ri->label; c++) {
        const cinfo *x = cell(b, r, c);
        if (x->cls == TB_EMPTY) continue;
        add_part(b, x->s, x->n, c);
        /* a label repeated across the columns it spans (colspan copied into
         * every cell) counts once */
        if (b->np - *first >= 2) {
            part *p = &b->pv[b->np - 2], *q = &b->pv[b->np - 1];
            if (p->len == q->len && memcmp(b->parts.data + p->off, b->parts.data + q->off, p->len) == 0) {
                b->parts.len = q->off;
                b->np--;
            }
        }
    }
    int n = b->np - *first;
    /* two label cells that together make a known label: one label wrapped
     * into the next cell (pdftotext put the rest beside the values) */
    for (int i = 0; i + 1 < n; i++) {
        part *p = &b->pv[*first + i], *q = p + 1;
        if (p->off + p->len != q->off) continue;
        long num; int rank; size_t end;
        if (tb_numbering(b->k, b->parts.data + p->off, p->len, &num, &rank, &end) >= 0 && end == p->len)
            continue;   /* numbering alone ("一、"): joined below, not a wrap */
        if (tb_known_label(b->k, b->parts.data + p->off, p->len)) continue;
        if (!tb_known_label(b->k, b->parts.data + p->off, p->len + q->len)) continue;
        p->len += q->len;
        memmove(q, q + 1, (size_t)(n - i - 2) * sizeof *q);
        n--; b->np--;
        b->wrapped_join = true;
    }
    for (int i = 0; i + 1 < n; i++) {
        part *p = &b->pv[*first + i];
        long num; int rank; size_t end;
        if (tb_numbering(b->k, b->parts.data + p->off, p->len, &num, &rank, &end) >= 0 && end == p->len) {
            part *q = p + 1;   /* contiguous in b->parts */
            p->len += q->len;
            memmove(q, q + 1, (size_t)(n - i - 2) * sizeof *q);
            n--; b->np--;
            i--;
        }
    }
    return n;
}

typedef struct brow {
    int      r;
    int      pfirst, np;
    unsigned flags;
    bool     skip;
} brow;

static size_t nchars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}

static void emit_section(builder *b, int s, int h1, int e, tb_carry *carry, bool first_section)
{
    /* K */
    int wh0 = 0, first_label = -1;
    for (int r = s; r < h1; r++) if (!b->ri[r].sep && b->ri[r].last + 1 > wh0) wh0 = b->ri[r].last + 1;
    for (int r = h1; r < e && first_label < 0; r++) if (b->ri[r].data) first_label = b->ri[r].label + 1;
    int kd = mode_count(b, h1, e, first_label >= 0 && wh0 > first_label ? wh0 - first_label : -1);
    gx_buf_reset(&b->sig);
    for (int r = s; r < h1; r++) {
        const tb_row *row = &b->g->rows[r];
        for (int c = 0; c < row->n; c++) {
            const cinfo *x = &b->ci[row->first + c];
            gx_norm_match(x->s, x->n, &b->tmp);
            gx_buf_add(&b->sig, b->tmp.data ? b->tmp.data : "", b->tmp.len);
        }
    }
    int wh = wh0;
    int kt = b->sig.len ? tb_template_columns(b->k, b->sig.data, b->sig.len) : 0;
    int k = kd;
    if (kt > k && kt <= wh) k = kt;
    bool stitched = false;
    if (h1 == s && first_section && carry && carry->valid && carry->allow && k == carry->k) {
        k = carry->k;
        stitched = true;
    }
    if (k == 0) {
        /* no value rows: every cell after the first is a value */
        for (int r = h1; r < e; r++) {
            rinfo *ri = &b->ri[r];
            int c0 = 0;
            while (c0 < ri->last && cell(b, r, c0)->cls == TB_EMPTY) c0++;
            if (ri->label > c0) ri->label = c0;   /* the first cell labels the row */
            if (ri->last - ri->label > k) k = ri->last - ri->label;
        }
        if (k == 0) return;
    }
    bool nohead = false;
    if (stitched) {
        if (k > b->capch) {
            b->capch = k;
            b->choff = gx_xrealloc(b->choff, (size_t)k * sizeof *b->choff);
            b->chflags = gx_xrealloc(b->chflags, (size_t)k * sizeof *b->chflags);
        }
        gx_buf_reset(&b->colheads);
        gx_buf_add(&b->colheads, carry->colheads.data, carry->colheads.len);
        size_t off = 0;
        for (int j = 0; j < k; j++) {
            b->choff[j] = off;
            b->chflags[j] = 0;
            off += strlen(b->colheads.data + off) + 1;
        }
    } else {
        column_paths(b, s, h1, k, &nohead);
        if (carry && h1 == s && first_section)
            carry->valid = false;   /* no header here, none taken: nothing to carry on */
        if (carry && h1 > s) {
            carry->valid = true;
            carry->k = k;
            gx_buf_reset(&carry->colheads);
            gx_buf_add(&carry->colheads, b->colheads.data, b->colheads.len);
        }
    }

    /* signatures of the header rows, to drop a header repeated on a new page */
    int nhdr = h1 - s;
    static gx_buf hs, one;   /* reused from one section to the next */
    gx_buf_reset(&hs);
    gx_buf_reset(&one);
    static tb_scratch shoff, shlen, sbr;
    size_t *hoff = tb_scratch_zero(&shoff, (size_t)nhdr + 1, sizeof *hoff);
    size_t *hlen = tb_scratch_zero(&shlen, (size_t)nhdr + 1, sizeof *hlen);
    for (int r = s; r < h1; r++) {
        signature(b, r, &one);
        hoff[r - s] = hs.len;
        gx_buf_add(&hs, one.data, one.len);
        gx_buf_addc(&hs, 0);
    }
    for (int h = 0; h < nhdr; h++) hlen[h] = strlen(hs.data + hoff[h]);

    /* pass 1: the body rows, their label parts, wrapped labels joined */
    int nb = e - h1;
    brow *br = tb_scratch_zero(&sbr, (size_t)nb + 1, sizeof *br);
    int nbr = 0;
    bool any_label = false;
    b->np = 0;
    gx_buf_reset(&b->parts);
    for (int r = h1; r < e; r++) {
        const rinfo *ri = &b->ri[r];
        if (ri->sep || ri->nonempty == 0) continue;
        if (nhdr && repeats_header(b, r, hs.data, hoff, hlen, nhdr, &one)) continue;
        /* a lone text cell after a value row: the rest of its label? */
        if (!ri->data && ri->nonempty == 1 && nbr > 0 && br[nbr - 1].np > 0 &&
            b->ri[br[nbr - 1].r].data) {
            const cinfo *x = cell(b, r, ri->last);
            long num; int rank; size_t end;
            if (x->cls == TB_TEXT && tb_numbering(b->k, x->s, x->n, &num, &rank, &end) < 0) {
                brow *pr = &br[nbr - 1];
                part *lp = &b->pv[pr->pfirst + pr->np - 1];
                size_t save = b->parts.len;
                gx_buf_reset(&b->tmp);
                tb_path_part(x->s, x->n, &b->tmp);
                /* the last part is the last text in b->parts: extend it */
                gx_buf_add(&b->parts, b->tmp.data ? b->tmp.data : "", b->tmp.len);
                bool known = tb_known_label(b->k, b->parts.data + lp->off, lp->len + b->tmp.len);
                bool prev_known = tb_known_label(b->k, b->parts.data + lp->off, lp->len);
                bool guess = !prev_known && !tb_label_closed(b->k, b->parts.data + lp->off, lp->len) &&
                             nchars(b->tmp.data, b->tmp.len) <= 6;
                if (known || guess) {
                    lp->len += b->tmp.len;
                    pr->flags |= TB_F_WRAPPED;
                    continue;
                }
                b->parts.len = save;
            }
        }
        brow *x = &br[nbr++];
        x->r = r;
        b->wrapped_join = false;
        x->np = label_parts(b, r, &x->pfirst);
        if (b->wrapped_join) x->flags |= TB_F_WRAPPED;
        if (x->np > 0 && ri->data) any_label = true;
        if (b->g->rows[r].flags & TB_ROW_WRAPPED) x->flags |= TB_F_WRAPPED;
        if (b->g->rows[r].flags & TB_ROW_GUESSED) x->flags |= TB_F_GUESSED;
    }

    /* pass 2: label paths and cells */
    b->nst = 0;
    const int lastheader = h1 - 1;
    for (int i = 0; i < nbr; i++) {
        brow *x = &br[i];
        int r = x->r;
        const rinfo *ri = &b->ri[r];
        const tb_row *row = &b->g->rows[r];
        bool lead_empty_label = x->np > 0 && b->pv[x->pfirst].col > 0;
        row_path(b, x->pfirst, x->np, ri->data, lead_empty_label);
        if (x->np > 0) build_rowhead(b);
        else { gx_buf_reset(&b->rowhead); gx_buf_addc(&b->rowhead, 0); }
        b->row++;

        int vs, vn;
        value_span(b, r, &vs, &vn);
        unsigned rf = x->flags;
        if (stitched) rf |= TB_F_STITCHED;
        /* extra empty cells before the values are dropped (spec A-SHIFT;
         * a label spanning the stub columns, HTML colspan, looks the same) */
        while (vn > k && cell(b, r, vs)->cls == TB_EMPTY) { vs++; vn--; rf |= TB_F_SHIFTED; }
        int lead = 0;
        if (ri->label < 0 && ri->data) {
            while (lead < vn && cell(b, r, vs + lead)->cls == TB_EMPTY) lead++;
            if (lead > 0 && lead < vn && lastheader >= s) {
                /* the header row above is empty over the same columns */
                int w = 0;
                for (int h = s; h < h1; h++) if (!b->ri[h].sep && b->ri[h].last + 1 > w) w = b->ri[h].last + 1;
                int hb = w - k;
                bool empty_above = true;
                for (int j = 0; j <= lead && empty_above; j++) {
                    int hc = hb + j;
                    bool ce = hc < 0 || cell(b, lastheader, hc)->cls == TB_EMPTY;
                    if (j < lead ? !ce : ce) empty_above = false;
                }
                if (empty_above) rf |= TB_F_LEAD_EMPTY;
            }
            if (any_label) rf |= TB_F_NOLABEL;
        }
        int ncol = vn > k ? vn : k;
        for (int j = 0; j < ncol; j++) {
            tb_out o;
            unsigned f = rf;
            const cinfo *v = vs + j < row->n ? cell(b, r, vs + j) : NULL;
            if (vs + j >= row->n) f |= TB_F_PADDED;
            if (j >= k) f |= TB_F_OVERFLOW;
            else f |= b->chflags[j];
            if (stitched && j < k) f &= ~(unsigned)TB_F_NOHEAD;
            o.src = v && vs + j < row->n ? b->g->cells[row->first + vs + j].src : row->src;
            o.row = b->row;
            o.col = j + 1;
            o.rowhead = b->rowhead.data;
            o.colhead = j < k ? colhead(b, j) : "";
            o.text = v ? v->s : "";
            o.textlen = v ? v->n : 0;
            o.flags = f;
            o.lead = lead;
            b->emit(b->ctx, &o);
            b->emitted++;
        }
    }
    (void)nohead;
}

int tb_build(const tb_know *k, const tb_grid *g, tb_carry *carry, tb_emit_fn emit, void *ctx)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.k = k;
    b.g = g;
    b.emit = emit;
    b.ctx = ctx;
    /* the buffers of the block before, reused (memory bounded by the
     * largest block) */
    static builder keep;
    b.parts = keep.parts; b.sttext = keep.sttext; b.colheads = keep.colheads;
    b.tmp = keep.tmp; b.rowhead = keep.rowhead; b.sig = keep.sig;
    b.pv = keep.pv; b.capp = keep.capp; b.st = keep.st; b.capst = keep.capst;
    b.choff = keep.choff; b.chflags = keep.chflags; b.capch = keep.capch;
    gx_buf_reset(&b.parts); gx_buf_reset(&b.sttext); gx_buf_reset(&b.colheads);
    gx_buf_reset(&b.tmp); gx_buf_reset(&b.rowhead); gx_buf_reset(&b.sig);
    analyse(&b);

    int n = g->nrows, i = 0;
    bool first = true;
    int minv_before = 1 << 30;   /* first value column of the rows before this section */
    while (i < n) {
        int s = i;
        /* the leading run without values: header rows, then group rows */
        int j = i;
        while (j < n && !b.ri[j].data) j++;
        int minv = 0;
        if (!first) minv = minv_before == 1 << 30 ? 0 : minv_before;
        int hl = -1;
        for (int r = i; r < j; r++) if (header_like(&b, r, first ? 0 : minv)) hl = r;
        int h1 = hl >= 0 ? hl + 1 : i;
        if (j == n && hl < 0 && !first) h1 = i;
        /* the body: until a later run without values holds a header row */
        int minvcol = 1 << 30;
        for (int r = j; r < n; r++) if (b.ri[r].data && b.ri[r].fv >= 0 && b.ri[r].fv < minvcol) { minvcol = b.ri[r].fv; break; }
        if (minvcol == 1 << 30) minvcol = 0;
        int r = j;
        while (r < n) {
            if (b.ri[r].data) {
                if (b.ri[r].fv >= 0 && b.ri[r].fv < minvcol) minvcol = b.ri[r].fv;
                r++;
                continue;
            }
            int r2 = r;
            bool hdr = false;
            while (r2 < n && !b.ri[r2].data) { if (header_like(&b, r2, minvcol)) hdr = true; r2++; }
            if (hdr && r2 < n) break;
            r = r2;
        }
        if (r <= h1) h1 = s;   /* rows without a body: text rows, not a header */
        emit_section(&b, s, h1, r, carry, first);
        for (int q = s; q < r; q++)
            if (b.ri[q].data && b.ri[q].fv >= 0 && b.ri[q].fv < minv_before) minv_before = b.ri[q].fv;
        first = false;
        i = r;
    }
    /* a header at the very end of the block, with no value rows under it:
     * the header of the table that the segmenter cut off after it; keep its
     * column paths for the next block */
    if (carry && n > 0) {
        int t = n;
        while (t > 0 && !b.ri[t - 1].data) t--;
        int hl = -1;
        for (int r = t; r < n; r++)
            if (header_like(&b, r, minv_before == 1 << 30 ? 0 : minv_before)) hl = r;
        if (hl >= 0 && t > 0) {
            int h0 = hl;
            while (h0 > t && !b.ri[h0 - 1].data && !b.ri[h0 - 1].sep && b.ri[h0 - 1].nonempty >= 2) h0--;
            gx_buf_reset(&b.sig);
            int w = 0;
            for (int r = h0; r <= hl; r++) {
                if (b.ri[r].last + 1 > w) w = b.ri[r].last + 1;
                const tb_row *row = &g->rows[r];
                for (int c = 0; c < row->n; c++) {
                    gx_norm_match(b.ci[row->first + c].s, b.ci[row->first + c].n, &b.tmp);
                    gx_buf_add(&b.sig, b.tmp.data ? b.tmp.data : "", b.tmp.len);
                }
            }
            int kt = b.sig.len ? tb_template_columns(k, b.sig.data, b.sig.len) : 0;
            int kk = kt ? kt : w - 1;
            if (kk > 0 && kk <= w) {
                bool nohead;
                column_paths(&b, h0, hl + 1, kk, &nohead);
                carry->valid = true;
                carry->k = kk;
                gx_buf_reset(&carry->colheads);
                gx_buf_add(&carry->colheads, b.colheads.data, b.colheads.len);
            }
        }
    }
    keep.parts = b.parts; keep.sttext = b.sttext; keep.colheads = b.colheads;
    keep.tmp = b.tmp; keep.rowhead = b.rowhead; keep.sig = b.sig;
    keep.pv = b.pv; keep.capp = b.capp; keep.st = b.st; keep.capst = b.capst;
    keep.choff = b.choff; keep.chflags = b.chflags; keep.capch = b.capch;
    return b.emitted;
}

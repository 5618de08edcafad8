/* tables_layout.c - tables as `pdftotext -layout` prints them: cells are
 * runs of text separated by two or more spaces, columns are where the
 * values of many rows line up.
 *
 *   chunks   each line is cut at runs of 2+ spaces; a chunk of numbers
 *            separated by single spaces is cut into its numbers, and a
 *            number after a single space is cut off a CJK label;
 *   metric   positions are counted in characters or in display width
 *            (CJK = 2), whichever makes the values line up in fewer
 *            columns (pdftotext does either, depending on the fonts);
 *   columns  per page, the x-extents of the value chunks (numbers,
 *            placeholders, units) that overlap form one column each;
 *   rows     lines not separated by a blank line are one table row (a
 *            label or header wrapped inside its cell), unless two of them
 *            carry values; a page break ends a row;
 *   cells    label chunks (left of the row's first value) grouped by their
 *            left edge, texts joined top to bottom; then one cell per
 *            column right of the label, empty where the row has no value
 *            there; header rows: the text left of the first column, then
 *            one cell per column holding the words that start in it.
 * Page numbers and running footers (share/gx/tables_footer.tsv) alone in a
 * row at the top or bottom of a page are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "text.h"

typedef struct chunk {
    int    line;      /* index into lines */
    int    x0, x1;    /* [x0, x1) in the metric */
    int    xn0, xn1, xw0, xw1;   /* the same by characters and by display width */
    size_t off, len;  /* bytes in the line */
    int    cls;
} chunk;

typedef struct lay {
    int     kmode;          /* the number of values most value lines have */
    const tb_know *k;
    const tb_line *lines;
    int     nlines;
    chunk  *ch;
    int     nch, capch;
    int    *first, *count;  /* chunks of each line */
    bool   *blank;          /* each line blank (blank_line), taken once */
} lay;

static bool space_cp(int32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0; }

static int cp_width(int32_t cp, const char *s, int l, bool wide)
{
    if (!wide || cp < 0x1100) return 1;
    if (cp >= 0x4E00 && cp <= 0x9FA5) return 2;   /* common CJK ideographs: wide */
    return gx_display_width(s, (size_t)l) >= 2 ? 2 : 1;
}

/* The code point at s (n > 0 bytes) and its length: an invalid byte is
 * U+FFFD of length 1 (as gx_utf8_next). */
static inline int next_cp(const char *s, size_t n, int32_t *cp)
{
    int l = gx_utf8_next_fast(s, n, cp);
    return l <= 0 ? 1 : l;
}

/* A chunk at [xn0, xn1) by characters, [xw0, xw1) by width (x0, x1 are
 * set by use_metric). */
static void add_chunk(lay *L, int line, int xn0, int xn1, int xw0, int xw1, size_t off, size_t len)
{
    const char *s = L->lines[line].s + off;
    size_t n = len;
    const char *t = tb_trim(s, &n);
    if (n == 0) return;
    if (L->nch == L->capch) {
        L->capch = L->capch ? 2 * L->capch : 256;
        L->ch = gx_xrealloc(L->ch, (size_t)L->capch * sizeof *L->ch);
    }
    chunk *c = &L->ch[L->nch++];
    c->line = line;
    c->x0 = c->xn0 = xn0;
    c->x1 = c->xn1 = xn1;
    c->xw0 = xw0;
    c->xw1 = xw1;
    c->off = (size_t)(t - L->lines[line].s);
    c->len = n;
    c->cls = tb_classify(L->k, t, n);
}

/* Words of a chunk separated by single spaces: positions and bytes. */
typedef struct word { int x0, x1; size_t off, len; } word;

static int words_at(const lay *L, const chunk *c, int x0, bool wide, word *w, int cap)
{
    const char *s = L->lines[c->line].s;
    int nw = 0, x = x0;
    size_t i = c->off, end = c->off + c->len, a = i;
    int xa = x;
    while (i <= end) {
        int32_t cp = ' ';
        int l = 1;
        if (i < end) l = next_cp(s + i, end - i, &cp);
        if (i == end || space_cp(cp)) {
            if (i > a && nw < cap) { w[nw].x0 = xa; w[nw].x1 = x; w[nw].off = a; w[nw].len = i - a; nw++; }
            if (i == end) break;
            i += (size_t)l;
            x += 1;
            a = i;
            xa = x;
            continue;
        }
        x += cp_width(cp, s + i, l, wide);
        i += (size_t)l;
    }
    return nw;
}

static int words_of(const lay *L, const chunk *c, bool wide, word *w, int cap)
{
    return words_at(L, c, c->x0, wide, w, cap);
}

/* Does s[0..n) hold a character that separates words (space_cp)? When
 * not, a chunk is one word: words_of need not run. */
static bool has_space(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned c = u[i];
        if (c == ' ' || c == '\t') return true;
        if (c == 0xC2 && i + 1 < n && u[i + 1] == 0xA0) return true;                        /* U+00A0 */
        if (c == 0xE3 && i + 2 < n && u[i + 1] == 0x80 && u[i + 2] == 0x80) return true;   /* U+3000 */
    }
    return false;
}

static bool wide_last(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return false;
    i--;
    int32_t cp;
    int l = gx_utf8_next_fast(s + i, n - i, &cp);
    return l > 0 && cp >= 0x1100 && gx_display_width(s + i, (size_t)l) >= 2;
}

/* Cut every line into chunks, their positions in both metrics at once
 * (where a line is cut does not depend on the metric, nor the order of
 * its chunks: every character moves x on in both). */
static void tokenize(lay *L)
{
    L->nch = 0;
    word w[256], ww[256];
    for (int li = 0; li < L->nlines; li++) {
        L->first[li] = L->nch;
        const char *s = L->lines[li].s;
        size_t n = L->lines[li].n;
        int x = 0, xa = 0, xw = 0, xwa = 0, spaces = 0;
        size_t a = 0, i = 0, last_nonspace = 0;
        bool in = false;
        while (i <= n) {
            /* runs of plain spaces outside a chunk, and of printable ASCII
             * inside one, in one step (one column each, as below) */
            if (i < n && s[i] == ' ' && !in) {
                size_t j = i + 1;
                while (j < n && s[j] == ' ') j++;
                spaces += (int)(j - i);
                x += (int)(j - i);
                xw += (int)(j - i);
                i = j;
                continue;
            }
            if (i < n && (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x80) {
                if (!in) { in = true; a = i; xa = x; xwa = xw; }
                size_t j = i + 1;
                while (j < n && (unsigned char)s[j] > 0x20 && (unsigned char)s[j] < 0x80) j++;
                spaces = 0;
                x += (int)(j - i);
                xw += (int)(j - i);
                i = j;
                last_nonspace = i;
                continue;
            }
            int32_t cp = ' ';
            int l = 1;
            if (i < n) l = next_cp(s + i, n - i, &cp);
            if (i == n || space_cp(cp) || cp == '\f') {
                if (i < n && cp == '\f') { i += (size_t)l; continue; }
                spaces++;
                if (in && (spaces >= 2 || i == n)) {
                    add_chunk(L, li, xa, x - spaces + 1, xwa, xw - spaces + 1, a, last_nonspace - a);
                    in = false;
                }
                if (i == n) break;
                x += cp == '\t' ? 8 - x % 8 : cp_width(cp, s + i, l, false);
                xw += cp == '\t' ? 8 - xw % 8 : cp_width(cp, s + i, l, true);
                i += (size_t)l;
                continue;
            }
            if (!in) { in = true; a = i; xa = x; xwa = xw; }
            spaces = 0;
            x += cp_width(cp, s + i, l, false);
            xw += cp_width(cp, s + i, l, true);
            i += (size_t)l;
            last_nonspace = i;
        }
        /* split chunks of single-space separated numbers, and a number
         * after a single space at the end of a CJK label */
        int end = L->nch;
        for (int ci = L->first[li]; ci < end; ci++) {
            chunk c = L->ch[ci];
            if (c.cls != TB_TEXT || !has_space(s + c.off, c.len)) continue;
            int nw = words_at(L, &c, c.xn0, false, w, 256);
            if (nw < 2) continue;
            words_at(L, &c, c.xw0, true, ww, 256);   /* the same words by width */
            /* a numbering inside a label after one space starts the next
             * label cell ("三、本 年度 办 (一) 予以公": two cells squeezed) */
            int cut = -1;
            for (int j = 1; j < nw && cut < 0; j++) {
                long num; int rank; size_t e;
                if (tb_numbering(L->k, s + w[j].off, c.off + c.len - w[j].off, &num, &rank, &e) >= 0 &&
                    num >= 1 && tb_numbering(L->k, s + c.off, c.len, &num, &rank, &e) >= 0)
                    cut = j;
            }
            if (cut > 0) {
                size_t keep = w[cut - 1].off + w[cut - 1].len - c.off;
                L->ch[ci].len = keep;
                L->ch[ci].x1 = L->ch[ci].xn1 = w[cut - 1].x1;
                L->ch[ci].xw1 = ww[cut - 1].x1;
                add_chunk(L, li, w[cut].x0, c.xn1, ww[cut].x0, c.xw1, w[cut].off, c.off + c.len - w[cut].off);
                continue;
            }
            bool allnum = true;
            for (int j = 0; j < nw && allnum; j++)
                allnum = tb_classify(L->k, s + w[j].off, w[j].len) == TB_NUMBER;
            int lastcls = tb_classify(L->k, s + w[nw - 1].off, w[nw - 1].len);
            if (allnum) {
                L->ch[ci].len = 0;   /* replaced by its words */
                for (int j = 0; j < nw; j++) add_chunk(L, li, w[j].x0, w[j].x1, ww[j].x0, ww[j].x1, w[j].off, w[j].len);
            } else if (lastcls == TB_NUMBER &&
                       wide_last(s + c.off, w[nw - 2].off + w[nw - 2].len - c.off)) {
                /* and a unit before the number, when a long label pushed
                 * both into its cell ("…的经费） 万元 0") */
                int cutw = nw - 1;
                if (nw >= 3 && tb_classify(L->k, s + w[nw - 2].off, w[nw - 2].len) == TB_UNIT &&
                    wide_last(s + c.off, w[nw - 3].off + w[nw - 3].len - c.off))
                    cutw = nw - 2;
                size_t keep = w[cutw - 1].off + w[cutw - 1].len - c.off;
                L->ch[ci].len = keep;
                L->ch[ci].x1 = L->ch[ci].xn1 = w[cutw - 1].x1;
                L->ch[ci].xw1 = ww[cutw - 1].x1;
                L->ch[ci].cls = tb_classify(L->k, s + c.off, keep);
                for (int j = cutw; j < nw; j++) add_chunk(L, li, w[j].x0, w[j].x1, ww[j].x0, ww[j].x1, w[j].off, w[j].len);
            }
        }
        /* drop emptied chunks, keep x order (the same in both metrics) */
        int o = L->first[li];
        for (int ci = L->first[li]; ci < L->nch; ci++) if (L->ch[ci].len) L->ch[o++] = L->ch[ci];
        L->nch = o;
        for (int p = L->first[li] + 1; p < L->nch; p++) {
            chunk t = L->ch[p];
            int q = p;
            while (q > L->first[li] && L->ch[q - 1].x0 > t.x0) { L->ch[q] = L->ch[q - 1]; q--; }
            L->ch[q] = t;
        }
        L->count[li] = L->nch - L->first[li];
    }
}

/* Positions in the metric by width (wide) or by characters. */
static void use_metric(lay *L, bool wide)
{
    for (int i = 0; i < L->nch; i++) {
        chunk *c = &L->ch[i];
        c->x0 = wide ? c->xw0 : c->xn0;
        c->x1 = wide ? c->xw1 : c->xn1;
    }
}

static bool valuelike(int cls) { return cls == TB_NUMBER || cls == TB_NA || cls == TB_UNIT; }

static bool blank_line(const tb_line *l);

/* Within a row of several lines, a text chunk that holds two cells joined
 * by one space is cut where a word starts at the left edge of a text chunk
 * of another line of the row ("(六) 其他处 由逾期不补正" over "1. 申请人",
 * "机关不再处理"). */
static void split_aligned(lay *L, bool wide)
{
    chunk *out = gx_xcalloc((size_t)L->nch * 4 + 16, sizeof *out);
    int nout = 0, cap = L->nch * 4 + 16;
    static tb_scratch sfirst, scount, sblank, sbend;
    int *nfirst = tb_scratch_zero(&sfirst, (size_t)L->nlines + 1, sizeof *nfirst);
    int *ncount = tb_scratch_zero(&scount, (size_t)L->nlines + 1, sizeof *ncount);
    word w[256];
    /* the rows of lines: each line's band [band0, band1) */
    bool *blank = tb_scratch_zero(&sblank, (size_t)L->nlines + 1, sizeof *blank);
    int *bend = tb_scratch_zero(&sbend, (size_t)L->nlines + 1, sizeof *bend);
    for (int li = 0; li < L->nlines; li++) blank[li] = L->blank[li];
    for (int li = L->nlines - 1; li >= 0; li--)
        bend[li] = blank[li] ? li
                 : (li + 1 < L->nlines && !blank[li + 1] && L->lines[li + 1].page == L->lines[li].page)
                       ? bend[li + 1] : li + 1;
    int band0 = 0;
    for (int li = 0; li < L->nlines; li++) {
        if (li > 0 && (blank[li] || L->lines[li].page != L->lines[li - 1].page || blank[li - 1]))
            band0 = li;
        int band1 = bend[li];
        int first = nout;
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
            chunk c = L->ch[ci];
            int nw = c.cls == TB_TEXT && has_space(L->lines[li].s + c.off, c.len) ? words_of(L, &c, wide, w, 256) : 0;
            int from = 0;
            for (int j = 1; j < nw; j++) {
                bool anchor = false;
                int lo = li - 8 > band0 ? li - 8 : band0, hi = li + 9 < band1 ? li + 9 : band1;
                for (int lj = lo; lj < hi && !anchor; lj++) {
                    if (lj == li) continue;
                    for (int cj = L->first[lj]; cj < L->first[lj] + L->count[lj]; cj++)
                        if (L->ch[cj].cls == TB_TEXT && abs(L->ch[cj].x0 - w[j].x0) <= 1 &&
                            abs(L->ch[cj].x0 - c.x0) > 2) { anchor = true; break; }
                }
                if (!anchor || nout + 2 >= cap) continue;
                chunk p = c;
                p.x0 = w[from].x0;
                p.x1 = w[j - 1].x1;
                p.off = w[from].off;
                p.len = w[j - 1].off + w[j - 1].len - w[from].off;
                p.cls = tb_classify(L->k, L->lines[li].s + p.off, p.len);
                out[nout++] = p;
                from = j;
            }
            if (from > 0) {
                c.x0 = w[from].x0;
                c.off = w[from].off;
                c.len = w[nw - 1].off + w[nw - 1].len - w[from].off;
                c.cls = tb_classify(L->k, L->lines[li].s + c.off, c.len);
            }
            if (nout < cap) out[nout++] = c;
        }
        nfirst[li] = first;
        ncount[li] = nout - first;
    }
    memcpy(L->first, nfirst, (size_t)L->nlines * sizeof *nfirst);
    memcpy(L->count, ncount, (size_t)L->nlines * sizeof *ncount);
    free(L->ch);
    L->ch = out;
    L->nch = nout;
    L->capch = cap;
}

typedef struct col { int x0, x1, support; } col;

static int cmp_col(const void *a, const void *b)
{
    const col *x = a, *y = b;
    return x->x0 != y->x0 ? (x->x0 > y->x0) - (x->x0 < y->x0) : (x->x1 > y->x1) - (x->x1 < y->x1);
}

/* Sort extents by x0, then x1 (as cmp_col): positions are small numbers,
 * so by counting x0 (no comparison calls); the few of one x0 by x1. */
static void sort_cols(col *c, int n)
{
    int maxx = 0;
    for (int i = 0; i < n; i++) if (c[i].x0 > maxx) maxx = c[i].x0;
    if (maxx >= 4096 || n < 2) {
        if (n > 1) qsort(c, (size_t)n, sizeof *c, cmp_col);
        return;
    }
    static tb_scratch scount, stmp;
    int *at = tb_scratch_zero(&scount, (size_t)maxx + 2, sizeof *at);
    col *tmp = tb_scratch_zero(&stmp, (size_t)n, sizeof *tmp);
    for (int i = 0; i < n; i++) at[c[i].x0 + 1]++;
    for (int x = 1; x <= maxx + 1; x++) at[x] += at[x - 1];
    for (int i = 0; i < n; i++) tmp[at[c[i].x0]++] = c[i];
    for (int i = 0; i < n; i++) {
        col t = tmp[i];
        int j = i;
        while (j > 0 && tmp[j - 1].x0 == t.x0 && tmp[j - 1].x1 > t.x1) { tmp[j] = tmp[j - 1]; j--; }
        tmp[j] = t;
    }
    memcpy(c, tmp, (size_t)n * sizeof *c);
}

/* Columns of lines [a, b): merged extents of their value chunks. */
static int columns(const lay *L, int a, int b, col *out, int cap)
{
    int n = 0;
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) && n < cap) { out[n].x0 = L->ch[ci].x0; out[n].x1 = L->ch[ci].x1; n++; }
    if (n == 0) return 0;
    sort_cols(out, n);
    /* merge overlapping extents; count the chunks of each column */
    static tb_scratch ssupport;
    int *support = tb_scratch_zero(&ssupport, (size_t)n + 1, sizeof *support);
    int m = 0;
    support[0] = 1;
    for (int i = 1; i < n; i++) {
        if (out[i].x0 < out[m].x1) { if (out[i].x1 > out[m].x1) out[m].x1 = out[i].x1; support[m]++; }
        else { out[++m] = out[i]; support[m] = 1; }
    }
    m++;
    /* a column of one value right next to another column is that column
     * printed a little off (a label too long for its cell pushed it) */
    int maxs = 0;
    for (int i = 0; i < m; i++) if (support[i] > maxs) maxs = support[i];
    if (maxs >= 3) {
        for (int i = 0; i < m; i++) {
            int j = -1;
            if (support[i] == 1) {
                if (i + 1 < m && out[i + 1].x0 - out[i].x1 <= 2) j = i + 1;
                else if (i > 0 && out[i].x0 - out[i - 1].x1 <= 2) j = i - 1;
            } else if (2 * support[i] < maxs) {
                /* touching a stronger column: a value cut off a label by one space */
                if (i + 1 < m && out[i + 1].x0 - out[i].x1 <= 1 && support[i + 1] > support[i]) j = i + 1;
                else if (i > 0 && out[i].x0 - out[i - 1].x1 <= 1 && support[i - 1] > support[i]) j = i - 1;
            }
            if (j < 0) continue;
            if (out[i].x0 < out[j].x0) out[j].x0 = out[i].x0;
            if (out[i].x1 > out[j].x1) out[j].x1 = out[i].x1;
            support[j] += 1;
            memmove(&out[i], &out[i + 1], (size_t)(m - i - 1) * sizeof *out);
            memmove(&support[i], &support[i + 1], (size_t)(m - i - 1) * sizeof *support);
            m--;
            i = -1;   /* start again: indices moved */
        }
    }
    for (int i = 0; i < m; i++) out[i].support = support[i];

    return m;
}

static bool blank_line(const tb_line *l)
{
    size_t n = l->n;
    tb_trim(l->s, &n);
    return n == 0;
}

static bool has_number(const lay *L, int li)
{
    for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
        if (L->ch[ci].cls == TB_NUMBER || L->ch[ci].cls == TB_NA) return true;
    return false;
}

/* Append a text to cell slot `slot` of the row being built (texts kept in
 * per-slot buffers, joined with a space). */
typedef struct slots {
    gx_buf *b;
    int     n, cap;
    int     src;
    int    *lines;   /* number of lines contributing to each slot */
} slots;

static void slots_reset(slots *S, int n)
{
    if (n > S->cap) {
        S->b = gx_xrealloc(S->b, (size_t)n * sizeof *S->b);
        S->lines = gx_xrealloc(S->lines, (size_t)n * sizeof *S->lines);
        for (int i = S->cap; i < n; i++) gx_buf_init(&S->b[i]);
        S->cap = n;
    }
    for (int i = 0; i < n; i++) { gx_buf_reset(&S->b[i]); S->lines[i] = 0; }
    S->n = n;
}

static void slot_add(slots *S, int i, const char *s, size_t n)
{
    if (S->b[i].len) gx_buf_addc(&S->b[i], ' ');
    gx_buf_add(&S->b[i], s, n);
    S->lines[i]++;
}

static void emit_row(tb_grid *g, slots *S, int src, unsigned flags)
{
    tb_grid_row(g, src, flags);
    for (int i = 0; i < S->n; i++) tb_grid_cell(g, S->b[i].data ? S->b[i].data : "", S->b[i].len, src);
    g->open = false;
}

/* One band of lines [a, b) (one table row) into the grid. */
static int values_in(const lay *L, int a, int b, int vx0)
{
    int n = 0;
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) || L->ch[ci].x0 >= vx0) n++;
    return n;
}

/* How badly a header piece (left edge x0, centre cx) fits column k: the
 * distance of its left edge from the column's cell, which runs from the end
 * of the column before to the end of this one (numbers are printed at the
 * right of a cell or from its left edge, headers from the left), then,
 * lightly, the distance of the centres. */
/* Give n items, in order, to n of k slots, in order (n <= k), at the least
 * total cost(i, j, ctx) (dynamic programming; ties take the item's slot
 * as early as it can be): at[i] = the slot of item i. */
static void assign_in_order(int n, int k, double (*cost)(int i, int j, const void *ctx),
                            const void *ctx, int *at)
{
    static tb_scratch sdp, stk;
    double *dp = tb_scratch_zero(&sdp, (size_t)(n + 1) * (size_t)(k + 1), sizeof *dp);
    char *tk = tb_scratch_zero(&stk, (size_t)(n + 1) * (size_t)(k + 1), 1);
#define DP(i, j) dp[(size_t)(i) * (size_t)(k + 1) + (size_t)(j)]
#define TK(i, j) tk[(size_t)(i) * (size_t)(k + 1) + (size_t)(j)]
    for (int i = 1; i <= n; i++) DP(i, 0) = 1e18;
    for (int i = 1; i <= n; i++)
        for (int j = 1; j <= k; j++) {
            if (j < i) { DP(i, j) = 1e18; continue; }
            double use = DP(i - 1, j - 1) + cost(i - 1, j - 1, ctx), skip = DP(i, j - 1);
            if (use <= skip) { DP(i, j) = use; TK(i, j) = 1; }
            else DP(i, j) = skip;
        }
    for (int i = n, j = k; i > 0 && j > 0;) {
        if (TK(i, j)) { at[i - 1] = j - 1; i--; j--; }
        else j--;
    }
#undef DP
#undef TK
}

static double piece_cost(int x0, double cx, const col *cols, int k)
{
    double lo = k > 0 ? cols[k - 1].x1 : -1e9, hi = cols[k].x1;
    double d = x0 < lo ? lo - x0 : x0 > hi ? x0 - hi : 0;
    double c = cx - (cols[k].x0 + cols[k].x1) / 2.0;
    return d + 0.01 * (c < 0 ? -c : c);
}

/* The label group (left edge within 2 of labx[j]) of a chunk starting at
 * x0, or nlab when none. */
static int label_group(const int *labx, int nlab, int x0)
{
    int j = 0;
    while (j < nlab && abs(labx[j] - x0) > 2) j++;
    return j;
}

/* piece_cost of the i-th piece in x order (for assign_in_order) */
typedef struct pieces { const int *order, *left; const double *cx; const col *cols; } pieces;
static double ordered_piece_cost(int i, int j, const void *ctx)
{
    const pieces *p = ctx;
    return piece_cost(p->left[p->order[i]], p->cx[p->order[i]], p->cols, j);
}

static void band_row(lay *L, tb_grid *g, slots *S, int a, int b, const col *cols, int ncol, bool wide)
{
    int src = L->lines[a].src;
    bool data = false;
    int vx0 = 1 << 30;   /* left edge of the row's first value */
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
            chunk *c = &L->ch[ci];
            if (valuelike(c->cls)) { data = true; if (c->x0 < vx0) vx0 = c->x0; }
        }
    for (int li = a; li < b; li++) if (has_number(L, li)) { src = L->lines[li].src; break; }
    unsigned flags = 0;
    int firstcol = ncol ? cols[0].x0 : 1 << 30;
    if (!data) {
        /* header or group row: the text left of the columns (the stub),
         * then the pieces of text stacked at one left edge (a header cell
         * wrapped over several lines), each in the column nearest to its
         * centre */
        slots_reset(S, 1 + ncol);
        enum { MAXP = 256 };
        word pw[MAXP];
        int pline[MAXP], np = 0;
        word w[256];
        for (int li = a; li < b; li++)
            for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
                chunk *c = &L->ch[ci];
                int nw = ncol ? words_of(L, c, wide, w, 256) : 0;
                if (ncol == 0 || c->x1 <= firstcol) {
                    slot_add(S, 0, L->lines[li].s + c->off, c->len);
                    continue;
                }
                for (int j = 0; j < nw && np < MAXP; j++) {
                    if (w[j].x1 <= firstcol) { slot_add(S, 0, L->lines[li].s + w[j].off, w[j].len); continue; }
                    pw[np] = w[j];
                    pline[np++] = li;
                }
            }
        /* pieces: words stacked at one left edge over several lines are one
         * header cell */
        int grp[MAXP], ng = 0, gleft[MAXP];
        double gx[MAXP];
        for (int i = 0; i < np; i++) {
            int gi = -1;
            for (int j = 0; j < i && gi < 0; j++)
                if (pline[j] != pline[i] && abs(pw[j].x0 - pw[i].x0) <= 1) gi = grp[j];
            if (gi < 0) { gi = ng++; gx[gi] = (pw[i].x0 + pw[i].x1) / 2.0; gleft[gi] = pw[i].x0; }
            grp[i] = gi;
        }
        /* order the pieces by position, then give them to the columns:
         * keeping their order, one column each, as close to the column
         * centres as can be (header text sits left of right-aligned
         * numbers; a squeezed line is off by a few places); more pieces
         * than columns: each to the nearest column */
        int order[MAXP], gcol[MAXP];
        for (int gi = 0; gi < ng; gi++) order[gi] = gi;
        for (int i = 1; i < ng; i++) {
            int t = order[i], j = i;
            while (j > 0 && gx[order[j - 1]] > gx[t]) { order[j] = order[j - 1]; j--; }
            order[j] = t;
        }
        if (ng > 0 && ng <= ncol) {
            const pieces pc = {order, gleft, gx, cols};
            int at[MAXP];
            assign_in_order(ng, ncol, ordered_piece_cost, &pc, at);
            for (int i = 0; i < ng; i++) gcol[order[i]] = at[i] + 1;
        } else {
            for (int gi = 0; gi < ng; gi++) {
                double bestd = 1e18;
                gcol[gi] = 1;
                for (int k = 0; k < ncol; k++) {
                    double d = piece_cost(gleft[gi], gx[gi], cols, k);
                    if (d < bestd) { bestd = d; gcol[gi] = k + 1; }
                }
            }
        }
        int pslot[MAXP];
        for (int i = 0; i < np; i++) pslot[i] = gcol[grp[i]];
        for (int i = 0; i < np; i++) slot_add(S, pslot[i], L->lines[pline[i]].s + pw[i].off, pw[i].len);
        for (int i = 0; i < S->n; i++) if (S->lines[i] > 1) flags |= TB_ROW_WRAPPED;
        emit_row(g, S, src, flags);
        return;
    }
    /* label cells: text chunks left of the first value, grouped by left edge */
    int nlab = 0, labx[64], labend = -1;
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
            chunk *c = &L->ch[ci];
            if (c->cls != TB_TEXT || c->x0 >= vx0) continue;
            if (label_group(labx, nlab, c->x0) == nlab && nlab < 64) labx[nlab++] = c->x0;
            if (c->x1 > labend) labend = c->x1;
        }
    /* order the label groups by x */
    for (int i = 1; i < nlab; i++) {
        int t = labx[i], j = i;
        while (j > 0 && labx[j - 1] > t) { labx[j] = labx[j - 1]; j--; }
        labx[j] = t;
    }
    int first_slot = 0;
    while (first_slot < ncol && cols[first_slot].x0 < labend) first_slot++;
    /* a label squeezed into the first value column (pdftotext joined the
     * cells with one space): the columns start where the first value is */
    for (int k = 0; k < first_slot; k++)
        if (cols[k].x1 > vx0) { first_slot = k; break; }
    /* the columns of this row: every strong column right of the label, and
     * a weak one (values of a few rows only, a ragged table) only where
     * this row has a value in it; slot[] maps a column to its cell */
    int maxs = 0;
    for (int k = 0; k < ncol; k++) if (cols[k].support > maxs) maxs = cols[k].support;
    int slotof[1024];
    int nslots = 0;
    for (int k = first_slot; k < ncol && k < 1024; k++) {
        bool used = 2 * cols[k].support >= maxs;
        if (!used)
            for (int li = a; li < b && !used; li++)
                for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
                    chunk *c = &L->ch[ci];
                    if (c->cls == TB_TEXT && c->x0 < vx0) continue;
                    if (c->x0 < cols[k].x1 && c->x1 > cols[k].x0) { used = true; break; }
                }
        slotof[k] = used ? nslots++ : -1;
    }
    /* a row with as many values as most rows: the values in order, one
     * per column (the table may be ragged, its columns shifted by a cell) */
    if (L->kmode > 0 && values_in(L, a, b, vx0) == L->kmode) {
        int nv = 0;
        slots_reset(S, nlab + L->kmode);
        for (int li = a; li < b; li++)
            for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
                chunk *c = &L->ch[ci];
                const char *t = L->lines[li].s + c->off;
                if (c->cls == TB_TEXT && c->x0 < vx0) {
                    int j = label_group(labx, nlab, c->x0);
                    if (j < nlab) slot_add(S, j, t, c->len);
                } else if (nv < L->kmode) {
                    slot_add(S, nlab + nv++, t, c->len);
                }
            }
        for (int i = 0; i < nlab; i++) if (S->lines[i] > 1) flags |= TB_ROW_WRAPPED;
        emit_row(g, S, src, flags);
        return;
    }
    slots_reset(S, nlab + nslots + 1);
    int extra = S->n - 1;    /* a last slot for values outside every column */
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
            chunk *c = &L->ch[ci];
            const char *t = L->lines[li].s + c->off;
            if (c->cls == TB_TEXT && c->x0 < vx0) {
                int j = label_group(labx, nlab, c->x0);
                if (j < nlab) slot_add(S, j, t, c->len);
                continue;
            }
            /* a value (or text in the value area): the column it overlaps most */
            int best = -1, bestov = 0;
            for (int k = first_slot; k < ncol && k < 1024; k++) {
                if (slotof[k] < 0) continue;
                int ov = (c->x1 < cols[k].x1 ? c->x1 : cols[k].x1) - (c->x0 > cols[k].x0 ? c->x0 : cols[k].x0);
                if (ov > bestov) { bestov = ov; best = k; }
            }
            if (best < 0) {
                /* nearest column to the right, else the extra slot */
                for (int k = first_slot; k < ncol && k < 1024 && best < 0; k++)
                    if (slotof[k] >= 0 && cols[k].x0 >= c->x0) best = k;
                flags |= TB_ROW_GUESSED;
            }
            if (best >= 0) slot_add(S, nlab + slotof[best], t, c->len);
            else slot_add(S, extra, t, c->len);
        }
    for (int i = 0; i < nlab; i++) if (S->lines[i] > 1) flags |= TB_ROW_WRAPPED;
    if (S->lines[extra] == 0) S->n--;
    emit_row(g, S, src, flags);
}


/* ---- template header anchors ----------------------------------------------
 * A template table whose value rows cannot say where its columns are (the
 * review columns of T4 are empty in every row, so nothing is printed
 * under them) is laid out by its header: the leaf header words of the
 * template (share/gx/tables_templates.tsv `leaves`, letters spaced one
 * apart joined) found on the header lines, exactly one per column, are the
 * columns, ordered top line first, then left to right. The words above them
 * (行政复议, 未经复议直接起诉) head the groups of columns below them, and the
 * values of each row go to the columns in order, as near to the middle of
 * their header words as can be. */

typedef struct hitem {
    int    line;      /* index into lines */
    int    x0, x1;
    size_t off, len;  /* bytes in the line (raw, single spaces kept) */
    int    c0, c1;    /* columns covered: [c0, c1] (-1: not placed) */
    int    leafno;    /* which leaf word (leaf items) */
    bool   leaf, covered;
    int    band;      /* header lines between blank lines */
    int    level;     /* leaves: leaves whose lines overlap */
    int    np;        /* pieces: one, or words stacked over lines */
    int    pl[8];
    size_t poff[8], plen[8];
} hitem;

typedef struct hchar { int x0, x1; size_t off, len; int gap; } hchar;

/* Does leaf word `w` start at character p of cs (gaps of one space at
 * most inside)? Returns the number of characters matched, or 0. */
static int leaf_at(const char *s, const hchar *cs, int ncs, int p, const char *w)
{
    size_t wl = strlen(w), i = 0;
    int q = p;
    while (i < wl) {
        if (q >= ncs) return 0;
        if (q > p && cs[q].gap > 1) return 0;
        if (cs[q].len > wl - i || memcmp(s + cs[q].off, w + i, cs[q].len) != 0) return 0;
        i += cs[q].len;
        q++;
    }
    return q - p;
}

static int cmp_item(const void *a, const void *b)
{
    const hitem *x = a, *y = b;
    if (x->line != y->line) return x->line - y->line;
    return x->x0 - y->x0;
}

/* The header items of line li: leaf words and the other words (runs of
 * characters with gaps of one space at most). */
static int line_items(const lay *L, int li, bool wide, const char *const *leaves, int nleaves,
                      hitem *out, int cap)
{
    static tb_scratch scs;
    const char *s = L->lines[li].s;
    size_t n = L->lines[li].n;
    hchar *cs = tb_scratch_zero(&scs, n + 1, sizeof *cs);
    int ncs = 0, x = 0, gap = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int l = gx_utf8_next_fast(s + i, n - i, &cp);
        if (l <= 0) l = 1;
        if (space_cp(cp) || cp == '\f') {
            if (cp != '\f') { gap++; x += cp == '\t' ? 8 - x % 8 : cp_width(cp, s + i, l, wide); }
            i += (size_t)l;
            continue;
        }
        int w = cp_width(cp, s + i, l, wide);
        cs[ncs].x0 = x; cs[ncs].x1 = x + w; cs[ncs].off = i; cs[ncs].len = (size_t)l;
        cs[ncs].gap = ncs ? gap : 1 << 20;
        ncs++;
        x += w;
        gap = 0;
        i += (size_t)l;
    }
    int nout = 0;
    for (int p = 0; p < ncs && nout < cap;) {
        int m = 0;
        int which = -1;
        for (int j = 0; j < nleaves && !m; j++) { m = leaf_at(s, cs, ncs, p, leaves[j]); if (m) which = j; }
        hitem *h = &out[nout];
        h->leafno = which;
        if (m) {
            h->leaf = true;
        } else {
            h->leaf = false;
            m = 1;
            while (p + m < ncs && cs[p + m].gap <= 1) {
                bool leaf = false;
                for (int j = 0; j < nleaves && !leaf; j++) leaf = leaf_at(s, cs, ncs, p + m, leaves[j]) > 0;
                if (leaf) break;
                m++;
            }
        }
        h->line = li;
        h->x0 = cs[p].x0;
        h->x1 = cs[p + m - 1].x1;
        h->off = cs[p].off;
        h->len = cs[p + m - 1].off + cs[p + m - 1].len - cs[p].off;
        h->c0 = h->c1 = -1;
        h->covered = false;
        h->np = 1;
        h->pl[0] = li;
        h->poff[0] = h->off;
        h->plen[0] = h->len;
        nout++;
        p += m;
    }
    return nout;
}

/* Least-squares fit v = p a + q over n points; returns the mean squared
 * residual (1e18 when p <= 0 or the fit is degenerate). */
static double fit(const double *a, const double *v, int n, double *p, double *q)
{
    double sa = 0, sv = 0, saa = 0, sav = 0;
    for (int i = 0; i < n; i++) { sa += a[i]; sv += v[i]; saa += a[i] * a[i]; sav += a[i] * v[i]; }
    double d = n * saa - sa * sa;
    if (n < 2 || d <= 1e-9) return 1e18;
    double pp = (n * sav - sa * sv) / d, qq = (sv - pp * sa) / n;
    if (pp <= 0) return 1e18;
    double r = 0;
    for (int i = 0; i < n; i++) { double e = v[i] - (pp * a[i] + qq); r += e * e; }
    *p = pp;
    *q = qq;
    return r / n;
}

/* Columns of the nv values of a row (centres vc) among K columns (header
 * centres cx): all K in order; else, with three values or more, the run of
 * nv adjacent columns whose header positions map best onto the values by
 * one scale and offset (the header is printed wider or narrower than the
 * values; an empty group of columns prints nothing), and that map is kept
 * (*mp, *mq) for rows with fewer values, which go to the nearest mapped
 * columns in order. */
/* How far value i is from where column j's header maps to (for assign_in_order). */
typedef struct mapped { const double *vc, *cx; double p, q; } mapped;
static double mapped_cost(int i, int j, const void *ctx)
{
    const mapped *m = ctx;
    double d = m->vc[i] - (m->p * m->cx[j] + m->q);
    return d < 0 ? -d : d;
}

static void place_values(const double *vc, int nv, const double *cx, int K, double *mp, double *mq,
                         int *at)
{
    if (nv >= K) { for (int i = 0; i < nv; i++) at[i] = i < K ? i : K - 1; return; }
    if (nv >= 3) {
        double best = 1e18;
        int bs = -1;
        for (int st = 0; st + nv <= K; st++) {
            double p = 1, q = 0, r = fit(cx + st, vc, nv, &p, &q);
            if (r < best) { best = r; bs = st; *mp = p; *mq = q; }
        }
        if (bs >= 0) { for (int i = 0; i < nv; i++) at[i] = bs + i; return; }
    }
    /* order-keeping nearest columns under the map */
    const mapped m = {vc, cx, *mp, *mq};
    assign_in_order(nv, K, mapped_cost, &m, at);
}

/* The header items of lines [a, fv) as words stacked at one left edge
 * over the lines of a band (a header cell wrapped inside its cell: "结果"
 * over "维持"): words split at every space; a word goes under the stack at
 * its left edge while the stack's text is the start of a leaf word. */
static int stacked_items(const lay *L, int a, int fv, bool wide, const int *band,
                         const char *const *leaves, int nleaves, hitem *out, int cap)
{
    const tb_line *lines = L->lines;
    int nout = 0;
    char txt[512];
    for (int li = a; li < fv; li++) {
        if (L->blank[li]) continue;
        const char *s = lines[li].s;
        size_t n = lines[li].n;
        int x = 0;
        for (size_t i = 0; i < n;) {
            int32_t cp;
            int l = gx_utf8_next_fast(s + i, n - i, &cp);
            if (l <= 0) l = 1;
            if (space_cp(cp) || cp == '\f') {
                if (cp != '\f') x += cp == '\t' ? 8 - x % 8 : cp_width(cp, s + i, l, wide);
                i += (size_t)l;
                continue;
            }
            size_t w0 = i;
            int x0 = x;
            while (i < n) {
                l = gx_utf8_next_fast(s + i, n - i, &cp);
                if (l <= 0) l = 1;
                if (space_cp(cp) || cp == '\f') break;
                x += cp_width(cp, s + i, l, wide);
                i += (size_t)l;
            }
            /* under an open stack of this band near this left edge whose
             * text, with this word, begins a leaf word (the words after it
             * on its line, one space apart, may be part of it: "结果 维"
             * over "持")? */
            size_t wl = i - w0;
            bool wprefix = false;
            for (int j = 0; j < nleaves && !wprefix; j++)
                wprefix = wl <= strlen(leaves[j]) && memcmp(leaves[j], s + w0, wl) == 0;
            int to = -1, ext = 0;
            for (int dist = 0; dist <= 3 && to < 0; dist++)
                for (int q = nout - 1; q >= 0 && to < 0; q--) {
                    hitem *h = &out[q];
                    if (h->band != band[li] || h->pl[h->np - 1] >= li || h->np >= 4) continue;
                    if (abs(h->x0 - x0) != dist) continue;
                    size_t tl = 0;
                    for (int k = 0; k < h->np && tl < sizeof txt; k++) {
                        size_t m = h->plen[k] < sizeof txt - tl ? h->plen[k] : sizeof txt - tl;
                        memcpy(txt + tl, lines[h->pl[k]].s + h->poff[k], m);
                        tl += m;
                    }
                    for (int e = 0; e <= 3 && to < 0; e++) {
                        if (e > 0) {
                            if (h->np != 1 || q + e >= nout) break;
                            const hitem *r = &out[q + e];
                            if (r->np != 1 || r->pl[0] != h->pl[0] || r->x0 - out[q + e - 1].x1 > 1) break;
                            if (tl + r->plen[0] > sizeof txt) break;
                            memcpy(txt + tl, lines[r->pl[0]].s + r->poff[0], r->plen[0]);
                            tl += r->plen[0];
                        }
                        for (int j = 0; j < nleaves && to < 0; j++) {
                            size_t ll = strlen(leaves[j]);
                            if (tl < ll && memcmp(leaves[j], txt, tl) == 0 && tl + wl <= ll &&
                                memcmp(leaves[j] + tl, s + w0, wl) == 0) { to = q; ext = e; }
                        }
                    }
                }
            /* a word that begins no leaf word under a word that is none
             * either, starting inside it ("未经复议直接" over "起诉") */
            if (to < 0 && !wprefix) {
                int bestd = 1 << 30;
                for (int q = nout - 1; q >= 0; q--) {
                    hitem *h = &out[q];
                    if (h->band != band[li] || h->pl[h->np - 1] >= li || h->np >= 4) continue;
                    if (x0 < h->x0 - 1 || x0 > h->x1) continue;
                    bool hp = false;
                    for (int j = 0; j < nleaves && !hp; j++)
                        hp = h->plen[0] <= strlen(leaves[j]) &&
                             memcmp(leaves[j], lines[h->pl[0]].s + h->poff[0], h->plen[0]) == 0;
                    if (hp) continue;
                    if (abs(h->x0 - x0) < bestd) { bestd = abs(h->x0 - x0); to = q; }
                }
            }
            if (to >= 0) {
                hitem *h = &out[to];
                for (int e = 1; e <= ext; e++) {   /* the words after it on its line */
                    const hitem *r = &out[to + e];
                    h->pl[h->np] = r->pl[0]; h->poff[h->np] = r->poff[0]; h->plen[h->np] = r->plen[0];
                    h->np++;
                    if (r->x1 > h->x1) h->x1 = r->x1;
                }
                if (ext) {
                    memmove(&out[to + 1], &out[to + 1 + ext], (size_t)(nout - to - 1 - ext) * sizeof *out);
                    nout -= ext;
                }
                if (h->np < 8) {
                    h->pl[h->np] = li; h->poff[h->np] = w0; h->plen[h->np] = wl; h->np++;
                }
                if (x > h->x1) h->x1 = x;
                continue;
            }
            if (nout == cap) continue;
            hitem *h = &out[nout++];
            memset(h, 0, sizeof *h);
            h->line = li; h->band = band[li];
            h->x0 = x0; h->x1 = x;
            h->off = w0; h->len = i - w0;
            h->np = 1; h->pl[0] = li; h->poff[0] = w0; h->plen[0] = i - w0;
            h->c0 = h->c1 = -1;
            h->leafno = -1;
        }
    }
    /* leaves: stacks whose text is a leaf word */
    for (int q = 0; q < nout; q++) {
        hitem *h = &out[q];
        size_t tl = 0;
        for (int k = 0; k < h->np && tl < sizeof txt; k++) {
            size_t m = h->plen[k] < sizeof txt - tl ? h->plen[k] : sizeof txt - tl;
            memcpy(txt + tl, lines[h->pl[k]].s + h->poff[k], m);
            tl += m;
        }
        for (int j = 0; j < nleaves && !h->leaf; j++)
            if (strlen(leaves[j]) == tl && memcmp(leaves[j], txt, tl) == 0) { h->leaf = true; h->leafno = j; }
    }
    return nout;
}

static int cmp_level_x(const void *a, const void *b)
{
    const hitem *x = *(const hitem *const *)a, *y = *(const hitem *const *)b;
    if (x->level != y->level) return x->level - y->level;
    return x->x0 - y->x0;
}

static bool anchor_page(lay *L, tb_grid *g, slots *S, int a, int pe, bool wide, bool dry)
{
    const tb_line *lines = L->lines;
    int fv = a;   /* the first value line */
    while (fv < pe && !has_number(L, fv)) fv++;
    if (fv == pe) return false;
    /* the template, from the text of the lines without values */
    static gx_buf hdr, tmp;
    gx_buf_reset(&hdr);
    for (int li = a; li < pe; li++) {
        if (has_number(L, li)) continue;
        gx_norm_match(lines[li].s, lines[li].n, &tmp);
        gx_buf_add(&hdr, tmp.data ? tmp.data : "", tmp.len);
    }
    const char *const *leaves;
    int nleaves;
    int K = hdr.len ? tb_template(L->k, hdr.data, hdr.len, &leaves, &nleaves) : 0;
    if (getenv("GX_TABLES_DEBUG")) fprintf(stderr, "anchors: template columns %d, %d leaf words\n", K, nleaves);
    if (K <= 0 || nleaves == 0 || K > 256) return false;
    /* every value line has at most K values */
    for (int li = fv; li < pe; li++) {
        if (!has_number(L, li)) continue;
        int vx0 = 1 << 30;
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) && L->ch[ci].x0 < vx0) vx0 = L->ch[ci].x0;
        if (values_in(L, li, li + 1, vx0) > K) return false;
    }
    /* the header items above the first value line */
    enum { MAXI = 512 };
    static hitem it[MAXI];
    static tb_scratch sband;
    int *band = (int *)tb_scratch_zero(&sband, (size_t)(fv - a) + 1, sizeof *band) - a;
    for (int li = a, bn = 0; li < fv; li++) {
        if (L->blank[li]) { if (li > a && !L->blank[li - 1]) bn++; continue; }
        band[li] = bn;
    }
    int ni = 0, nleaf = 0;
    for (int li = a; li < fv; li++) {
        if (L->blank[li] || tb_footer(L->k, lines[li].s, lines[li].n)) continue;
        int n0 = ni;
        ni += line_items(L, li, wide, leaves, nleaves, it + ni, MAXI - ni);
        for (int q = n0; q < ni; q++) it[q].band = band[li];
    }
    for (int i = 0; i < ni; i++) nleaf += it[i].leaf;
    if (nleaf != K) {
        /* header cells wrapped over lines: words stacked at one left edge */
        ni = stacked_items(L, a, fv, wide, band, leaves, nleaves, it, MAXI);
        nleaf = 0;
        for (int i = 0; i < ni; i++) nleaf += it[i].leaf;
    }
    if (getenv("GX_TABLES_DEBUG")) fprintf(stderr, "anchors: %d header items, %d leaves\n", ni, nleaf);
    if (nleaf != K) return false;
    if (dry) return true;
    qsort(it, (size_t)ni, sizeof *it, cmp_item);
    /* the columns: the leaves by level (leaves whose lines overlap), top
     * level first, then left to right; within a group of columns (a new
     * group where a leaf word comes again) in the template's order (a leaf
     * printed a little off) */
    int colitem[256], c = 0;
    hitem *lv[256];
    for (int i = 0; i < ni; i++) if (it[i].leaf) lv[c++] = &it[i];
    for (int j = 0; j < c; j++) {   /* level: lines [top, bottom] overlapping, transitively */
        lv[j]->level = lv[j]->pl[0];
        for (int k = 0; k < lv[j]->np; k++) if (lv[j]->pl[k] < lv[j]->level) lv[j]->level = lv[j]->pl[k];
    }
    qsort(lv, (size_t)c, sizeof *lv, cmp_level_x);   /* by top line */
    {
        int lvl = 0, bottom = -1;
        int top[256];
        for (int j = 0; j < c; j++) top[j] = lv[j]->level;
        for (int j = 0; j < c; j++) {
            if (j > 0 && top[j] > bottom) lvl++;
            int bt = lv[j]->pl[0];
            for (int k = 0; k < lv[j]->np; k++) if (lv[j]->pl[k] > bt) bt = lv[j]->pl[k];
            if (bt > bottom) bottom = bt;
            lv[j]->level = lvl;
        }
    }
    qsort(lv, (size_t)c, sizeof *lv, cmp_level_x);   /* by level, then x */
    for (int j0 = 0; j0 < c;) {
        int j1 = j0 + 1;
        unsigned seen = 1u << (lv[j0]->leafno & 31);
        while (j1 < c && lv[j1]->level == lv[j0]->level && !(seen & (1u << (lv[j1]->leafno & 31)))) {
            seen |= 1u << (lv[j1]->leafno & 31);
            j1++;
        }
        for (int x = j0 + 1; x < j1; x++) {   /* the template's order */
            hitem *t = lv[x];
            int y = x;
            while (y > j0 && lv[y - 1]->leafno > t->leafno) { lv[y] = lv[y - 1]; y--; }
            lv[y] = t;
        }
        j0 = j1;
    }
    for (int j = 0; j < c; j++) { lv[j]->c0 = lv[j]->c1 = j; colitem[j] = (int)(lv[j] - it); }
    /* the first units: groups of leaves (a new group on a new line or at the
     * first leaf word) */
    enum { MAXU = 512 };
    static hitem un[MAXU];
    int nu = 0;
    for (int j = 0; j < K; j++) {
        const hitem *h = &it[colitem[j]], *pv = j ? &it[colitem[j - 1]] : NULL;
        if (!pv || h->level != pv->level || h->leafno <= pv->leafno) {
            un[nu] = *h;
            un[nu].covered = false;
            nu++;
        }
        un[nu - 1].c1 = j;
        if (h->line < un[nu - 1].line) un[nu - 1].line = h->line;
        un[nu - 1].x1 = h->x1;
    }
    /* the words above them, line by line from the bottom: each heads the
     * units below it (one each when the numbers match, else those that start
     * at or right of it, before the next word) */
    for (int i = ni - 1; i >= 0;) {
        int l = it[i].line, i0 = i;
        while (i0 > 0 && it[i0 - 1].line == l) i0--;
        int P[64], m = 0;
        for (int q = i0; q <= i && m < 64; q++) if (!it[q].leaf) P[m++] = q;
        i = i0 - 1;
        if (m == 0) continue;
        int cand[MAXU], u = 0;
        for (int q = 0; q < nu; q++) if (!un[q].covered && un[q].line > l) cand[u++] = q;
        for (int x = 1; x < u; x++) {   /* by column */
            int t = cand[x], y = x;
            while (y > 0 && un[cand[y - 1]].c0 > un[t].c0) { cand[y] = cand[y - 1]; y--; }
            cand[y] = t;
        }
        if (u == 0) continue;
        /* one word over every column of a table of several groups, alone
         * in its lines: a caption, not a column header */
        bool alone = true;   /* the only such word of its band */
        for (int q = 0; q < ni && alone; q++)
            if (q != P[0] && !it[q].leaf && it[q].band == it[P[0]].band) alone = false;
        if (m == 1 && alone && u >= 2 && un[cand[0]].c0 == 0 && un[cand[u - 1]].c1 == K - 1) continue;
        /* the words take a run of units one each, the run whose middles
         * are nearest theirs; units right of the run go to the last word
         * (a group word over several groups), units left of it stay for
         * the words above */
        int owner[MAXU];
        for (int x = 0; x < u; x++) owner[x] = -1;
        if (m >= u) {
            for (int x = 0; x < u; x++) owner[x] = x;
        } else {
            double best = 1e18;
            int bs = 0;
            for (int st = 0; st + m <= u; st++) {
                double d = 0;
                for (int y = 0; y < m; y++) {
                    double e = (it[P[y]].x0 + it[P[y]].x1) / 2.0 -
                               (un[cand[st + y]].x0 + un[cand[st + y]].x1) / 2.0;
                    d += e < 0 ? -e : e;
                }
                if (d < best) { best = d; bs = st; }
            }
            for (int y = 0; y < m; y++) owner[bs + y] = y;
            int low = un[cand[bs]].line;   /* a unit higher up than the run heads it */
            for (int y = 0; y < m; y++) if (un[cand[bs + y]].line < low) low = un[cand[bs + y]].line;
            for (int x = bs + m; x < u && un[cand[x]].line >= low; x++) owner[x] = m - 1;
        }
        for (int y = 0; y < m; y++) {
            hitem *h = &it[P[y]];
            for (int x = 0; x < u; x++) {
                if (owner[x] != y) continue;
                hitem *v = &un[cand[x]];
                if (h->c0 < 0 || v->c0 < h->c0) h->c0 = v->c0;
                if (h->c1 < 0 || v->c1 > h->c1) h->c1 = v->c1;
                v->covered = true;
            }
            if (h->c0 >= 0 && nu < MAXU) { un[nu] = *h; un[nu].covered = false; nu++; }
        }
    }
    /* a stub column when the value rows have labels */
    int nstub = 0;
    for (int li = fv; li < pe && !nstub; li++) {
        if (!has_number(L, li)) continue;
        int vx0 = 1 << 30;
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) && L->ch[ci].x0 < vx0) vx0 = L->ch[ci].x0;
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (L->ch[ci].cls == TB_TEXT && L->ch[ci].x0 < vx0) nstub = 1;
    }
    /* the header rows: the words over groups, one row per line, then one
     * row of all the leaf words (a leaf printed a line lower or higher than
     * its neighbours is still the lowest header of its column). Words that
     * head nothing (a caption over the table, "表") stay in the raw lines
     * only: as a row they would head every column. */
    int leafsrc = lines[it[colitem[0]].line].src;
    for (int i = 0; i < ni; i++) if (it[i].leaf && lines[it[i].line].src > leafsrc) leafsrc = lines[it[i].line].src;
    /* the words of one band in as few rows as their columns allow (a word
     * over another one's columns a row above it) */
    static int rowof[MAXI];
    for (int i = 0; i < ni;) {
        int i1 = i;
        while (i1 < ni && it[i1].band == it[i].band) i1++;
        int nrows = 0;
        for (int q = i; q < i1; q++) {
            rowof[q] = -1;
            if (it[q].leaf || it[q].c0 < 0) continue;
            int r = 0;
            for (;; r++) {
                bool clash = false;
                for (int o = i; o < q && !clash; o++)
                    if (rowof[o] == r && !(it[o].c1 < it[q].c0 || it[q].c1 < it[o].c0)) clash = true;
                if (!clash) break;
            }
            rowof[q] = r;
            if (r + 1 > nrows) nrows = r + 1;
        }
        for (int r = 0; r < nrows; r++) {
            slots_reset(S, nstub + K);
            int src = -1;
            for (int q = i; q < i1; q++) {
                if (rowof[q] != r) continue;
                if (src < 0) src = lines[it[q].line].src;
                for (int k = 0; k < it[q].np; k++)
                    slot_add(S, nstub + it[q].c0, lines[it[q].pl[k]].s + it[q].poff[k], it[q].plen[k]);
            }
            emit_row(g, S, src, 0);
        }
        i = i1;
    }
    slots_reset(S, nstub + K);
    for (int j = 0; j < K; j++) {
        const hitem *h = &it[colitem[j]];
        for (int k = 0; k < h->np; k++)
            slot_add(S, nstub + j, lines[h->pl[k]].s + h->poff[k], h->plen[k]);
    }
    emit_row(g, S, leafsrc, 0);
    /* the value rows: values to the columns in order, nearest to the middle
     * of their header words */
    double cx[256];
    for (int j = 0; j < K; j++) cx[j] = (it[colitem[j]].x0 + it[colitem[j]].x1) / 2.0;
    double map_p = 1, map_q = 0;   /* header x -> value x (place_values) */
    for (int li = fv; li < pe; li++) {
        if (L->blank[li]) continue;
        if (!has_number(L, li)) {
            if (tb_footer(L->k, lines[li].s, lines[li].n)) continue;
            slots_reset(S, 1);
            for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
                slot_add(S, 0, lines[li].s + L->ch[ci].off, L->ch[ci].len);
            emit_row(g, S, lines[li].src, 0);
            continue;
        }
        int vx0 = 1 << 30;
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) && L->ch[ci].x0 < vx0) vx0 = L->ch[ci].x0;
        slots_reset(S, nstub + K);
        int vi[256], nv = 0;
        double vc[256];
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++) {
            const chunk *ch = &L->ch[ci];
            if (ch->cls == TB_TEXT && ch->x0 < vx0) {
                if (nstub) slot_add(S, 0, lines[li].s + ch->off, ch->len);
                continue;
            }
            if (nv < 256) { vi[nv] = ci; vc[nv] = (ch->x0 + ch->x1) / 2.0; nv++; }
        }
        int at[256];
        place_values(vc, nv, cx, K, &map_p, &map_q, at);
        for (int i = 0; i < nv; i++) {
            const chunk *ch = &L->ch[vi[i]];
            slot_add(S, nstub + at[i], lines[li].s + ch->off, ch->len);
        }
        emit_row(g, S, lines[li].src, 0);
    }
    return true;
}

/* The rows of lines [a, pe) of one page: bands of lines between blank
 * lines. */
static void page_bands(lay *L, tb_grid *g, slots *S, const tb_know *k, int a, int pe,
                       const col *cols, int ncol, bool wide, bool dense)
{
    const tb_line *lines = L->lines;
    /* the page's rows: bands of lines between blank lines */
    int i = a;
    bool first_band = true;
    while (i < pe) {
        if (L->blank[i]) { i++; continue; }
        int j = i;
        while (j < pe && !L->blank[j]) j++;
        /* page furniture alone at the top or bottom of a page */
        bool last_band = true;
        for (int t = j; t < pe; t++) if (!L->blank[t]) { last_band = false; break; }
        if (j == i + 1 && (first_band || last_band) && tb_footer(k, lines[i].s, lines[i].n)) {
            i = j;
            first_band = false;
            continue;
        }
        first_band = false;
        int numbered = 0;
        for (int t = i; t < j; t++) if (has_number(L, t)) numbered++;
        if (numbered > 1 || (dense && j > i + 1)) {
            /* rows not separated by blank lines: one row per line with
             * values. A line without values before the first one is a
             * header row of its own (dense layout) or goes with it; one
             * between two value lines continues the row above unless it
             * starts a numbered label or the row below has no label */
            int t = i;
            while (t < j && !has_number(L, t)) t++;
            int s = i;
            if (dense) for (; s < t; s++) band_row(L, g, S, s, s + 1, cols, ncol, wide);
            while (t < j) {
                int nx = t + 1;
                while (nx < j && !has_number(L, nx)) nx++;
                int cut = nx;    /* first line of the next row */
                bool own = false;   /* the lines between are rows of their own */
                for (int q = t + 1; q < nx && !own; q++)
                    if (L->count[q] >= 2) own = true;   /* a header line: cells, no values */
                if (nx < j && !own) {
                    bool next_has_label = false;
                    for (int ci = L->first[nx]; ci < L->first[nx] + L->count[nx]; ci++)
                        if (L->ch[ci].cls == TB_TEXT) { next_has_label = true; break; }
                    int tvx0 = 1 << 30;   /* where the values of the row above start */
                    for (int ci = L->first[t]; ci < L->first[t] + L->count[t]; ci++)
                        if (valuelike(L->ch[ci].cls) && L->ch[ci].x0 < tvx0) tvx0 = L->ch[ci].x0;
                    for (int q = t + 1; q < nx; q++) {
                        long num; int rank; size_t e;
                        bool in_values = false;
                        for (int ci = L->first[q]; ci < L->first[q] + L->count[q]; ci++)
                            if (L->ch[ci].x1 > tvx0) in_values = true;
                        if (in_values) { own = true; break; }   /* not a label continuation */
                        const chunk *c0 = L->count[q] ? &L->ch[L->first[q]] : NULL;
                        bool numbered_label = c0 && tb_numbering(k, lines[q].s + c0->off, c0->len, &num, &rank, &e) >= 0;
                        if (numbered_label && next_has_label) { own = true; break; }   /* a group row */
                        if (numbered_label || !next_has_label) { cut = q; break; }
                    }
                }
                if (own && nx <= j) {
                    band_row(L, g, S, s, t + 1, cols, ncol, wide);
                    for (int q = t + 1; q < nx; q++) band_row(L, g, S, q, q + 1, cols, ncol, wide);
                    s = nx;
                    t = nx;
                    continue;
                }
                band_row(L, g, S, s, cut, cols, ncol, wide);
                s = cut;
                t = nx;
            }
            if (s < j) band_row(L, g, S, s, j, cols, ncol, wide);
        } else {
            band_row(L, g, S, i, j, cols, ncol, wide);
        }
        i = j;
    }
}

void tb_split_layout(const tb_know *k, tb_grid *g, const tb_line *lines, int nlines)
{
    if (nlines <= 0) return;
    lay L;
    memset(&L, 0, sizeof L);
    L.k = k;
    L.lines = lines;
    L.nlines = nlines;
    static tb_scratch sfirst, scount, scols, sblank;
    L.first = tb_scratch_zero(&sfirst, (size_t)nlines + 1, sizeof *L.first);
    L.count = tb_scratch_zero(&scount, (size_t)nlines + 1, sizeof *L.count);
    L.blank = tb_scratch_zero(&sblank, (size_t)nlines + 1, sizeof *L.blank);
    for (int i = 0; i < nlines; i++) L.blank[i] = blank_line(&lines[i]);
    int capcol = 1000;
    col *cols = tb_scratch_zero(&scols, (size_t)capcol, sizeof *cols);

    /* the metric that lines the values up in fewer columns */
    int ncol_by[2] = {0, 0};
    tokenize(&L);
    for (int m = 0; m < 2; m++) {
        use_metric(&L, m == 1);
        for (int a = 0; a < nlines;) {
            int b = a;
            while (b < nlines && lines[b].page == lines[a].page) b++;
            ncol_by[m] += columns(&L, a, b, cols, capcol);
            a = b;
        }
    }
    bool wide = ncol_by[1] < ncol_by[0];
    use_metric(&L, wide);
    {
        /* the number of values most value lines have */
        int hist[64] = {0};
        for (int li = 0; li < nlines; li++) {
            if (!has_number(&L, li)) continue;
            int vx0 = 1 << 30;
            for (int ci = L.first[li]; ci < L.first[li] + L.count[li]; ci++)
                if (valuelike(L.ch[ci].cls) && L.ch[ci].x0 < vx0) vx0 = L.ch[ci].x0;
            int n = values_in(&L, li, li + 1, vx0);
            if (n < 64) hist[n]++;
        }
        int best = 0;
        for (int n = 1; n < 64; n++) if (hist[n] > hist[best] || (hist[n] == hist[best] && n > best)) best = n;
        L.kmode = hist[best] >= 2 ? best : 0;
    }
    if (getenv("GX_TABLES_DEBUG")) fprintf(stderr, "layout: columns by chars %d, by width %d\n", ncol_by[0], ncol_by[1]);
    split_aligned(&L, wide);

    /* dense: no blank line between the table lines (every line a row) */
    bool dense = true;
    {
        int f = 0, l = nlines - 1;
        while (f < nlines && L.blank[f]) f++;
        while (l >= 0 && L.blank[l]) l--;
        for (int i = f; i <= l; i++) if (L.blank[i]) { dense = false; break; }
    }
    slots S;
    memset(&S, 0, sizeof S);
    /* a template table laid out by its header words: the first section of
     * the block (header lines, then value lines; its header may begin on
     * the page before) that anchor_page can lay out */
    int s0 = -1, s1 = -1;
    for (int x0 = 0; x0 < nlines && s0 < 0;) {
        int x = x0;
        while (x < nlines && (L.blank[x] || !has_number(&L, x))) x++;
        if (x == nlines) break;
        while (x < nlines && (L.blank[x] || has_number(&L, x))) x++;
        if (anchor_page(&L, g, &S, x0, x, wide, true)) { s0 = x0; s1 = x; }
        x0 = x;
    }
    for (int a = 0; a < nlines;) {
        /* one page at a time: its columns */
        int pe = a;
        while (pe < nlines && lines[pe].page == lines[a].page) pe++;
        int ncol = columns(&L, a, pe, cols, capcol);
        if (ncol == 0) {
            /* a page of header rows only (the values are on the next page):
             * the columns of the next page with values, else the page before */
            for (int q = pe; q < nlines && ncol == 0;) {
                int qe = q;
                while (qe < nlines && lines[qe].page == lines[q].page) qe++;
                ncol = columns(&L, q, qe, cols, capcol);
                q = qe;
            }
            for (int q = a - 1; q >= 0 && ncol == 0;) {
                int qs = q;
                while (qs > 0 && lines[qs - 1].page == lines[q].page) qs--;
                ncol = columns(&L, qs, q + 1, cols, capcol);
                q = qs - 1;
            }
        }
        if (getenv("GX_TABLES_DEBUG")) { fprintf(stderr, "page %d:", lines[a].page); for (int q = 0; q < ncol; q++) fprintf(stderr, " [%d,%d)", cols[q].x0, cols[q].x1); fprintf(stderr, "\n"); }
        if (s0 >= 0 && s0 < pe && s1 > a) {
            /* the section laid out by its header words, where it starts */
            if (a < s0) page_bands(&L, g, &S, k, a, s0, cols, ncol, wide, dense);
            if (s0 >= a) anchor_page(&L, g, &S, s0, s1, wide, false);
            if (s1 < pe) page_bands(&L, g, &S, k, s1 > a ? s1 : a, pe, cols, ncol, wide, dense);
        } else {
            page_bands(&L, g, &S, k, a, pe, cols, ncol, wide, dense);
        }
        a = pe;
    }
    for (int i = 0; i < S.cap; i++) gx_buf_free(&S.b[i]);
    free(S.b);
    free(S.lines);
    free(L.ch);
}

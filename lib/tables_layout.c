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
} lay;

static bool space_cp(int32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0; }

static int cp_width(int32_t cp, const char *s, int l, bool wide)
{
    if (!wide || cp < 0x1100) return 1;
    return gx_display_width(s, (size_t)l) >= 2 ? 2 : 1;
}

static void add_chunk(lay *L, int line, int x0, int x1, size_t off, size_t len)
{
    const char *s = L->lines[line].s + off;
    size_t n = len;
    const char *t = gx_trim(s, &n);
    if (n == 0) return;
    if (L->nch == L->capch) {
        L->capch = L->capch ? 2 * L->capch : 256;
        L->ch = gx_xrealloc(L->ch, (size_t)L->capch * sizeof *L->ch);
    }
    chunk *c = &L->ch[L->nch++];
    c->line = line;
    c->x0 = x0;
    c->x1 = x1;
    c->off = (size_t)(t - L->lines[line].s);
    c->len = n;
    c->cls = tb_classify(L->k, t, n);
}

/* Words of a chunk separated by single spaces: positions and bytes. */
typedef struct word { int x0, x1; size_t off, len; } word;

static int words_of(const lay *L, const chunk *c, bool wide, word *w, int cap)
{
    const char *s = L->lines[c->line].s;
    int nw = 0, x = c->x0;
    size_t i = c->off, end = c->off + c->len, a = i;
    int xa = x;
    while (i <= end) {
        int32_t cp = ' ';
        int l = 1;
        if (i < end) { l = gx_utf8_next(s + i, end - i, &cp); if (l <= 0) l = 1; }
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

static bool wide_last(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
    if (i == 0) return false;
    i--;
    int32_t cp;
    int l = gx_utf8_next(s + i, n - i, &cp);
    return l > 0 && cp >= 0x1100 && gx_display_width(s + i, (size_t)l) >= 2;
}

/* Cut every line into chunks with the given metric. */
static void tokenize(lay *L, bool wide)
{
    L->nch = 0;
    word w[256];
    for (int li = 0; li < L->nlines; li++) {
        L->first[li] = L->nch;
        const char *s = L->lines[li].s;
        size_t n = L->lines[li].n;
        int x = 0, xa = 0, spaces = 0;
        size_t a = 0, i = 0, last_nonspace = 0;
        bool in = false;
        while (i <= n) {
            int32_t cp = ' ';
            int l = 1;
            if (i < n) { l = gx_utf8_next(s + i, n - i, &cp); if (l <= 0) l = 1; }
            if (i == n || space_cp(cp) || cp == '\f') {
                if (i < n && cp == '\f') { i += (size_t)l; continue; }
                spaces++;
                if (in && (spaces >= 2 || i == n)) {
                    add_chunk(L, li, xa, x - spaces + 1, a, last_nonspace - a);
                    in = false;
                }
                if (i == n) break;
                x += cp == '\t' ? 8 - x % 8 : cp_width(cp, s + i, l, wide);
                i += (size_t)l;
                continue;
            }
            if (!in) { in = true; a = i; xa = x; }
            spaces = 0;
            x += cp_width(cp, s + i, l, wide);
            i += (size_t)l;
            last_nonspace = i;
        }
        /* split chunks of single-space separated numbers, and a number
         * after a single space at the end of a CJK label */
        int end = L->nch;
        for (int ci = L->first[li]; ci < end; ci++) {
            chunk c = L->ch[ci];
            if (c.cls != TB_TEXT) continue;
            int nw = words_of(L, &c, wide, w, 256);
            if (nw < 2) continue;
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
                L->ch[ci].x1 = w[cut - 1].x1;
                add_chunk(L, li, w[cut].x0, c.x1, w[cut].off, c.off + c.len - w[cut].off);
                continue;
            }
            bool allnum = true;
            for (int j = 0; j < nw && allnum; j++)
                allnum = tb_classify(L->k, s + w[j].off, w[j].len) == TB_NUMBER;
            int lastcls = tb_classify(L->k, s + w[nw - 1].off, w[nw - 1].len);
            if (allnum) {
                L->ch[ci].len = 0;   /* replaced by its words */
                for (int j = 0; j < nw; j++) add_chunk(L, li, w[j].x0, w[j].x1, w[j].off, w[j].len);
            } else if (lastcls == TB_NUMBER &&
                       wide_last(s + c.off, w[nw - 2].off + w[nw - 2].len - c.off)) {
                size_t keep = w[nw - 2].off + w[nw - 2].len - c.off;
                L->ch[ci].len = keep;
                L->ch[ci].x1 = w[nw - 2].x1;
                L->ch[ci].cls = tb_classify(L->k, s + c.off, keep);
                add_chunk(L, li, w[nw - 1].x0, w[nw - 1].x1, w[nw - 1].off, w[nw - 1].len);
            }
        }
        /* drop emptied chunks, keep x order */
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
    for (int li = 0; li < L->nlines; li++) blank[li] = blank_line(&L->lines[li]);
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
            int nw = c.cls == TB_TEXT ? words_of(L, &c, wide, w, 256) : 0;
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

/* Columns of lines [a, b): merged extents of their value chunks. */
static int columns(const lay *L, int a, int b, col *out, int cap)
{
    int n = 0;
    for (int li = a; li < b; li++)
        for (int ci = L->first[li]; ci < L->first[li] + L->count[li]; ci++)
            if (valuelike(L->ch[ci].cls) && n < cap) { out[n].x0 = L->ch[ci].x0; out[n].x1 = L->ch[ci].x1; n++; }
    if (n == 0) return 0;
    qsort(out, (size_t)n, sizeof *out, cmp_col);
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
    gx_trim(l->s, &n);
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
static double piece_cost(int x0, double cx, const col *cols, int k)
{
    double lo = k > 0 ? cols[k - 1].x1 : -1e9, hi = cols[k].x1;
    double d = x0 < lo ? lo - x0 : x0 > hi ? x0 - hi : 0;
    double c = cx - (cols[k].x0 + cols[k].x1) / 2.0;
    return d + 0.01 * (c < 0 ? -c : c);
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
            static tb_scratch sdp, stake;
            double *dp = tb_scratch_zero(&sdp, (size_t)(ng + 1) * (size_t)(ncol + 1), sizeof *dp);
            char *take = tb_scratch_zero(&stake, (size_t)(ng + 1) * (size_t)(ncol + 1), 1);
#define DP(i, j) dp[(size_t)(i) * (size_t)(ncol + 1) + (size_t)(j)]
#define TK(i, j) take[(size_t)(i) * (size_t)(ncol + 1) + (size_t)(j)]
            for (int i = 1; i <= ng; i++) DP(i, 0) = 1e18;
            for (int i = 1; i <= ng; i++)
                for (int j = 1; j <= ncol; j++) {
                    double skip = DP(i, j - 1);
                    double use = DP(i - 1, j - 1) + piece_cost(gleft[order[i - 1]], gx[order[i - 1]], cols, j - 1);
                    if (j < i) { DP(i, j) = 1e18; continue; }
                    if (use <= skip) { DP(i, j) = use; TK(i, j) = 1; }
                    else DP(i, j) = skip;
                }
            for (int i = ng, j = ncol; i > 0 && j > 0;) {
                if (TK(i, j)) { gcol[order[i - 1]] = j; i--; j--; }
                else j--;
            }
#undef DP
#undef TK

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
            int j = 0;
            while (j < nlab && abs(labx[j] - c->x0) > 2) j++;
            if (j == nlab && nlab < 64) labx[nlab++] = c->x0;
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
                    int j = 0;
                    while (j < nlab && abs(labx[j] - c->x0) > 2) j++;
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
                int j = 0;
                while (j < nlab && abs(labx[j] - c->x0) > 2) j++;
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

void tb_split_layout(const tb_know *k, tb_grid *g, const tb_line *lines, int nlines)
{
    if (nlines <= 0) return;
    lay L;
    memset(&L, 0, sizeof L);
    L.k = k;
    L.lines = lines;
    L.nlines = nlines;
    static tb_scratch sfirst, scount, scols;
    L.first = tb_scratch_zero(&sfirst, (size_t)nlines + 1, sizeof *L.first);
    L.count = tb_scratch_zero(&scount, (size_t)nlines + 1, sizeof *L.count);
    int capcol = 1000;
    col *cols = tb_scratch_zero(&scols, (size_t)capcol, sizeof *cols);

    /* the metric that lines the values up in fewer columns */
    int ncol_by[2] = {0, 0};
    for (int m = 0; m < 2; m++) {
        tokenize(&L, m == 1);
        for (int a = 0; a < nlines;) {
            int b = a;
            while (b < nlines && lines[b].page == lines[a].page) b++;
            ncol_by[m] += columns(&L, a, b, cols, capcol);
            a = b;
        }
    }
    bool wide = ncol_by[1] < ncol_by[0];
    {
        /* the number of values most value lines have */
        tokenize(&L, wide);
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
    tokenize(&L, wide);
    split_aligned(&L, wide);

    /* dense: no blank line between the table lines (every line a row) */
    bool dense = true;
    {
        int f = 0, l = nlines - 1;
        while (f < nlines && blank_line(&lines[f])) f++;
        while (l >= 0 && blank_line(&lines[l])) l--;
        for (int i = f; i <= l; i++) if (blank_line(&lines[i])) { dense = false; break; }
    }
    slots S;
    memset(&S, 0, sizeof S);
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
        /* the page's rows: bands of lines between blank lines */
        int i = a;
        bool first_band = true;
        while (i < pe) {
            if (blank_line(&lines[i])) { i++; continue; }
            int j = i;
            while (j < pe && !blank_line(&lines[j])) j++;
            /* page furniture alone at the top or bottom of a page */
            bool last_band = true;
            for (int t = j; t < pe; t++) if (!blank_line(&lines[t])) { last_band = false; break; }
            if (j == i + 1 && (first_band || last_band) && tb_footer(k, lines[i].s, lines[i].n)) {
                i = j;
                first_band = false;
                continue;
            }
            first_band = false;
            int numbered = 0;
            for (int t = i; t < j; t++) if (has_number(&L, t)) numbered++;
            if (numbered > 1 || (dense && j > i + 1)) {
                /* rows not separated by blank lines: one row per line with
                 * values. A line without values before the first one is a
                 * header row of its own (dense layout) or goes with it; one
                 * between two value lines continues the row above unless it
                 * starts a numbered label or the row below has no label */
                int t = i;
                while (t < j && !has_number(&L, t)) t++;
                int s = i;
                if (dense) for (; s < t; s++) band_row(&L, g, &S, s, s + 1, cols, ncol, wide);
                while (t < j) {
                    int nx = t + 1;
                    while (nx < j && !has_number(&L, nx)) nx++;
                    int cut = nx;    /* first line of the next row */
                    bool own = false;   /* the lines between are rows of their own */
                    for (int q = t + 1; q < nx && !own; q++)
                        if (L.count[q] >= 2) own = true;   /* a header line: cells, no values */
                    if (nx < j && !own) {
                        bool next_has_label = false;
                        for (int ci = L.first[nx]; ci < L.first[nx] + L.count[nx]; ci++)
                            if (L.ch[ci].cls == TB_TEXT) { next_has_label = true; break; }
                        int tvx0 = 1 << 30;   /* where the values of the row above start */
                        for (int ci = L.first[t]; ci < L.first[t] + L.count[t]; ci++)
                            if (valuelike(L.ch[ci].cls) && L.ch[ci].x0 < tvx0) tvx0 = L.ch[ci].x0;
                        for (int q = t + 1; q < nx; q++) {
                            long num; int rank; size_t e;
                            bool in_values = false;
                            for (int ci = L.first[q]; ci < L.first[q] + L.count[q]; ci++)
                                if (L.ch[ci].x1 > tvx0) in_values = true;
                            if (in_values) { own = true; break; }   /* not a label continuation */
                            const chunk *c0 = L.count[q] ? &L.ch[L.first[q]] : NULL;
                            bool numbered_label = c0 && tb_numbering(k, lines[q].s + c0->off, c0->len, &num, &rank, &e) >= 0;
                            if (numbered_label && next_has_label) { own = true; break; }   /* a group row */
                            if (numbered_label || !next_has_label) { cut = q; break; }
                        }
                    }
                    if (own && nx <= j) {
                        band_row(&L, g, &S, s, t + 1, cols, ncol, wide);
                        for (int q = t + 1; q < nx; q++) band_row(&L, g, &S, q, q + 1, cols, ncol, wide);
                        s = nx;
                        t = nx;
                        continue;
                    }
                    band_row(&L, g, &S, s, cut, cols, ncol, wide);
                    s = cut;
                    t = nx;
                }
                if (s < j) band_row(&L, g, &S, s, j, cols, ncol, wide);
            } else {
                band_row(&L, g, &S, i, j, cols, ncol, wide);
            }
            i = j;
        }
        a = pe;
    }
    for (int i = 0; i < S.cap; i++) gx_buf_free(&S.b[i]);
    free(S.b);
    free(S.lines);
    free(L.ch);
}

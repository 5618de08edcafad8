/* tables_know.c - the knowledge tables of gx-tables (share/gx/tables_*.tsv)
 * and the cell classifier built on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "tables.h"
#include "text.h"

/* A pattern of a table, compiled on its first use (rx.h): a report that
 * never needs a pattern never pays for it, and the JIT compiler runs only
 * for the patterns a long stream uses often. The table's pattern is
 * wrapped (Unicode properties for \d \s \w; anchored at both ends for
 * the whole-cell tables), so an error offset is corrected by the length of
 * the prefix. */
typedef struct tb_re {
    gx_rx       rx;
    char       *pat;    /* the wrapped pattern (rx keeps a pointer) */
    size_t      pre;    /* bytes of the wrapper before the table's pattern */
    size_t      len;    /* bytes of the table's pattern */
    const char *table;
    int         kind;   /* class (values), rank (numbering) */
    int         num;    /* group number of "num" (numbering); -1 not looked up */
    bool        whole;
    gx_rxl     *pm;     /* the pattern for rxlite.c, NULL when it does not take it */
    bool        pm_tried;
} tb_re;

typedef struct tb_tmpl {
    char  *kw;
    int    cols;
    char  *leaftext;   /* the leaves, NUL-separated */
    const char **leaves;
    int    nleaves;
} tb_tmpl;

/* A memo of answers by subject text: the same cells (0, 1, 本年新收…, 无)
 * and row labels come back in every table of every report, and a table
 * answer depends on the subject bytes alone. Open addressing over a fixed
 * number of slots, the key kept inline; subjects longer than MEMO_KEY are
 * not memoised, and a full memo is emptied, so memory stays bounded. */
enum { MEMO_KEY = 46, MEMO_SLOTS = 4096, MEMO_FIRST = 128 };

typedef struct memo_ent {
    uint32_t hash;
    uint8_t  used;
    uint8_t  n;
    char     key[MEMO_KEY];
    long     v[4];
} memo_ent;

typedef struct memo {
    memo_ent *e;       /* NULL until the first lookup */
    int       cap;     /* slots: MEMO_FIRST doubling up to MEMO_SLOTS */
    int       count;
    unsigned  misses;  /* answers computed (for the JIT decision below) */
} memo;

/* The patterns are matched by the interpreter until this many answers of
 * their table had to be computed (not memoised): one report never pays
 * the JIT compiler, a long stream of new subjects does once. */
enum { JIT_AFTER_MISSES = 512 };

struct tb_know {
    tb_re   *val;  int nval;
    tb_re   *num;  int nnum;
    tb_re   *foot; int nfoot;
    tb_tmpl *tmpl; int ntmpl;
    char   **labels; int nlabels;
    /* the labels normalised (gx_norm_match), made on the first lookup; a
     * label's key (label_key) is a suffix of that, so only the labels
     * ending with a looked-up key need their own key made */
    gx_table ltab;           /* tables_labels.tsv: labels[i] point into it */
    size_t  *loff, *lnorm_len;   /* a label's normal form: in lnorm_text at loff
                                 * (SIZE_MAX: the label itself), made when first
                                 * needed (lmade) */
    bool    *lmade;
    int     *llast;          /* the last byte of that form, known without
                                making it (-1: not known) */
    gx_buf   lnorm_text;     /* the normalised labels that differ from theirs */
    char   **lkey;           /* NULL until made */
    bool     labels_normed;
    gx_buf   qkey;
    /* each table is loaded on its first use: input without tables (or a
     * report that never needs the labels) never reads them */
    bool     val_loaded, num_loaded, foot_loaded, tmpl_loaded, labels_loaded, words_loaded;
    char    *breakdown, *breakdown_norm;   /* tables_words.tsv */
    char   **ends; int nends;
    memo     m_val, m_num, m_foot, m_label;
    /* what the patterns of each table can start with (none of them can
     * match a subject starting otherwise): made on first use */
    gx_rxl_first f_val, f_num, f_foot;
    bool     f_val_made, f_num_made, f_foot_made;
    gx_buf   scratch, scratch2;
};

/* A hash of s taken 8 bytes at a time (the subjects are short). */
static uint32_t memo_hash(const char *s, size_t n)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h = n * m;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    return (uint32_t)(h ^ h >> 32);
}

/* The slot of s: *hit tells whether it holds s's answer; else it is the
 * free slot to fill (already keyed: set used = 1 after writing v). NULL
 * when s is not memoised. */
static void memo_grow(memo *m)
{
    /* the slots start few and double up to MEMO_SLOTS: a small report
     * touches a few pages of them, not all (each page first touched is a
     * page fault, dearer than the lookups it serves) */
    int cap = m->cap ? 2 * m->cap : MEMO_FIRST;
    memo_ent *old = m->e, *e = gx_xcalloc((size_t)cap, sizeof *e);
    for (int k = 0; k < m->cap; k++) {
        if (!old[k].used) continue;
        size_t i = old[k].hash & (size_t)(cap - 1);
        while (e[i].used) i = (i + 1) & (size_t)(cap - 1);
        e[i] = old[k];
    }
    free(old);
    m->e = e;
    m->cap = cap;
}

static memo_ent *memo_slot(memo *m, const char *s, size_t n, bool *hit)
{
    *hit = false;
    if (n > MEMO_KEY) return NULL;
    if (!m->e) memo_grow(m);
    uint32_t h = memo_hash(s, n);
    size_t mask = (size_t)m->cap - 1, i = h & mask;
    for (;; i = (i + 1) & mask) {
        memo_ent *e = &m->e[i];
        if (!e->used) break;
        if (e->hash == h && e->n == n && memcmp(e->key, s, n) == 0) { *hit = true; return e; }
    }
    if (m->count >= m->cap * 3 / 4 && m->cap < MEMO_SLOTS) {
        memo_grow(m);
        mask = (size_t)m->cap - 1;
        for (i = h & mask; m->e[i].used; i = (i + 1) & mask) {}
    }
    if (m->count >= m->cap * 3 / 4) {   /* full: start again */
        memset(m->e, 0, (size_t)m->cap * sizeof *m->e);
        m->count = 0;
        i = h & mask;
    }
    memo_ent *e = &m->e[i];
    e->hash = h;
    e->n = (uint8_t)n;
    memcpy(e->key, s, n);
    m->count++;
    return e;
}

/* Count a computed answer; past JIT_AFTER_MISSES the table's patterns may
 * be JIT-compiled (rx.h decides when, from then on). */
static void memo_miss(memo *m, tb_re *re, int nre)
{
    if (++m->misses != JIT_AFTER_MISSES) return;
    for (int i = 0; i < nre; i++) re[i].rx.flags &= ~(unsigned)GX_RX_NOJIT;
}

static const char UCP[] = "(*UCP)";

/* Declare the pattern of row `row` of `table`; whole: anchored at both
 * ends (the pattern must match the whole subject). */
static void rx_decl(tb_re *r, const char *table, long row, const char *pat, bool whole)
{
    gx_buf b;
    gx_buf_init(&b);
    gx_buf_add(&b, UCP, strlen(UCP));
    if (whole) gx_buf_add(&b, "\\A(?:", 5);
    r->pre = b.len;
    r->len = strlen(pat);
    gx_buf_add(&b, pat, strlen(pat));
    if (whole) gx_buf_add(&b, ")\\z", 3);
    gx_buf_addc(&b, 0);
    r->pat = gx_xstrdup(b.data);
    gx_buf_free(&b);
    r->table = table;
    r->num = -1;
    r->whole = whole;
    gx_rx_set(&r->rx, r->pat, GX_RX_NOJIT, table, (int)row);   /* see memo_miss */
}

/* Compile on first use; a bad pattern ends the program naming the table,
 * the row and the offset in the table's own pattern. */
static void rx_need(tb_re *r)
{
    if (r->rx.re) return;
    char err[300];
    if (gx_rx_compile(&r->rx, err, sizeof err)) return;
    size_t off;
    const char *m = strstr(err, ": ");
    if (sscanf(err, "bad pattern at offset %zu", &off) == 1 && m) {
        off = off > r->pre ? off - r->pre : 0;
        if (off > r->len) off = r->len;   /* at the wrapper's end: the pattern's end */
        gx_die(GX_EXIT_ERROR, "%s: row %d: bad pattern at offset %zu%s", r->table, r->rx.row,
               off, m);
    }
    gx_die(GX_EXIT_ERROR, "%s: row %d: %s", r->table, r->rx.row, err);
}

/* Is the subject valid UTF-8 (as pcre2's check)? Checked once per
 * subject, not once per pattern; pcre2 is then told (GX_RX_VALID), and an
 * invalid one is matched with pcre2's check on, so it fails to match.
 * Subjects are not padded for the pcre2 JIT (rx.h copies the few that
 * pcre2 matches: most never leave rxlite.c). */
static bool utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) { p++; continue; }
        /* the common case first: a 3-byte sequence (CJK), well formed */
        if ((c & 0xF0) == 0xE0 && e - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            uint32_t v = (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
            if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) { p += 3; continue; }
            return false;
        }
        size_t k;
        unsigned min;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { k = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { k = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { k = 3; cp = c & 0x07; min = 0x10000; }
        else return false;
        if ((size_t)(e - p) <= k) return false;
        for (size_t i = 1; i <= k; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += k + 1;
    }
    return true;
}


/* The pattern of r as rxlite.c takes it (made on first use), or
 * NULL: pcre2 matches it. */
static gx_rxl *pat_of(tb_re *r)
{
    if (!r->pm_tried) {
        r->pm_tried = true;
        r->pm = gx_rxl_new(r->pat + r->pre, r->len, r->whole);
    }
    return r->pm;
}

/* Match r against s (*valid: whether s is valid UTF-8, -1 until known:
 * it is checked once per subject, and only when a pattern gets past its
 * first character). On a match *end is where it ends and [*ga, *gb) the
 * span of group g (g > 0; GX_RX_UNSET when the group took no part). A
 * valid UTF-8 subject goes to rxlite.c when it takes the pattern
 * and can tell; pcre2 answers the rest (and reports a bad pattern); an
 * invalid one matches nothing (pcre2's check fails it). */
static bool re_match(tb_re *r, const char *s, size_t n, int *valid, int g, size_t *end,
                     size_t *ga, size_t *gb)
{
    if (*valid != 0) {
        gx_rxl *p = pat_of(r);
        if (p && !gx_rxl_may_match(p, s, n)) return false;
        if (*valid < 0) *valid = utf8_ok(s, n);
        if (p && *valid) {
            size_t caps[2 * 16];
            int rc = gx_rxl_match(p, s, n, caps, 2 * (g + 1));
            if (rc >= 0) {
                if (rc == 0) return false;
                if (end) *end = caps[1];
                if (g > 0) { *ga = caps[2 * g]; *gb = caps[2 * g + 1]; }
                return true;
            }
        }
    }
    rx_need(r);
    if (gx_rx_match(&r->rx, s, n, 0, *valid ? GX_RX_VALID : 0) <= 0) return false;
    size_t a;
    if (end) gx_rx_group(&r->rx, 0, &a, end);
    if (g > 0) gx_rx_group(&r->rx, g, ga, gb);
    return true;
}

/* The first test of the patterns re[0..n): made once (it compiles them). */
static const gx_rxl_first *table_first(gx_rxl_first *f, bool *made, tb_re *re, int n)
{
    if (!*made) {
        gx_rxl_first_init(f);
        for (int i = 0; i < n; i++) gx_rxl_first_union(f, pat_of(&re[i]));
        *made = true;
    }
    return f;
}

/* The group number of "num" in r (0: none). */
static int num_group(tb_re *r)
{
    if (r->num < 0) {
        gx_rxl *p = pat_of(r);
        int g;
        if (p) g = gx_rxl_group(p, "num");
        else {
            rx_need(r);
            g = gx_rx_group_number(&r->rx, "num");
        }
        r->num = g > 0 && g < 16 ? g : 0;
    }
    return r->num;
}

static void rx_free(tb_re *r)
{
    gx_rx_free(&r->rx);
    gx_rxl_free(r->pm);
    free(r->pat);
}

static int need_col(const gx_table *t, const char *name)
{
    int c = gx_table_col(t, name);
    if (c < 0) gx_die(GX_EXIT_ERROR, "%s: no column \"%s\"", t->name, name);
    return c;
}

static int class_of(const char *table, long row, const char *s)
{
    if (strcmp(s, "number") == 0) return TB_NUMBER;
    if (strcmp(s, "na") == 0) return TB_NA;
    if (strcmp(s, "unit") == 0) return TB_UNIT;
    gx_die(GX_EXIT_ERROR, "%s: row %ld: unknown kind \"%s\"", table, row, s);
}

/* Normalise a label for comparison: NFKC, whitespace deleted, numbering
 * and 其中： removed. Result in k->scratch (NUL-terminated). */
static void label_key(tb_know *k, const char *s, size_t n)
{
    gx_norm_match(s, n, &k->scratch2);
    const char *p = k->scratch2.data;
    size_t len = k->scratch2.len;
    long num; int rank; size_t end;
    if (tb_numbering(k, p, len, &num, &rank, &end) >= 0) { p += end; len -= end; }
    size_t bd = tb_breakdown(k, p, len, true);
    if (bd && bd < len && p[bd] == ':') { p += bd + 1; len -= bd + 1; }
    gx_buf_reset(&k->scratch);
    gx_buf_add(&k->scratch, p, len);
    gx_buf_addc(&k->scratch, 0);
}

static void load_values(tb_know *k)
{
    gx_table t;
    gx_table_load(&t, "tables_values.tsv", NULL);
    int ck = need_col(&t, "kind"), cp = need_col(&t, "pattern");
    k->val = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->val);
    for (int i = 0; i < t.nrows; i++) {
        k->val[i].kind = class_of(t.name, i + 1, t.rows[i][ck]);
        rx_decl(&k->val[i], "tables_values.tsv", i + 1, t.rows[i][cp], true);
    }
    k->nval = t.nrows;
    gx_table_free(&t);
    k->val_loaded = true;
}

static void load_numbering(tb_know *k)
{
    gx_table t;
    gx_table_load(&t, "tables_numbering.tsv", NULL);
    int cr = need_col(&t, "rank");
    int cp = need_col(&t, "pattern");
    k->num = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->num);
    for (int i = 0; i < t.nrows; i++) {
        k->num[i].kind = atoi(t.rows[i][cr]);
        rx_decl(&k->num[i], "tables_numbering.tsv", i + 1, t.rows[i][cp], false);
    }
    k->nnum = t.nrows;
    gx_table_free(&t);
    k->num_loaded = true;
}

static void load_footer(tb_know *k)
{
    gx_table t;
    gx_table_load(&t, "tables_footer.tsv", NULL);
    int cp = need_col(&t, "pattern");
    k->foot = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->foot);
    for (int i = 0; i < t.nrows; i++)
        rx_decl(&k->foot[i], "tables_footer.tsv", i + 1, t.rows[i][cp], true);
    k->nfoot = t.nrows;
    gx_table_free(&t);
    k->foot_loaded = true;
}

static void load_templates(tb_know *k)
{
    gx_table t;
    gx_table_load(&t, "tables_templates.tsv", NULL);
    int ckw = need_col(&t, "keyword"), cc = need_col(&t, "columns");
    int clv = gx_table_col(&t, "leaves");
    k->tmpl = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->tmpl);
    for (int i = 0; i < t.nrows; i++) {
        gx_norm_match(t.rows[i][ckw], strlen(t.rows[i][ckw]), &k->scratch);
        k->tmpl[i].kw = gx_xstrdup(k->scratch.len ? k->scratch.data : "");
        k->tmpl[i].cols = atoi(t.rows[i][cc]);
        if (k->tmpl[i].cols <= 0)
            gx_die(GX_EXIT_ERROR, "%s: row %d: columns must be a positive number", t.name, i + 1);
        const char *lv = clv >= 0 ? t.rows[i][clv] : "";
        tb_tmpl *m = &k->tmpl[i];
        m->leaftext = gx_xstrdup(lv);
        m->leaves = gx_xcalloc(strlen(lv) / 2 + 2, sizeof *m->leaves);
        for (char *p = m->leaftext; *p;) {
            char *e = strchr(p, '|');
            if (e) *e = 0;
            if (*p) m->leaves[m->nleaves++] = p;
            if (!e) break;
            p = e + 1;
        }
    }
    k->ntmpl = t.nrows;
    gx_table_free(&t);
    k->tmpl_loaded = true;
}

static void load_words(tb_know *k)
{
    gx_table t;
    gx_table_load(&t, "tables_words.tsv", NULL);
    int cw = need_col(&t, "word"), cr = need_col(&t, "role");
    k->ends = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->ends);
    for (int i = 0; i < t.nrows; i++) {
        const char *w = t.rows[i][cw], *r = t.rows[i][cr];
        if (!*w) continue;
        if (strcmp(r, "breakdown") == 0) {
            free(k->breakdown);
            free(k->breakdown_norm);
            k->breakdown = gx_xstrdup(w);
            gx_buf b;
            gx_buf_init(&b);
            gx_norm_match(w, strlen(w), &b);
            k->breakdown_norm = b.data ? b.data : gx_xstrdup("");
        } else if (strcmp(r, "label_end") == 0) {
            k->ends[k->nends++] = gx_xstrdup(w);
        } else {
            gx_die(GX_EXIT_ERROR, "tables_words.tsv: row %d: unknown role %s", i + 1, r);
        }
    }
    gx_table_free(&t);
    k->words_loaded = true;
}

size_t tb_breakdown(const tb_know *k, const char *s, size_t n, bool norm)
{
    tb_know *m = (tb_know *)k;
    if (!m->words_loaded) load_words(m);
    const char *w = norm ? m->breakdown_norm : m->breakdown;
    size_t l = w ? strlen(w) : 0;
    return l && n >= l && memcmp(s, w, l) == 0 ? l : 0;
}

bool tb_label_closed(const tb_know *k, const char *s, size_t n)
{
    tb_know *m = (tb_know *)k;
    if (!m->words_loaded) load_words(m);
    for (int i = 0; i < m->nends; i++) {
        size_t l = strlen(m->ends[i]);
        if (n >= l && memcmp(s + n - l, m->ends[i], l) == 0) return true;
    }
    return false;
}

static void load_labels(tb_know *k)
{
    /* the label keys are made on the first lookup (tb_known_label) */
    gx_table t;
    gx_table_load(&t, "tables_labels.tsv", NULL);
    int cl = need_col(&t, "label");
    k->labels = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->labels);
    for (int i = 0; i < t.nrows; i++) k->labels[i] = t.rows[i][cl];
    k->nlabels = t.nrows;
    k->ltab = t;
    k->labels_loaded = true;
}

/* The tables are read on first use (the loaders above): creating the
 * knowledge costs nothing. The functions below take a const tb_know and
 * load, memoise and key through a cast: that is their private state. */
tb_know *tb_know_load(void)
{
    tb_know *k = gx_xcalloc(1, sizeof *k);
    gx_buf_init(&k->scratch);
    gx_buf_init(&k->scratch2);
    return k;
}

void tb_know_free(tb_know *k)
{
    if (!k) return;
    for (int i = 0; i < k->nval; i++) rx_free(&k->val[i]);
    for (int i = 0; i < k->nnum; i++) rx_free(&k->num[i]);
    for (int i = 0; i < k->nfoot; i++) rx_free(&k->foot[i]);
    for (int i = 0; i < k->ntmpl; i++) {
        free(k->tmpl[i].kw);
        free(k->tmpl[i].leaftext);
        free(k->tmpl[i].leaves);
    }
    for (int i = 0; i < k->nlabels; i++) {
        if (k->lkey) free(k->lkey[i]);
    }
    free(k->loff); free(k->lnorm_len); free(k->lmade); free(k->llast); free(k->lkey);
    gx_buf_free(&k->lnorm_text);
    if (k->labels_loaded) gx_table_free(&k->ltab);
    for (int i = 0; i < k->nends; i++) free(k->ends[i]);
    free(k->ends); free(k->breakdown); free(k->breakdown_norm);
    gx_buf_free(&k->qkey);
    free(k->val); free(k->num); free(k->foot); free(k->tmpl); free(k->labels);
    free(k->m_val.e); free(k->m_num.e); free(k->m_foot.e); free(k->m_label.e);
    gx_buf_free(&k->scratch);
    gx_buf_free(&k->scratch2);
    free(k);
}

static int classify(tb_know *k, const char *s, size_t n)
{
    if (!gx_rxl_first_may(table_first(&k->f_val, &k->f_val_made, k->val, k->nval), s, n)) return TB_TEXT;
    int valid = -1;
    for (int i = 0; i < k->nval; i++)
        if (re_match(&k->val[i], s, n, &valid, 0, NULL, NULL, NULL)) return k->val[i].kind;
    return TB_TEXT;
}

int tb_classify(const tb_know *kc, const char *s, size_t n)
{
    tb_know *k = (tb_know *)kc;
    s = tb_trim(s, &n);
    if (n == 0) return TB_EMPTY;
    if (!k->val_loaded) load_values(k);
    bool hit;
    memo_ent *e = memo_slot(&k->m_val, s, n, &hit);
    if (hit) return (int)e->v[0];
    int cls = classify(k, s, n);
    memo_miss(&k->m_val, k->val, k->nval);
    if (e) { e->v[0] = cls; e->used = 1; }
    return cls;
}

static long circled(const char *s, size_t n)
{
    int32_t cp;
    if (gx_utf8_next_fast(s, n, &cp) > 0 && cp >= 0x2460 && cp <= 0x2473) return cp - 0x2460 + 1;
    return -1;
}

static long digits(const char *s, size_t n)
{
    long v = 0;
    bool any = false;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int l = gx_utf8_next_fast(s + i, n - i, &cp);
        if (cp >= '0' && cp <= '9') v = v * 10 + (cp - '0');
        else if (cp >= 0xFF10 && cp <= 0xFF19) v = v * 10 + (cp - 0xFF10);
        else return -1;
        any = true;
        i += (size_t)l;
    }
    return any ? v : -1;
}

static int numbering(tb_know *k, const char *s, size_t n, long *num, int *rank, size_t *end)
{
    int valid = -1;
    for (int i = 0; i < k->nnum; i++) {
        tb_re *r = &k->num[i];
        int g = num_group(r);
        size_t e = 0, a = GX_RX_UNSET, b = GX_RX_UNSET;
        if (!re_match(r, s, n, &valid, g, &e, &a, &b)) continue;
        *end = e;
        *rank = r->kind;
        *num = -1;
        if (g > 0 && a != GX_RX_UNSET && b > a) {
            long v = digits(s + a, b - a);
            if (v < 0) v = circled(s + a, b - a);
            if (v < 0) v = gx_cjk_number(s + a, b - a);
            *num = v;
        }
        return i;
    }
    return -1;
}

int tb_numbering(const tb_know *kc, const char *s, size_t n, long *num, int *rank, size_t *end)
{
    tb_know *k = (tb_know *)kc;
    if (!k->num_loaded) load_numbering(k);
    /* most labels start with a character no numbering can: cheaper than the memo */
    if (!gx_rxl_first_may(table_first(&k->f_num, &k->f_num_made, k->num, k->nnum), s, n)) return -1;
    bool hit;
    memo_ent *e = memo_slot(&k->m_num, s, n, &hit);
    if (hit) {
        if (e->v[0] >= 0) { *num = e->v[1]; *rank = (int)e->v[2]; *end = (size_t)e->v[3]; }
        return (int)e->v[0];
    }
    long nm = 0; int rk = 0; size_t en = 0;
    int style = numbering(k, s, n, &nm, &rk, &en);
    memo_miss(&k->m_num, k->num, k->nnum);
    if (style >= 0) { *num = nm; *rank = rk; *end = en; }
    if (e) { e->v[0] = style; e->v[1] = nm; e->v[2] = rk; e->v[3] = (long)en; e->used = 1; }
    return style;
}

/* Is s its own gx_norm_match form? True for ASCII letters and digits and
 * the CJK ideographs U+4000..U+9FFF (their own NFKC form, no whitespace,
 * quotes or dashes); anything else is normalised. */
static bool norm_stable(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) { i++; continue; }
        if (c >= 0xE4 && c <= 0xE9 && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            i += 3;
            continue;
        }
        return false;
    }
    return true;
}

/* Is the key of s the key of a listed label (compared as strings)? */
static bool known_label(tb_know *m, const char *s, size_t n)
{
    if (!m->labels_normed) {
        size_t nl = (size_t)m->nlabels + 1;
        m->loff = gx_xcalloc(nl, sizeof *m->loff);
        m->lnorm_len = gx_xcalloc(nl, sizeof *m->lnorm_len);
        m->lmade = gx_xcalloc(nl, sizeof *m->lmade);
        m->llast = gx_xcalloc(nl, sizeof *m->llast);
        m->lkey = gx_xcalloc(nl, sizeof *m->lkey);
        for (int i = 0; i < m->nlabels; i++) {
            /* a label ending in a letter, digit or CJK ideograph ends so
             * in its normal form too */
            const unsigned char *u = (const unsigned char *)m->labels[i];
            size_t n0 = strlen(m->labels[i]);
            m->llast[i] = -1;
            if (n0 && norm_stable(m->labels[i] + n0 - 1, 1)) m->llast[i] = u[n0 - 1];
            else if (n0 >= 3 && norm_stable(m->labels[i] + n0 - 3, 3)) m->llast[i] = u[n0 - 1];
        }
        m->labels_normed = true;
    }
    label_key(m, s, n);
    size_t kl = strlen(m->scratch.data);
    gx_buf_reset(&m->qkey);
    gx_buf_add(&m->qkey, m->scratch.data, kl);
    const char *key = m->qkey.data;
    int kb = kl ? (unsigned char)key[kl - 1] : -1;
    for (int i = 0; i < m->nlabels; i++) {
        if (kb >= 0 && m->llast[i] >= 0 && m->llast[i] != kb) continue;
        if (!m->lmade[i]) {
            size_t n0 = strlen(m->labels[i]);
            if (norm_stable(m->labels[i], n0)) {
                m->loff[i] = SIZE_MAX;   /* its own normal form */
                m->lnorm_len[i] = n0;
            } else {
                gx_norm_match(m->labels[i], n0, &m->scratch2);
                const char *t = m->scratch2.data ? m->scratch2.data : "";
                m->loff[i] = m->lnorm_text.len;
                m->lnorm_len[i] = strlen(t);
                gx_buf_add(&m->lnorm_text, t, m->lnorm_len[i]);
                gx_buf_addc(&m->lnorm_text, 0);
            }
            m->lmade[i] = true;
        }
        const char *ln0 = m->loff[i] == SIZE_MAX ? m->labels[i] : m->lnorm_text.data + m->loff[i];
        size_t ln = m->lnorm_len[i];
        if (ln < kl || (kl && ln0[ln - 1] != key[kl - 1]) || memcmp(ln0 + ln - kl, key, kl) != 0)
            continue;
        if (!m->lkey[i]) {
            label_key(m, m->labels[i], strlen(m->labels[i]));
            m->lkey[i] = gx_xstrdup(m->scratch.data);
        }
        if (strcmp(m->lkey[i], key) == 0) return true;
    }
    return false;
}

bool tb_known_label(const tb_know *k, const char *s, size_t n)
{
    tb_know *m = (tb_know *)k;
    if (!m->labels_loaded) load_labels(m);
    bool hit;
    memo_ent *e = memo_slot(&m->m_label, s, n, &hit);
    if (hit) return e->v[0] != 0;
    bool known = known_label(m, s, n);
    if (e) { e->v[0] = known; e->used = 1; }
    return known;
}

/* Does h[0..n) hold w[0..k) (0 < k <= n)? */
static bool contains(const char *h, size_t n, const char *w, size_t k)
{
    const char *p = h, *e = h + (n - k) + 1;   /* where a match can start */
    while (p < e && (p = memchr(p, w[0], (size_t)(e - p)))) {
        if (memcmp(p, w, k) == 0) return true;
        p++;
    }
    return false;
}

int tb_template(const tb_know *kc, const char *h, size_t n, const char *const **leaves, int *nleaves)
{
    tb_know *k = (tb_know *)kc;
    if (!k->tmpl_loaded) load_templates(k);
    if (leaves) { *leaves = NULL; *nleaves = 0; }
    for (int i = 0; i < k->ntmpl; i++) {
        const char *kw = k->tmpl[i].kw;
        size_t kl = strlen(kw);
        if (!kl || kl > n) continue;
        if (contains(h, n, kw, kl)) {
            if (leaves) { *leaves = k->tmpl[i].leaves; *nleaves = k->tmpl[i].nleaves; }
            return k->tmpl[i].cols;
        }
    }
    return 0;
}

int tb_template_columns(const tb_know *k, const char *h, size_t n)
{
    return tb_template(k, h, n, NULL, NULL);
}

bool tb_footer(const tb_know *kc, const char *s, size_t n)
{
    tb_know *k = (tb_know *)kc;
    s = tb_trim(s, &n);
    if (n == 0) return false;
    if (!k->foot_loaded) load_footer(k);
    bool hit;
    memo_ent *e = memo_slot(&k->m_foot, s, n, &hit);
    if (hit) return e->v[0] != 0;
    bool foot = false;
    if (gx_rxl_first_may(table_first(&k->f_foot, &k->f_foot_made, k->foot, k->nfoot), s, n)) {
        int valid = -1;
        for (int i = 0; i < k->nfoot && !foot; i++)
            if (re_match(&k->foot[i], s, n, &valid, 0, NULL, NULL, NULL)) foot = true;
    }
    memo_miss(&k->m_foot, k->foot, k->nfoot);
    if (e) { e->v[0] = foot; e->used = 1; }
    return foot;
}

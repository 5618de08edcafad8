/* check.c - gx-check: evaluate the rules of check_rules on one document of
 * the fact stream, with the semantics of spec schema.md §7.0. */
#include "check.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#define NOFIELD UINT32_MAX

/* no libm: the only maths needed */
static double absd(double x) { return x < 0 ? -x : x; }
enum { ST_NUMBER, ST_EMPTY, ST_NA, ST_TEXT };
enum { ST_SKIP = -1 };

static const char *const applicant_dims[] = {"natural_person", "commercial", "research",
                                             "social_welfare", "legal_service", "other",
                                             "total"};
static const char *const total_dim[] = {"total"};

const char *check_status_name(int status)
{
    switch (status) {
    case CHECK_PASS: return "pass";
    case CHECK_PASS_IZ: return "pass_implied_zero";
    case CHECK_NA: return "not_assessable";
    default: return "fail";
    }
}

/* ---- the document ---------------------------------------------------------- */

void check_doc_init(check_doc *d)
{
    memset(d, 0, sizeof *d);
    gx_buf_init(&d->arena);
    d->year = -1;
}

void check_doc_reset(check_doc *d)
{
    gx_buf_reset(&d->arena);
    d->nfacts = 0;
    d->nnotes = 0;
    d->schema = 0;
    d->year = -1;
    d->prev = NULL;
    d->tabs_ok = false;
}

void check_doc_free(check_doc *d)
{
    gx_buf_free(&d->arena);
    free(d->facts);
    free(d->hash);
    free(d->notes);
    free(d->tfacts);
    free(d->tstart);
    free(d->mfacts);
    memset(d, 0, sizeof *d);
}

const char *check_doc_field(const check_doc *d, int i, int col)
{
    uint32_t o = d->facts[i].f[col];
    return o == NOFIELD ? NULL : d->arena.data + o;
}

static const char *fld(const check_doc *d, int i, int col)
{
    const char *s = check_doc_field(d, i, col);
    return s ? s : "";
}

/* A plain decimal: -?digits(.digits)? of at most 15 integer digits (exact
 * in a double); returns the number of decimals or -1. */
static int parse_decimal(const char *s, double *v)
{
    const char *p = s;
    if (*p == '-') p++;
    const char *ds = p;
    while (*p >= '0' && *p <= '9') p++;
    if (p == ds || p - ds > 15) return -1;
    int dec = 0;
    if (*p == '.') {
        const char *fs = ++p;
        while (*p >= '0' && *p <= '9') p++;
        dec = (int)(p - fs);
        if (dec == 0 || dec > 15) return -1;
    }
    if (*p) return -1;
    if (p - s - (dec > 0) - (*s == '-') <= 15) {
        /* at most 15 digits in all: the digits as an integer are exact in a
         * double, and so is 10^dec; their quotient, rounded once, is the
         * double nearest the decimal, which is what strtod gives */
        static const double p10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        int64_t m = 0;
        for (const char *q = s + (*s == '-'); q < p; q++)
            if (*q != '.') m = m * 10 + (*q - '0');
        double x = (double)m / p10[dec];
        *v = *s == '-' ? -x : x;
        return dec;
    }
    *v = strtod(s, NULL);
    return dec;
}

/* The decimal digits at s as a number of at most 1000000, or -1; *end after them. */
static long ref_number(const char *s, const char **end)
{
    long v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((v = v * 10 + (*p - '0')) > 1000000) return -1;
    *end = p;
    return p == s ? -1 : v;
}

/* "T1:r2:c3" -> table part length, row 2, column 3. */
static void parse_ref(const char *ref, check_fact *f)
{
    const char *c1 = strchr(ref, ':');
    if (!c1 || c1[1] != 'r') return;
    const char *end;
    long r = ref_number(c1 + 2, &end);
    if (r < 0 || *end != ':' || end[1] != 'c') return;
    long c = ref_number(end + 2, &end);
    if (c < 0) return;
    f->ref_row = (int)r;
    f->ref_col = (int)c;
    f->ref_tab = (uint32_t)(c1 - ref);
}

/* strcmp(s, lit) == 0, inline (these run for every fact) */
static bool is_lit(const char *s, const char *lit)
{
    for (; *lit; s++, lit++)
        if (*s != *lit) return false;
    return !*s;
}

bool check_doc_add(check_doc *d, const gx_record *rec)
{
    const char *st = rec->null[FACT_STATE] ? "" : rec->f[FACT_STATE];
    const char *src = rec->null[FACT_SOURCE] ? "" : rec->f[FACT_SOURCE];
    int state, source;
    /* the usual "number" and "table" by their lengths (the same test as
     * strcmp: the field ends at its length), else by the first byte, then
     * the one name it can be */
    if (rec->len[FACT_STATE] == 6 && memcmp(st, "number", 6) == 0) state = ST_NUMBER;
    else if (st[0] == 'n' && st[1] == 'u' && is_lit(st, "number")) state = ST_NUMBER;
    else if (st[0] == 'e' && is_lit(st, "empty")) state = ST_EMPTY;
    else if (st[0] == 'n' && is_lit(st, "na")) state = ST_NA;
    else if (st[0] == 't' && is_lit(st, "text")) state = ST_TEXT;
    else {
        gx_error_at(rec->file, rec->line, "state \"%.40s\": expected number, empty, na or text", st);
        return false;
    }
    if (rec->len[FACT_SOURCE] == 5 && memcmp(src, "table", 5) == 0) source = SRC_TABLE;
    else if (src[0] == 't' && is_lit(src, "table")) source = SRC_TABLE;
    else if (src[0] == 'n' && is_lit(src, "narrative")) source = SRC_NARR;
    else if (src[0] == 'd' && is_lit(src, "derived")) source = SRC_DERIVED;
    else {
        gx_error_at(rec->file, rec->line, "source \"%.40s\": expected table, narrative or derived", src);
        return false;
    }
    double v = 0;
    int dec = 0;
    if (state == ST_NUMBER) {
        dec = rec->null[FACT_VALUE] ? -1 : parse_decimal(rec->f[FACT_VALUE], &v);
        if (dec < 0) {
            gx_error_at(rec->file, rec->line, "value \"%.40s\" of %.80s is not a plain decimal number (at most 15 digits before and after the point)",
                        rec->null[FACT_VALUE] ? "\\N" : rec->f[FACT_VALUE], rec->f[FACT_INDICATOR]);
            return false;
        }
    }
    if (rec->null[FACT_INDICATOR] || !*rec->f[FACT_INDICATOR]) {
        gx_error_at(rec->file, rec->line, "fact without an indicator");
        return false;
    }
    if (d->nfacts == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 512; /* a report has a few hundred facts */
        d->facts = gx_xrealloc(d->facts, (size_t)d->cap * sizeof *d->facts);
    }
    check_fact *f = &d->facts[d->nfacts];
    /* The fields lie in order in the record's line, each ended by a NUL
     * (gx_tsv_split unescapes in place): the line is copied in one piece. */
    const char *s0 = rec->f[0];
    const char *s1 = rec->f[GX_FACT_NCOL - 1] + rec->len[GX_FACT_NCOL - 1] + 1;
    size_t need = (size_t)(s1 - s0);
    if (d->arena.len + need > (size_t)UINT32_MAX) {
        gx_error_at(rec->file, rec->line, "document too large");
        return false;
    }
    gx_buf_reserve(&d->arena, need + (d->arena.cap ? 0 : 65536)); /* one report's facts, at once */
    uint32_t base = (uint32_t)d->arena.len;
    memcpy(d->arena.data + base, s0, need);
    for (int c = 0; c < GX_FACT_NCOL; c++) /* NOFIELD (all ones) for \N */
        f->f[c] = (base + (uint32_t)(rec->f[c] - s0)) | (0u - (uint32_t)rec->null[c]);
    d->arena.len += need;
    d->arena.data[d->arena.len] = 0;   /* the gx_buf's terminator (reserved) */
    f->v = v;
    f->ref_row = f->ref_col = -1;
    f->ref_tab = 0;
    if (!rec->null[FACT_REF]) parse_ref(rec->f[FACT_REF], f);
    f->pct = !rec->null[FACT_UNIT] && rec->f[FACT_UNIT][0] == '%' && !rec->f[FACT_UNIT][1];
    f->state = state;
    f->src = source;
    f->dec = dec;
    f->next = -1;
    f->note = -1;
    f->tab = -1;
    f->ind_len = (uint32_t)strlen(rec->f[FACT_INDICATOR]);
    f->unit = -1;
    f->ind_first = false;
    d->tabs_ok = false;
    if (d->nfacts == 0) {
        d->schema = check_schema_bit(rec->null[FACT_SCHEMA] ? NULL : rec->f[FACT_SCHEMA]);
        double y;
        d->year = (!rec->null[FACT_YEAR] && rec->len[FACT_YEAR] <= 6 &&
                   parse_decimal(rec->f[FACT_YEAR], &y) == 0) ? (long)y : -1;
        d->file = rec->file;
    }
    d->nfacts++;
    return true;
}

void check_doc_index(check_doc *d)
{
    int need = 16;
    while (need < d->nfacts * 2) need *= 2;
    if (need > d->hcap) {
        free(d->hash);
        d->hash = gx_xmalloc((size_t)need * sizeof *d->hash);
        d->hcap = need;
    }
    for (int i = 0; i < d->hcap; i++) d->hash[i] = -1;
    /* push in reverse so that each chain is in input order */
    for (int i = d->nfacts - 1; i >= 0; i--) {
        uint32_t hid = check_hash_n(fld(d, i, FACT_INDICATOR), d->facts[i].ind_len);
        uint32_t h = hid & (uint32_t)(d->hcap - 1);
        d->facts[i].hid = hid;
        d->facts[i].hdim = check_hash(fld(d, i, FACT_DIM));
        d->facts[i].next = d->hash[h];
        d->hash[h] = i;
    }
}

/* First fact of (id, dim, source), or -1. dim NULL: any. hid: check_hash(id),
 * hd: check_hash(dim).
 * The facts of one indicator (a chain) differ mostly in their dim: its
 * hash is compared before any string. */
static int doc_find_h(const check_doc *d, const char *id, uint32_t hid, const char *dim, uint32_t hd,
                      int src)
{
    if (!d || d->nfacts == 0) return -1;
    uint32_t h = hid & (uint32_t)(d->hcap - 1);
    if (src == SRC_PREV) src = SRC_TABLE;
    for (int i = d->hash[h]; i >= 0; i = d->facts[i].next) {
        const check_fact *f = &d->facts[i];
        if (f->hid != hid || f->src != src || (dim && f->hdim != hd)) continue;
        if (strcmp(fld(d, i, FACT_INDICATOR), id) != 0) continue;
        if (dim && strcmp(fld(d, i, FACT_DIM), dim) != 0) continue;
        return i;
    }
    return -1;
}

static int doc_find(const check_doc *d, const char *id, const char *dim, uint32_t hd, int src)
{
    return doc_find_h(d, id, check_hash(id), dim, hd, src);
}

/* ---- evaluation -------------------------------------------------------------- */

enum { MAX_INV = 96 };

typedef struct ectx {
    check_doc          *d;
    const check_rules  *rs;
    const check_rule   *r;
    const check_opts   *o;
    const char         *dim;
    uint32_t            hdim;       /* check_hash(dim) */
    const char         *bound_id;   /* EACH_IND */
    int                 bound_fact; /* EACH_FACT */
    int                 narr_fact;  /* the narrative fact this evaluation is about */
    const char         *narr_id, *narr_dim;
    int                 inv[MAX_INV];
    int                 ninv;
    int                 pct_n, pct_dec; /* the percentages of pct_total() */
    /* pct_share(): the row of counts found for the percentages of table
     * ps_tab, row ps_row of ps_doc: its row, total, facts */
    const check_doc    *ps_doc;
    int                 ps_tab, ps_row, ps_best, ps_n;
    double              ps_sum;
    int                 ps_cells[64];
} ectx;

typedef struct sval {
    double v;
    int    dec;
    int    blank_pos, blank_neg; /* blank terms with coefficient + / - */
    int    text;
    int    refs, present;
    int    first_fact;           /* first fact seen (for line, indicator) */
    bool   no_prev;              /* a prev: term without a previous report */
    const char *first_id, *first_dim;
    gx_buf *out;                 /* rendering */
} sval;

static void involve(ectx *c, int i)
{
    for (int k = 0; k < c->ninv; k++)
        if (c->inv[k] == i) return;
    if (c->ninv < MAX_INV) c->inv[c->ninv++] = i;
}

static void fmt_num(char *buf, size_t n, double v, int dec)
{
    if (dec > 9) dec = 9;
    /* a whole number (most figures): what "%.*f" prints, without printf */
    if (dec >= 0 && n >= 32 && v > -1e15 && v < 1e15 && v == (double)(long long)v) {
        long long x = (long long)v;
        unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
        char tmp[24];
        int k = 0;
        do tmp[k++] = (char)('0' + u % 10); while (u /= 10);
        char *p = buf;
        if (x < 0) *p++ = '-';      /* -0 prints as 0, as below */
        while (k) *p++ = tmp[--k];
        if (dec > 0) { *p++ = '.'; memset(p, '0', (size_t)dec); p += dec; }
        *p = 0;
        return;
    }
    snprintf(buf, n, "%.*f", dec, v);
    if (strcmp(buf, "-0") == 0 || (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)))
        memmove(buf, buf + 1, strlen(buf));
}

static void render_term(sval *s, int coef, bool first, const char *txt)
{
    if (!s->out) return;
    if (!first || coef < 0) gx_buf_adds(s->out, first ? "-" : coef < 0 ? " - " : " + ");
    gx_buf_adds(s->out, txt);
}

/* A number as a term: formatted only when the sum is being rendered. */
static void render_num(sval *s, int coef, bool first, double v, int dec)
{
    if (!s->out) return;
    char num[64];
    fmt_num(num, sizeof num, v, dec);
    render_term(s, coef, first, num);
}

static const check_rule *find_derive(const ectx *c, const char *id)
{
    for (int k = 0; k < c->rs->nderive; k++) {
        const check_rule *r = &c->rs->r[c->rs->derive[k]];
        if (!(r->schemas & c->d->schema) || r->pending) continue;
        if (strcmp(r->eq.rel[0].side[0].t[0].id, id) == 0) return r;
    }
    return NULL;
}

static bool has_flag(const char *flags, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = flags; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l >= n && (!n || p[0] == name[0]) && strncmp(p, name, n) == 0 && (l == n || p[n] == '='))
            return true;
        p = c ? c + 1 : p + l;
    }
    return false;
}

/* The value of a function of one fact (known, is_text, is_na, is_empty,
 * decimals, has_flag) on fact f with flags fl; *blank when it has none
 * (the decimals of a fact without a number). */
static double fact_fn(int fn, const check_fact *f, const char *fl, const char *name, bool *blank)
{
    switch (fn) {
    case FN_KNOWN: return f->state == ST_NUMBER;
    case FN_IS_TEXT: return f->state == ST_TEXT;
    case FN_IS_NA: return f->state == ST_NA;
    case FN_IS_EMPTY: return f->state == ST_EMPTY;
    case FN_DECIMALS:
        if (f->state == ST_NUMBER) return f->dec;
        *blank = true;
        return 0;
    default: return has_flag(fl, name);   /* FN_HAS_FLAG */
    }
}

/* The value of flag name=VALUE (up to the next comma) into out, or false. */
static bool flag_value(const char *flags, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    for (const char *p = flags; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t vl = l - n - 1;
            if (vl == 0 || vl >= cap) return false;
            memcpy(out, p + n + 1, vl);
            out[vl] = 0;
            return true;
        }
        p = c ? c + 1 : p + l;
    }
    return false;
}

/* A plain non-negative decimal (digits, at most one point). */
static bool plain_num(const char *s, size_t n, double *v)
{
    char t[64];
    int dots = 0;
    if (!n || n >= sizeof t) return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') dots++;
        else if (s[i] < '0' || s[i] > '9') return false;
    }
    if (dots > 1) return false;
    memcpy(t, s, n);
    t[n] = 0;
    *v = strtod(t, NULL);
    return true;
}

/* parts=a+b+c of a narrative sum statement: the sum, the list in out. */
static bool flag_parts(const char *flags, char *out, size_t cap, double *sum)
{
    if (!flag_value(flags, "parts", out, cap)) return false;
    *sum = 0;
    for (const char *p = out; *p;) {
        const char *q = strchr(p, '+');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        double x;
        if (!plain_num(p, l, &x)) return false;
        *sum += x;
        p = q ? q + 1 : p + l;
    }
    return true;
}

/* num=N,den=D of a narrative rate: 100 N / D. */
static bool flag_rate(const char *flags, double *rate)
{
    char a[64], b[64];
    double x, y;
    if (!flag_value(flags, "num", a, sizeof a) || !flag_value(flags, "den", b, sizeof b) ||
        !plain_num(a, strlen(a), &x) || !plain_num(b, strlen(b), &y) || y <= 0)
        return false;
    *rate = 100.0 * x / y;
    return true;
}

/* All table numbers equal to the previous year's (at least 3 non-zero). */
static int prev_identical(const check_doc *d)
{
    const check_doc *p = d->prev;
    int n = 0, nonzero = 0, np = 0;
    for (int i = 0; i < p->nfacts; i++)
        if (p->facts[i].src == SRC_TABLE && p->facts[i].state == ST_NUMBER) np++;
    for (int i = 0; i < d->nfacts; i++) {
        const check_fact *f = &d->facts[i];
        if (f->src != SRC_TABLE || f->state != ST_NUMBER) continue;
        n++;
        int j = doc_find_h(p, fld(d, i, FACT_INDICATOR), f->hid, fld(d, i, FACT_DIM), f->hdim, SRC_TABLE);
        if (j < 0 || p->facts[j].state != ST_NUMBER || p->facts[j].v != f->v) return 0;
        if (f->v != 0) nonzero++;
    }
    return n == np && nonzero >= 3;
}

/* Same table (by the table part of ref) for facts i and j. */
static bool same_table(const check_doc *d, int i, int j)
{
    const check_fact *a = &d->facts[i], *b = &d->facts[j];
    return a->ref_tab == b->ref_tab && a->ref_row >= 0 && b->ref_row >= 0 &&
           strncmp(fld(d, i, FACT_REF), fld(d, j, FACT_REF), a->ref_tab) == 0 &&
           strcmp(fld(d, i, FACT_DOC), fld(d, j, FACT_DOC)) == 0;
}

static bool is_pct(const check_fact *f) { return f->pct && f->state == ST_NUMBER && f->ref_row >= 0; }

/* Groups the facts with a ref by table (same_table), for the percentage
 * rules: they look at the facts of one table only, for every percentage. */
static void tables_index(check_doc *d)
{
    int *rep = gx_xmalloc((size_t)(d->nfacts + 1) * sizeof *rep); /* a fact of each table */
    int ntab = 0, last = -1;
    for (int i = 0; i < d->nfacts; i++) {
        check_fact *f = &d->facts[i];
        f->tab = -1;
        if (f->ref_row < 0) continue;
        int t = -1;
        if (last >= 0 && same_table(d, rep[last], i)) t = last;
        for (int k = 0; t < 0 && k < ntab; k++)
            if (same_table(d, rep[k], i)) t = k;
        if (t < 0) rep[t = ntab++] = i;
        f->tab = last = t;
    }
    free(rep);
    free(d->tstart);
    free(d->tfacts);
    d->tstart = gx_xcalloc((size_t)ntab + 1, sizeof *d->tstart);
    d->tfacts = gx_xmalloc((size_t)(d->nfacts + 1) * sizeof *d->tfacts);
    for (int i = 0; i < d->nfacts; i++)
        if (d->facts[i].tab >= 0) d->tstart[d->facts[i].tab + 1]++;
    for (int t = 0; t < ntab; t++) d->tstart[t + 1] += d->tstart[t];
    int *fill = gx_xmalloc((size_t)(ntab + 1) * sizeof *fill);
    memcpy(fill, d->tstart, (size_t)(ntab + 1) * sizeof *fill);
    for (int i = 0; i < d->nfacts; i++)
        if (d->facts[i].tab >= 0) d->tfacts[fill[d->facts[i].tab]++] = i;
    free(fill);
    d->ntab = ntab;
    d->tabs_ok = true;
}

/* The facts of the table of fact i (which has a ref): *n of them. */
static const int *table_of(check_doc *d, int i, int *n)
{
    if (!d->tabs_ok) tables_index(d);
    int t = d->facts[i].tab;
    *n = d->tstart[t + 1] - d->tstart[t];
    return d->tfacts + d->tstart[t];
}

/* The first percentage of its table row. */
static bool pct_row_first(check_doc *d, int i)
{
    if (!is_pct(&d->facts[i])) return false;
    int n;
    const int *tf = table_of(d, i, &n);
    for (int k = 0; k < n && tf[k] < i; k++) {
        int j = tf[k];
        if (is_pct(&d->facts[j]) && d->facts[j].ref_row == d->facts[i].ref_row) return false;
    }
    return true;
}

/* Sum of the percentages in the row of fact i. */
static double pct_total(ectx *c, int i)
{
    check_doc *d = c->d;
    double sum = 0;
    c->pct_n = c->pct_dec = 0;
    int n;
    const int *tf = table_of(d, i, &n);
    for (int k = 0; k < n; k++) {
        int j = tf[k];
        if (!is_pct(&d->facts[j]) || d->facts[j].ref_row != d->facts[i].ref_row) continue;
        sum += d->facts[j].v;
        c->pct_n++;
        if (d->facts[j].dec > c->pct_dec) c->pct_dec = d->facts[j].dec;
        involve(c, j);
    }
    return sum;
}

/* 100 x the count of the percentage's column / the row total, from the
 * nearest row of counts above it in the same table; false if none. The row
 * found and its total are kept for the next percentage of the same table
 * row (every cell of a row of percentages, for each PCT-ITEM rule). */
static bool pct_share(ectx *c, int i, double *share)
{
    check_doc *d = c->d;
    const check_fact *p = &d->facts[i];
    int n;
    const int *tf = table_of(d, i, &n);
    if (c->ps_doc != d || c->ps_tab != p->tab || c->ps_row != p->ref_row) {
        int best_row = -1;
        for (int k = 0; k < n; k++) {
            const check_fact *f = &d->facts[tf[k]];
            if (f->pct || f->state != ST_NUMBER || f->ref_row >= p->ref_row) continue;
            if (f->ref_row > best_row) best_row = f->ref_row;
        }
        double sum = 0;
        int m = 0;
        if (best_row >= 0)
            for (int k = 0; k < n; k++) {
                const check_fact *f = &d->facts[tf[k]];
                if (f->pct || f->state != ST_NUMBER || f->ref_row != best_row) continue;
                sum += f->v;
                if (m < (int)(sizeof c->ps_cells / sizeof c->ps_cells[0])) c->ps_cells[m] = tf[k];
                m++;
            }
        c->ps_doc = d;
        c->ps_tab = p->tab;
        c->ps_row = p->ref_row;
        c->ps_best = best_row;
        c->ps_sum = sum;
        c->ps_n = m;
    }
    if (c->ps_best < 0) return false;
    int cell = -1;
    if (c->ps_n <= (int)(sizeof c->ps_cells / sizeof c->ps_cells[0])) {
        for (int k = 0; k < c->ps_n; k++)
            if (d->facts[c->ps_cells[k]].ref_col == p->ref_col) cell = c->ps_cells[k];
    } else {
        for (int k = 0; k < n; k++) {
            const check_fact *f = &d->facts[tf[k]];
            if (f->pct || f->state != ST_NUMBER || f->ref_row != c->ps_best) continue;
            if (f->ref_col == p->ref_col) cell = tf[k];
        }
    }
    if (cell < 0 || c->ps_sum <= 0) return false;
    involve(c, cell);
    *share = 100.0 * d->facts[cell].v / c->ps_sum;
    return true;
}

static void add_term(ectx *c, const check_term *t, int coef, sval *s, bool macros, int depth,
                     bool first);

/* The fact a reference names, or -1; sets the resolved id, dim and document. */
static int resolve_ref(ectx *c, const check_term *t, const char **idp, const char **dimp,
                       uint32_t *hdp, const check_doc **inp)
{
    const char *id = t->id;
    const char *dim = t->dim ? t->dim : c->dim;
    uint32_t hd = t->dim ? t->hdim : c->hdim;
    int fi;
    const check_doc *in = c->d;
    if (t->bound) {
        if (c->bound_fact >= 0 && !t->dim) {
            fi = c->bound_fact;
            id = fld(c->d, fi, FACT_INDICATOR);
            dim = fld(c->d, fi, FACT_DIM);
            hd = c->d->facts[fi].hdim;
        } else {
            id = c->bound_fact >= 0 ? fld(c->d, c->bound_fact, FACT_INDICATOR)
                 : c->bound_id      ? c->bound_id
                                    : "$";
            fi = doc_find(c->d, id, dim, hd, SRC_TABLE);
        }
    } else if (t->src == SRC_NARR && c->narr_fact >= 0 && strcmp(id, c->narr_id) == 0 &&
               strcmp(dim, c->narr_dim) == 0) {
        fi = c->narr_fact;
    } else if (t->src == SRC_PREV) {
        in = c->d->prev;
        fi = in ? doc_find_h(in, id, t->hid, dim, hd, SRC_TABLE) : -1;
    } else {
        fi = doc_find_h(c->d, id, t->hid, dim, hd, t->src);
    }
    if (!in) in = c->d; /* prev: without a previous report (the caller skips) */
    *idp = id;
    *dimp = dim;
    *hdp = hd;
    *inp = in;
    return fi;
}

static void add_ref(ectx *c, const check_term *t, int coef, sval *s, bool macros, int depth,
                    bool first)
{
    const char *id, *dim;
    uint32_t hd;
    const check_doc *in;
    int fi = resolve_ref(c, t, &id, &dim, &hd, &in);
    s->refs++;
    if (t->src == SRC_PREV && !c->d->prev) s->no_prev = true;
    if (!s->first_id) {
        s->first_id = id;
        s->first_dim = dim;
    }
    if (fi < 0) {
        const check_rule *m = (macros && t->src == SRC_TABLE && depth < 8) ? find_derive(c, id) : NULL;
        if (m) {
            const check_sum *ms = &m->eq.rel[0].side[1];
            const char *save = c->dim;
            uint32_t hsave = c->hdim;
            c->dim = dim;
            c->hdim = hd;
            s->refs--; /* counted through its parts */
            if (s->out) {
                if (!first || coef < 0) gx_buf_adds(s->out, first ? "-" : coef < 0 ? " - " : " + ");
                gx_buf_adds(s->out, "(");
            }
            for (int k = 0; k < ms->n; k++)
                add_term(c, &ms->t[k], coef * ms->t[k].coef, s, true, depth + 1, k == 0);
            if (s->out) gx_buf_adds(s->out, ")");
            c->dim = save;
            c->hdim = hsave;
            return;
        }
        /* not printed: unknown, like a blank */
        if (coef > 0) s->blank_pos++;
        else s->blank_neg++;
        render_term(s, coef, first, "?");
        return;
    }
    const check_fact *f = &in->facts[fi];
    s->present++;
    if (in == c->d) {
        involve(c, fi);
        if (s->first_fact < 0) s->first_fact = fi;
    }
    switch (f->state) {
    case ST_NUMBER:
        s->v += coef * f->v;
        if (f->dec > s->dec) s->dec = f->dec;
        render_num(s, coef, first, f->v, f->dec);
        break;
    case ST_TEXT:
        s->text++;
        render_term(s, coef, first, "text");
        break;
    default:
        if (coef > 0) s->blank_pos++;
        else s->blank_neg++;
        render_term(s, coef, first, f->state == ST_NA ? "na" : "_");
        break;
    }
}

static void add_term(ectx *c, const check_term *t, int coef, sval *s, bool macros, int depth,
                     bool first)
{
    if (t->kind == TK_NUM) {
        s->v += coef * t->num;
        if (t->dec > s->dec) s->dec = t->dec;
        render_num(s, coef, first, t->num, t->dec);
        return;
    }
    if (t->kind == TK_REF) {
        add_ref(c, t, coef, s, macros, depth, first);
        return;
    }
    /* functions: known, is_*, decimals, has_flag of one fact; prev_identical() */
    s->refs++;
    double v = 0;
    bool blank = false;
    if (t->fn == FN_PREV_IDENTICAL) {
        if (!c->d->prev) {
            render_term(s, coef, first, "?");
            return;
        }
        s->present++;
        v = prev_identical(c->d);
    } else if (t->fn == FN_PCT_TOTAL || t->fn == FN_PCT_SHARE) {
        if (c->bound_fact < 0 || !is_pct(&c->d->facts[c->bound_fact]) ||
            (t->fn == FN_PCT_SHARE && !pct_share(c, c->bound_fact, &v))) {
            render_term(s, coef, first, "?");
            return;
        }
        if (t->fn == FN_PCT_TOTAL) {
            v = pct_total(c, c->bound_fact);
            if (c->pct_dec > s->dec) s->dec = c->pct_dec;
        } else if (s->dec < 4) {
            s->dec = 4;
        }
        s->present++;
        if (!s->first_id) {
            s->first_id = fld(c->d, c->bound_fact, FACT_INDICATOR);
            s->first_dim = fld(c->d, c->bound_fact, FACT_DIM);
        }
        if (s->first_fact < 0) s->first_fact = c->bound_fact;
        s->v += coef * v;
        render_num(s, coef, first, v, t->fn == FN_PCT_TOTAL ? c->pct_dec : 4);
        return;
    } else if (t->fn == FN_YEAR) {
        if (c->d->year < 0) {
            render_term(s, coef, first, "?");
            return; /* no report year: the rule does not apply */
        }
        s->present++;
        v = (double)c->d->year;
    } else {
        /* the functions of one fact */
        const char *id, *dim;
        const check_doc *in;
        uint32_t hd;
        int fi = resolve_ref(c, t->arg, &id, &dim, &hd, &in);
        if (!s->first_id) {
            s->first_id = id;
            s->first_dim = dim;
        }
        bool statement = t->fn == FN_PARTS || t->fn == FN_RATE;
        /* a narrative statement's parts (parts=a+b+c) or rate (num=,den=) */
        const char *fl = fi < 0 || in->facts[fi].f[FACT_FLAGS] == NOFIELD ? NULL
                         : in->arena.data + in->facts[fi].f[FACT_FLAGS];
        char list[512];
        if (fi < 0 || (statement && !(fl && (t->fn == FN_PARTS ? flag_parts(fl, list, sizeof list, &v)
                                                                : flag_rate(fl, &v))))) {
            render_term(s, coef, first, "?");
            return; /* not present, or no statement: the rule does not apply */
        }
        s->present++;
        if (in == c->d) {
            involve(c, fi);
            if (s->first_fact < 0) s->first_fact = fi;
        }
        const check_fact *f = &in->facts[fi];
        switch (t->fn) {
        case FN_PARTS:
            s->v += coef * v;
            if (s->out) {
                char shown[sizeof list + 2];
                snprintf(shown, sizeof shown, "(%s)", list);
                render_term(s, coef, first, shown);
            }
            return;
        case FN_RATE:
            s->v += coef * v;
            if (s->dec < 4) s->dec = 4;
            render_num(s, coef, first, v, 4);
            return;
        case FN_KNOWN: case FN_IS_TEXT: case FN_IS_NA: case FN_IS_EMPTY: case FN_DECIMALS: case FN_HAS_FLAG:
            v = fact_fn(t->fn, f, fl, t->name, &blank);
            break;
        default: break;
        }
    }
    if (blank) {
        if (coef > 0) s->blank_pos++;
        else s->blank_neg++;
        render_term(s, coef, first, "_");
        return;
    }
    s->v += coef * v;
    render_num(s, coef, first, v, 0);
}

static void eval_sum(ectx *c, const check_sum *sum, sval *s, bool macros)
{
    for (int k = 0; k < sum->n; k++) add_term(c, &sum->t[k], sum->t[k].coef, s, macros, 0, k == 0);
}

static bool within(double diff, double tol) { return absd(diff) <= tol + 1e-9 * (1 + absd(diff)); }

int check_status_of(int op, double diff, int pos, int neg, bool lhs_blank, double tol, bool lenient)
{
    double eps = 1e-9 * (1 + absd(diff));
    bool blanks = pos + neg > 0;
    bool le = diff <= tol + eps, ge = diff >= -tol - eps;
    bool lt = diff < -eps, gt = diff > eps;
    switch (op) {
    case OP_EQ:
        if (!blanks) return within(diff, tol) ? CHECK_PASS : CHECK_FAIL;
        if (lhs_blank) return CHECK_NA; /* the total itself is blank */
        if (pos && neg) return lenient ? (within(diff, tol) ? CHECK_PASS : CHECK_FAIL) : CHECK_NA;
        if (within(diff, tol)) return CHECK_PASS_IZ;
        if (neg) /* blanks can only lower the difference */
            return diff < 0 ? CHECK_FAIL : lenient ? CHECK_FAIL : CHECK_NA;
        return diff > 0 ? CHECK_FAIL : lenient ? CHECK_FAIL : CHECK_NA;
    case OP_LE:
    case OP_LT: {
        bool ok = op == OP_LE ? le : lt;
        if (!blanks) return ok ? CHECK_PASS : CHECK_FAIL;
        if (ok && !pos) return CHECK_PASS;
        if (!ok && !neg) return CHECK_FAIL;
        return lenient ? (ok ? CHECK_PASS : CHECK_FAIL) : CHECK_NA;
    }
    default: {
        bool ok = op == OP_GE ? ge : gt;
        if (!blanks) return ok ? CHECK_PASS : CHECK_FAIL;
        if (ok && !neg) return CHECK_PASS;
        if (!ok && !pos) return CHECK_FAIL;
        return lenient ? (ok ? CHECK_PASS : CHECK_FAIL) : CHECK_NA;
    }
    }
}

/* A narrative bound recorded by the normalizer in flags: bound=ge|gt|le|lt|approx
 * (aliases lower_bound, upper_bound, approx). Returns the relation "table OP
 * narrative value" should satisfy, or -1 for none; *approx for approx. */
static int narr_bound(const char *flags, bool *approx)
{
    *approx = false;
    for (const char *p = flags; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
#define IS(s) (l == strlen(s) && strncmp(p, s, l) == 0)
        if (IS("bound=ge") || IS("lower_bound") || IS("bound=lower")) return OP_GE;
        if (IS("bound=gt")) return OP_GT;
        if (IS("bound=le") || IS("upper_bound") || IS("bound=upper")) return OP_LE;
        if (IS("bound=lt")) return OP_LT;
        if (IS("bound=approx") || IS("approx")) {
            *approx = true;
            return OP_EQ;
        }
#undef IS
        p = c ? c + 1 : p + l;
    }
    return -1;
}

static int flip(int op)
{
    switch (op) {
    case OP_LE: return OP_GE;
    case OP_GE: return OP_LE;
    case OP_LT: return OP_GT;
    case OP_GT: return OP_LT;
    default: return op;
    }
}

typedef struct relres {
    int    status;
    int    op;
    sval   l, r;
    gx_buf lt, rt;
} relres;

/* Evaluate one relation. With render, also write its two sides as text
 * (lt, rt); that costs more than the arithmetic and is needed only for the
 * findings printed, so emit() evaluates the chosen relation again with it. */
static void eval_rel(ectx *c, const check_rel *rel, relres *out, bool render, bool cut)
{
    memset(&out->l, 0, sizeof out->l);
    memset(&out->r, 0, sizeof out->r);
    out->l.first_fact = out->r.first_fact = -1;
    if (render) {
        gx_buf_reset(&out->lt);
        gx_buf_reset(&out->rt);
        out->l.out = &out->lt;
        out->r.out = &out->rt;
    }
    eval_sum(c, &rel->side[0], &out->l, false);
    if (cut && ((out->l.refs && !out->l.present) || out->l.no_prev)) {
        /* skipped whatever the right side holds (below): with one
         * alternative, nothing else of this evaluation is used (cut is
         * false when the right side would leave pct_total's state) */
        out->op = rel->op;
        out->status = ST_SKIP;
        return;
    }
    eval_sum(c, &rel->side[1], &out->r, true);
    if (render) {
        gx_buf_addc(&out->lt, 0);
        gx_buf_addc(&out->rt, 0);
    }
    out->op = rel->op;
    if ((out->l.refs && !out->l.present) || (out->r.refs && !out->r.present) || out->l.no_prev ||
        out->r.no_prev) {
        out->status = ST_SKIP;
        return;
    }
    double tol = c->r->tol;
    if (c->r->tol_kind != TOL_ABS) {
        /* half a unit of the last decimal shown */
        int dec = c->r->tol_kind == TOL_PCT_SUM ? c->pct_dec
                  : c->bound_fact >= 0           ? c->d->facts[c->bound_fact].dec
                                                 : 0;
        double half = 0.5;
        for (int k = 0; k < dec && k < 15; k++) half /= 10;
        if (c->r->tol_kind == TOL_PCT_SUM) {
            tol = c->pct_n * half;
            if (tol < 0.05) tol = 0.05;
        } else {
            tol = half + c->r->tol;
        }
    }
    /* a narrative figure given as a bound ("100余件") */
    for (int s = 0; s < 2; s++) {
        const check_sum *sum = &rel->side[s];
        if (sum->n == 1 && sum->t[0].kind == TK_REF && sum->t[0].src == SRC_NARR && rel->op == OP_EQ &&
            c->narr_fact >= 0) {
            bool approx;
            int b = narr_bound(check_doc_field(c->d, c->narr_fact, FACT_FLAGS), &approx);
            if (b >= 0) {
                /* b is "other side OP narrative"; written as narr OP' other */
                out->op = s == 0 ? flip(b) : b;
                if (approx) {
                    double a = 0.1 * absd(c->d->facts[c->narr_fact].v);
                    if (a > tol) tol = a;
                }
            }
        }
    }
    if (out->l.text || out->r.text) {
        out->status = CHECK_NA;
        return;
    }
    double diff = out->l.v - out->r.v;
    int pos = out->l.blank_pos + out->r.blank_neg;
    int neg = out->l.blank_neg + out->r.blank_pos;
    bool lhs_blank = rel->side[0].n == 1 && out->l.blank_pos + out->l.blank_neg > 0;
    out->status = check_status_of(out->op, diff, pos, neg, lhs_blank, tol, c->o->lenient);
}

/* Evaluate an equation: the best alternative. Returns its index or -1 (skip). */
static int eval_expr(ectx *c, const check_expr *e, relres *res)
{
    int best = -1;
    for (int i = 0; i < e->n; i++) {
        eval_rel(c, &e->rel[i], &res[i], false,
                 e->n == 1 && !e->rel[i].side[1].pct_total && !c->rs->derive_pct);
        if (res[i].status == ST_SKIP) continue;
        if (best < 0 || res[i].status < res[best].status) best = i;
    }
    return best;
}

/* ---- output ------------------------------------------------------------------ */

static const char *op_text(int op, int status)
{
    bool bad = status == CHECK_FAIL;
    switch (op) {
    case OP_EQ: return bad ? " \xe2\x89\xa0 " : " = ";
    case OP_LE: return bad ? " > " : " <= ";
    case OP_GE: return bad ? " < " : " >= ";
    case OP_LT: return bad ? " >= " : " < ";
    default: return bad ? " <= " : " > ";
    }
}

static void add_note(check_doc *d, int fact, int rule, int status)
{
    for (int k = d->facts[fact].note; k >= 0; k = d->notes[k].next)
        if (d->notes[k].rule == rule && d->notes[k].status == status) return;
    if (d->nnotes == d->ncap) {
        d->ncap = d->ncap ? d->ncap * 2 : 64;
        d->notes = gx_xrealloc(d->notes, (size_t)d->ncap * sizeof *d->notes);
    }
    d->notes[d->nnotes] = (check_note){rule, status, d->facts[fact].note};
    d->facts[fact].note = d->nnotes++;
}

typedef struct runstate {
    check_tally *t;
    gx_buf       msg;
    relres       res[16];
    relres       when[16];
    long         counts[4][3];
    int          worst_key;
} runstate;

static void emit(ectx *c, runstate *rsx, int alt)
{
    const check_rule *r = c->r;
    relres *x = &rsx->res[alt];
    int st = x->status;
    check_tally *t = rsx->t;
    t->evaluated++;
    t->n[st][r->sev]++;
    rsx->counts[st][r->sev]++;
    if (st == CHECK_FAIL && r->sev == CHECK_ERROR) t->error_fail = true;
    if (st == CHECK_FAIL && r->sev == CHECK_WARN) t->warn_fail = true;
    int rule_index = (int)(r - c->rs->r);
    if (c->o->annotate) {
        if (st != CHECK_PASS || c->o->all)
            for (int k = 0; k < c->ninv; k++) add_note(c->d, c->inv[k], rule_index, st);
        return;
    }
    /* worst first: error fail, warn fail, error n/a, warn n/a, info fail, info n/a */
    static const int rank[4][3] = {{-1, -1, -1}, {-1, -1, -1}, {1, 3, 4}, {2, 5, 6}};
    int key = rank[st][r->sev];
    bool worst = c->o->summary && key > rsx->worst_key;
    if (!worst && (c->o->summary || (st == CHECK_PASS && !c->o->all) ||
                   (st == CHECK_PASS_IZ && !c->o->all)))
        return;

    /* the same relation again, written out (eval_rel) */
    int status = x->status;
    eval_rel(c, &r->eq.rel[alt], x, true, false);
    x->status = status;

    /* the fields */
    char actual[64] = "\\N", expected[64] = "\\N", delta[64] = "\\N", line[32] = "\\N";
    int dec = x->l.dec > x->r.dec ? x->l.dec : x->r.dec;
    bool lknown = !x->l.text && x->l.blank_pos + x->l.blank_neg == 0;
    bool rknown = !x->r.text && (x->r.present > 0 || x->r.refs == 0);
    if (lknown) fmt_num(actual, sizeof actual, x->l.v, x->l.dec);
    if (rknown) fmt_num(expected, sizeof expected, x->r.v, x->r.dec);
    if (lknown && rknown) fmt_num(delta, sizeof delta, x->l.v - x->r.v, dec);
    int lf = x->l.first_fact >= 0 ? x->l.first_fact : x->r.first_fact;
    if (c->narr_fact >= 0) lf = c->narr_fact;
    const char *lv = lf >= 0 ? check_doc_field(c->d, lf, FACT_LINE) : NULL;
    if (lv && *lv) snprintf(line, sizeof line, "%.30s", lv);
    const char *ind = x->l.first_id, *dim = x->l.first_dim;
    if (!ind && lf >= 0) ind = fld(c->d, lf, FACT_INDICATOR), dim = fld(c->d, lf, FACT_DIM);

    gx_buf *m = &rsx->msg;
    gx_buf_reset(m);
    gx_buf_adds(m, r->message);
    gx_buf_adds(m, ": ");
    gx_buf_adds(m, x->lt.data);
    gx_buf_adds(m, op_text(x->op, st));
    gx_buf_adds(m, x->rt.data);
    if (x->r.present > 1 && rknown) {
        char sum[64];
        fmt_num(sum, sizeof sum, x->r.v, x->r.dec);
        gx_buf_printf(m, " (= %s)", sum);
    }
    if (x->l.blank_pos + x->l.blank_neg + x->r.blank_pos + x->r.blank_neg)
        gx_buf_adds(m, " [_ blank, na placeholder, ? not printed]");
    if (c->narr_fact >= 0 && x->op != r->eq.rel[alt].op)
        gx_buf_adds(m, " [the text gives a bound]");
    gx_buf_addc(m, 0);

    const char *doc = fld(c->d, 0, FACT_DOC);
    if (worst) {
        rsx->worst_key = key;
        gx_buf *w = &t->worst;
        gx_buf_reset(w);
        gx_buf_printf(w, "%s %s %s %s[%s]: actual %s, expected %s, line %s: %s", r->id,
                      check_sev_name(r->sev), check_status_name(st), ind ? ind : "-",
                      dim ? dim : "-", lknown ? actual : "blank", rknown ? expected : "-",
                      strcmp(line, "\\N") ? line : "-", m->data);
    }
    if (c->o->summary) return;
    const char *f[GX_FINDING_NCOL] = {doc, r->id, check_sev_name(r->sev), check_status_name(st),
                                      ind, dim, NULL, NULL, NULL, NULL, m->data};
    const char *nums[4] = {expected, actual, delta, line};
    for (int k = 0; k < GX_FINDING_NCOL; k++) {
        if (k) gx_outc('\t');
        if (k >= FIND_EXPECTED && k <= FIND_LINE) {
            gx_outs(nums[k - FIND_EXPECTED]);
            continue;
        }
        gx_out_fields(f[k]);
    }
    gx_outc('\n');
}

/* The status of a rule of the form "FACT OP NUMBER" (check_rule.fast) on
 * its bound fact: what eval_rel works out for it, without the general
 * machinery (these rules run for nearly every fact). */
static int fast_status(ectx *c, const check_rule *r)
{
    const check_rel *rel = &r->eq.rel[0];
    const check_term *t = &rel->side[0].t[0], *num = &rel->side[1].t[0];
    int fi = c->bound_fact;
    const check_fact *f = &c->d->facts[fi];
    double lv = 0, v = 0;
    bool blank = false;
    if (t->kind == TK_REF) {
        if (f->state == ST_TEXT) return CHECK_NA;
        if (f->state == ST_NUMBER) v = f->v;
        else blank = true;
    } else {
        const char *fl = t->fn == FN_HAS_FLAG ? check_doc_field(c->d, fi, FACT_FLAGS) : NULL;
        v = fact_fn(t->fn, f, fl, t->name, &blank);
    }
    if (!blank) lv += t->coef * v;
    double rv = 0;
    rv += num->coef * num->num;
    return check_status_of(rel->op, lv - rv, blank, 0, blank, r->tol, c->o->lenient);
}

/* One instance: the rule with its bindings set. */
static void run_instance(ectx *c, runstate *rsx)
{
    const check_rule *r = c->r;
    if (r->fast && c->bound_fact >= 0) {
        c->narr_fact = -1;
        c->ninv = 1;
        c->inv[0] = c->bound_fact;
        rsx->res[0].status = fast_status(c, r);
        emit(c, rsx, 0);
        return;
    }
    if (r->has_when) {
        int w = eval_expr(c, &r->when, rsx->when);
        if (w < 0 || rsx->when[w].status > CHECK_PASS_IZ) return;
        c->ninv = 0;
    }
    /* a narrative term binds the evaluation to each narrative fact in turn */
    const check_term *nt = r->narr;
    if (!nt) {
        c->narr_fact = -1;
        c->ninv = 0;
        int b = eval_expr(c, &r->eq, rsx->res);
        if (b >= 0) emit(c, rsx, b);
        return;
    }
    const char *id = nt->bound && c->bound_id ? c->bound_id : nt->id;
    const char *dim = nt->dim ? nt->dim : c->dim;
    c->narr_id = id;
    c->narr_dim = dim;
    uint32_t hid = id == nt->id ? nt->hid : check_hash(id);
    uint32_t h = hid & (uint32_t)(c->d->hcap - 1);
    for (int i = c->d->hash[h]; i >= 0; i = c->d->facts[i].next) {
        const check_fact *f = &c->d->facts[i];
        if (f->hid != hid || f->src != SRC_NARR || strcmp(fld(c->d, i, FACT_INDICATOR), id) != 0 ||
            strcmp(fld(c->d, i, FACT_DIM), dim) != 0)
            continue;
        c->narr_fact = i;
        c->ninv = 0;
        int b = eval_expr(c, &r->eq, rsx->res);
        if (b >= 0) emit(c, rsx, b);
    }
    c->narr_fact = -1;
}

static bool in_list(const char *list, const char *v)
{
    /* list is "|a|b|" */
    size_t n = strlen(v);
    for (const char *p = list; (p = strchr(p, '|')) && p[1];) {
        p++;
        const char *e = strchr(p, '|');
        if (e && (size_t)(e - p) == n && strncmp(p, v, n) == 0) return true;
    }
    return false;
}

/* memcmp(a, b, n) == 0 for the few bytes of a glob's head or tail: most
 * differ in the first byte */
static inline bool mem_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* fnmatch(3) of a glob taken apart (check_glob) on an indicator of n bytes. */
static bool glob_match(const check_glob *g, const char *id, size_t n)
{
    switch (g->kind) {
    case GLOB_EXACT: return n == g->head && mem_eq(id, g->pat, n);
    case GLOB_TAIL:
        return n >= g->head + g->tail_len && mem_eq(id, g->pat, g->head) &&
               mem_eq(id + n - g->tail_len, g->tail, g->tail_len);
    default: return n >= g->head && mem_eq(id, g->pat, g->head) && fnmatch(g->pat + g->head, id + g->head, 0) == 0;
    }
}

static bool glob_ok(const check_rule *r, const check_doc *d, int i)
{
    const char *id = fld(d, i, FACT_INDICATOR);
    size_t n = d->facts[i].ind_len;
    bool inc = r->glob_star; /* a "*" among the globs: every id is in, unless excluded */
    for (int g = 0; g < r->nglob; g++) {
        const check_glob *x = &r->gl[g];
        if (x->kind == GLOB_EXACT && n != x->head) continue; /* the usual miss, without a call */
        if (x->neg) {
            if (glob_match(x, id, n)) return false;
        } else if (!inc && glob_match(x, id, n)) inc = true;
    }
    return inc;
}

static bool fact_ok(const check_doc *d, const check_rule *r, int i)
{
    /* source and state: by ss_mask, in check_doc_run */
    const check_fact *f = &d->facts[i];
    if (r->f_flag) {
        bool any = false;
        const char *flags = check_doc_field(d, i, FACT_FLAGS);
        for (int k = 0; !any && k < r->nflag_names; k++)
            any = strlen(r->flag_names[k]) < 64 && has_flag(flags, r->flag_names[k]);
        if (!any) return false;
    }
    if (r->unit_bits) {
        if (r->f_unit && (f->unit < 0 || !(r->unit_in >> f->unit & 1u))) return false;
        if (r->f_unit_not && f->unit >= 0 && (r->unit_out >> f->unit & 1u)) return false;
    } else {
        const char *unit = fld(d, i, FACT_UNIT);
        if (r->f_unit && !in_list(r->f_unit, unit)) return false;
        if (r->f_unit_not && in_list(r->f_unit_not, unit)) return false;
    }
    return glob_ok(r, d, i);
}

/* Per document and rules: each fact's unit in rs->units, and (ind, for the
 * ind: rules) whether it is the first table fact of its indicator. */
static void doc_prepare(check_doc *d, const check_rules *rs, bool ind)
{
    d->nmask = 0;
    const char *last = NULL;
    int last_code = -1;
    for (int i = 0; i < d->nfacts; i++) {
        check_fact *f = &d->facts[i];
        const char *u = fld(d, i, FACT_UNIT);
        if (!last || strcmp(u, last) != 0) {
            last = u;
            last_code = -1;
            for (int k = 0; k < rs->nunits; k++)
                if (strcmp(rs->units[k], u) == 0) { last_code = k; break; }
        }
        f->unit = last_code;
        f->ss = (uint8_t)(f->src * 4 + f->state);
        f->ind_first = ind && f->src == SRC_TABLE &&
                       doc_find_h(d, fld(d, i, FACT_INDICATOR), f->hid, NULL, 0, SRC_TABLE) == i;
    }
}

/* The facts whose ss is in mask, in input order (*n of them), or NULL when
 * the lists are full (then every fact is a candidate). */
static const int *facts_of_mask(check_doc *d, uint16_t mask, int *n)
{
    enum { NM = sizeof d->mmask / sizeof d->mmask[0] };
    for (int k = 0; k < d->nmask; k++)
        if (d->mmask[k] == mask) {
            *n = d->mlen[k];
            return d->mfacts + (size_t)k * (size_t)d->nfacts;
        }
    if (d->nmask == NM) return NULL;
    if (d->mcap < NM * d->nfacts) {
        free(d->mfacts);
        d->mcap = NM * d->nfacts;
        d->mfacts = gx_xmalloc((size_t)d->mcap * sizeof *d->mfacts);
    }
    int k = d->nmask++, m = 0;
    int *list = d->mfacts + (size_t)k * (size_t)d->nfacts;
    for (int i = 0; i < d->nfacts; i++)
        if (mask >> d->facts[i].ss & 1u) list[m++] = i;
    d->mmask[k] = mask;
    d->mlen[k] = m;
    *n = m;
    return list;
}


static void write_annotated(check_doc *d, const check_rules *rs)
{
    gx_buf col;
    gx_buf_init(&col);
    int stack[256];
    for (int i = 0; i < d->nfacts; i++) {
        for (int c = 0; c < GX_FACT_NCOL; c++) {
            gx_out_fields(check_doc_field(d, i, c));
            gx_outc('\t');
        }
        int n = 0;
        for (int k = d->facts[i].note; k >= 0 && n < 256; k = d->notes[k].next) stack[n++] = k;
        gx_buf_reset(&col);
        while (n--) {
            const check_note *nt = &d->notes[stack[n]];
            if (col.len) gx_buf_addc(&col, ',');
            gx_buf_printf(&col, "%s:%s", rs->r[nt->rule].id, check_status_name(nt->status));
        }
        gx_out_field(col.data ? col.data : "", col.len);
        gx_outc('\n');
    }
    gx_buf_free(&col);
}

static void write_summary(check_doc *d, runstate *rsx)
{
    const char *doc = fld(d, 0, FACT_DOC);
    gx_buf b;
    gx_buf_init(&b);
    long fail[3] = {0}, na = 0, pass = 0;
    for (int s = 0; s < 3; s++) {
        fail[s] = rsx->counts[CHECK_FAIL][s];
        na += rsx->counts[CHECK_NA][s];
        pass += rsx->counts[CHECK_PASS][s] + rsx->counts[CHECK_PASS_IZ][s];
    }
    gx_buf_printf(&b, "%s: %s %s, %s, %d facts\n", doc, fld(d, 0, FACT_ORG), fld(d, 0, FACT_YEAR),
                  fld(d, 0, FACT_SCHEMA), d->nfacts);
    gx_buf_printf(&b, "  failed: %ld error, %ld warn, %ld info; not assessable: %ld; passed: %ld\n",
                  fail[CHECK_ERROR], fail[CHECK_WARN], fail[CHECK_INFO], na, pass);
    if (rsx->worst_key >= 0 && rsx->t->worst.len)
        gx_buf_printf(&b, "  worst: %s\n", rsx->t->worst.data);
    else gx_buf_adds(&b, "  worst: none\n");
    gx_out(b.data, b.len);
    gx_buf_free(&b);
}

void check_doc_run(check_doc *d, const check_rules *rs, const check_opts *o, check_tally *t)
{
    if (d->nfacts == 0) return;
    check_doc_index(d);
    ectx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    c.rs = rs;
    c.o = o;
    c.bound_fact = -1;
    c.narr_fact = -1;
    runstate *rsx = gx_xcalloc(1, sizeof *rsx);
    rsx->t = t;
    rsx->worst_key = -1;
    gx_buf_init(&rsx->msg);
    for (int i = 0; i < 16; i++) {
        gx_buf_init(&rsx->res[i].lt);
        gx_buf_init(&rsx->res[i].rt);
        gx_buf_init(&rsx->when[i].lt);
        gx_buf_init(&rsx->when[i].rt);
    }
    gx_buf_reset(&t->worst);
    uint32_t dim_hash[7];
    for (int k = 0; k < 7; k++) dim_hash[k] = check_hash(applicant_dims[k]); /* [6]: "total" */
    bool ind = false;
    for (int ri = 0; ri < rs->n && !ind; ri++)
        ind = rs->r[ri].each == EACH_IND && rs->r[ri].sev != CHECK_DERIVE && (rs->r[ri].schemas & d->schema) &&
              !rs->r[ri].pending;
    doc_prepare(d, rs, ind);
    for (int ri = 0; ri < rs->n; ri++) {
        const check_rule *r = &rs->r[ri];
        if (r->sev == CHECK_DERIVE || !(r->schemas & d->schema) || r->pending) continue;
        c.r = r;
        c.bound_id = NULL;
        c.bound_fact = -1;
        const char *const *dims = r->per_applicant ? applicant_dims : total_dim;
        const uint32_t *hdims = r->per_applicant ? dim_hash : dim_hash + 6;
        int ndims = r->per_applicant ? 7 : 1;
        if (r->each == EACH_FACT) {
            /* the facts of the rule's sources and states (or all) */
            int n;
            const int *list = facts_of_mask(d, r->ss_mask, &n);
            if (!list) n = d->nfacts;
            for (int k = 0; k < n; k++) {
                int i = list ? list[k] : k;
                if (!(r->ss_mask >> d->facts[i].ss & 1u) || !fact_ok(d, r, i)) continue;
                c.bound_fact = i;
                c.dim = fld(d, i, FACT_DIM);
                c.hdim = d->facts[i].hdim;
                run_instance(&c, rsx);
            }
        } else if (r->each == EACH_PCTROW || r->each == EACH_PCTCELL) {
            for (int i = 0; i < d->nfacts; i++) {
                if (r->each == EACH_PCTROW ? !pct_row_first(d, i) : !is_pct(&d->facts[i])) continue;
                c.bound_fact = i;
                c.dim = fld(d, i, FACT_DIM);
                c.hdim = d->facts[i].hdim;
                run_instance(&c, rsx);
            }
        } else if (r->each == EACH_IND) {
            for (int i = 0; i < d->nfacts; i++) {
                const char *id = fld(d, i, FACT_INDICATOR);
                if (!d->facts[i].ind_first || !glob_ok(r, d, i)) continue;
                c.bound_id = id;
                for (int k = 0; k < ndims; k++) {
                    c.dim = dims[k];
                    c.hdim = hdims[k];
                    run_instance(&c, rsx);
                }
            }
        } else {
            for (int k = 0; k < ndims; k++) {
                c.dim = dims[k];
                c.hdim = hdims[k];
                run_instance(&c, rsx);
            }
        }
    }
    if (o->annotate) write_annotated(d, rs);
    else if (o->summary) write_summary(d, rsx);
    gx_buf_free(&rsx->msg);
    for (int i = 0; i < 16; i++) {
        gx_buf_free(&rsx->res[i].lt);
        gx_buf_free(&rsx->res[i].rt);
        gx_buf_free(&rsx->when[i].lt);
        gx_buf_free(&rsx->when[i].rt);
    }
    free(rsx);
}

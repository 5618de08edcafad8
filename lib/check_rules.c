/* check_rules.c - the rules table of gx-check and its equation language
 * (see check.h for the grammar). */
#include "check.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned check_schema_bit(const char *s)
{
    if (!s) return SCH_OTHER;
    if (strcmp(s, "legacy-narrative") == 0) return SCH_LEGACY_NARR;
    if (strcmp(s, "legacy-table") == 0) return SCH_LEGACY_TABLE;
    if (strcmp(s, "modern-2019") == 0) return SCH_M2019;
    if (strcmp(s, "modern-2021") == 0) return SCH_M2021;
    return SCH_OTHER;
}

const char *check_sev_name(int sev)
{
    switch (sev) {
    case CHECK_ERROR: return "error";
    case CHECK_WARN: return "warn";
    case CHECK_INFO: return "info";
    default: return "derive";
    }
}

/* ---- memory ---------------------------------------------------------------- */

/* The parsed rules live in a few large blocks, freed together: the table is
 * parsed at the start of every process (often for one small report), and a
 * malloc per word, term and list cost more than the parsing itself. */
typedef struct mblk {
    struct mblk *next;
    size_t       used, cap;
    max_align_t  data[];
} mblk;

static inline void *mem_alloc(void **mem, size_t n, size_t hint)
{
    mblk *b = *mem;
    n = (n + 15) & ~(size_t)15;
    if (__builtin_expect(!b || b->cap - b->used < n, 0)) {
        size_t cap = n > hint ? n : hint;
        mblk *nb = gx_xmalloc(sizeof *nb + cap);
        nb->used = 0;
        nb->cap = cap;
        nb->next = b;
        *mem = b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static void mem_free(void **mem)
{
    for (mblk *b = *mem, *nb; b; b = nb) {
        nb = b->next;
        free(b);
    }
    *mem = NULL;
}

static char *mem_strdup(void **mem, size_t hint, const char *s, size_t n)
{
    char *d = mem_alloc(mem, n + 1, hint);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---- the equation parser ------------------------------------------------ */

typedef struct lexer {
    const char *s, *p;
    char       *err;
    size_t      errsz;
    bool        failed;
    void      **mem;          /* where the terms and strings go */
    size_t      hint;         /* block size for mem_alloc */
} lexer;

static bool lex_fail(lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool lex_fail(lexer *lx, const char *fmt, ...)
{
    if (lx->failed) return false;
    lx->failed = true;
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (lx->err && lx->errsz) {
        size_t at = (size_t)(lx->p - lx->s);
        char near[24];
        size_t k = 0;
        for (const char *q = lx->p; *q && k < sizeof near - 1; q++) near[k++] = *q;
        near[k] = 0;
        if (*lx->p) snprintf(lx->err, lx->errsz, "%s at column %zu (near \"%s\")", msg, at + 1, near);
        else snprintf(lx->err, lx->errsz, "%s at the end of the equation", msg);
    }
    return false;
}

static void lex_space(lexer *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t') lx->p++;
}

/* [a-zA-Z0-9_.*$]: bit 1; bit 2: upper case; bit 4: '*' */
static const unsigned char word_char[256] = {
    ['$'] = 1, ['*'] = 5, ['.'] = 1, ['_'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    ['A'] = 3, ['B'] = 3, ['C'] = 3, ['D'] = 3, ['E'] = 3, ['F'] = 3, ['G'] = 3, ['H'] = 3, ['I'] = 3,
    ['J'] = 3, ['K'] = 3, ['L'] = 3, ['M'] = 3, ['N'] = 3, ['O'] = 3, ['P'] = 3, ['Q'] = 3, ['R'] = 3,
    ['S'] = 3, ['T'] = 3, ['U'] = 3, ['V'] = 3, ['W'] = 3, ['X'] = 3, ['Y'] = 3, ['Z'] = 3,
};

/* Reads a word: its start in *w, its length (0: none). */
static size_t lex_word(lexer *lx, const char **w)
{
    lex_space(lx);
    const char *b = lx->p;
    while (word_char[(unsigned char)*lx->p]) lx->p++;
    *w = b;
    return (size_t)(lx->p - b);
}

/* lex_word for an indicator id: also its check_hash, and in *flags 2 if it
 * has an upper-case letter, 4 if a '*'. */
static size_t lex_id(lexer *lx, const char **w, uint32_t *hash, unsigned *flags)
{
    lex_space(lx);
    const unsigned char *p = (const unsigned char *)lx->p;
    unsigned fl = 0, k;
    while ((k = word_char[*p])) {
        fl |= k;
        p++;
    }
    size_t n = (size_t)((const char *)p - lx->p);
    *w = lx->p;
    *hash = check_hash_n(lx->p, n);
    *flags = fl;
    lx->p = (const char *)p;
    return n;
}

static char *lex_dup(lexer *lx, const char *w, size_t n)
{
    return mem_strdup(lx->mem, lx->hint, w, n);
}

static bool lex_eat(lexer *lx, char c)
{
    lex_space(lx);
    if (*lx->p != c) return false;
    lx->p++;
    return true;
}

static bool word_is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(w, s, n) == 0;
}

static int lex_op(lexer *lx)
{
    lex_space(lx);
    const char *p = lx->p;
    switch (p[0]) {
    case '<': lx->p += p[1] == '=' ? 2 : 1; return p[1] == '=' ? OP_LE : OP_LT;
    case '>': lx->p += p[1] == '=' ? 2 : 1; return p[1] == '=' ? OP_GE : OP_GT;
    case '=': lx->p += p[1] == '=' ? 2 : 1; return OP_EQ;
    case '\xe2': /* ≤ ≥ */
        if (p[1] == '\x89' && (p[2] == '\xa4' || p[2] == '\xa5')) {
            lx->p += 3;
            return p[2] == '\xa4' ? OP_LE : OP_GE;
        }
        return -1;
    default: return -1;
    }
}

/* Not empty, no upper case. */
static bool valid_id(const char *w, size_t n)
{
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (word_char[(unsigned char)w[i]] & 2) return false;
    return true;
}

/* w (n bytes, hash h, flags fl of lex_id): a word already read (may be a
 * source prefix). */
static bool parse_ref(lexer *lx, check_term *t, const char *w, size_t n, uint32_t h, unsigned fl)
{
    t->kind = TK_REF;
    t->src = SRC_TABLE;
    lex_space(lx);
    if (*lx->p == ':') {
        lx->p++;
        if (word_is(w, n, "narr") || word_is(w, n, "narrative")) t->src = SRC_NARR;
        else if (word_is(w, n, "prev")) t->src = SRC_PREV;
        else if (word_is(w, n, "derived")) t->src = SRC_DERIVED;
        else if (word_is(w, n, "table")) t->src = SRC_TABLE;
        else return lex_fail(lx, "unknown source prefix (narr, prev, derived, table)");
        n = lex_id(lx, &w, &h, &fl);
        if (!n) return lex_fail(lx, "expected an indicator id after the source prefix");
    }
    if (fl & 6) return lex_fail(lx, "bad indicator id"); /* upper case or '*' */
    t->id = lex_dup(lx, w, n);
    t->hid = h;
    t->bound = n == 1 && w[0] == '$';
    if (lex_eat(lx, '[')) {
        n = lex_word(lx, &w);
        if (n) t->dim = lex_dup(lx, w, n), t->hdim = check_hash_n(w, n);
        if (!valid_id(w, n)) return lex_fail(lx, "expected a dimension inside [ ]");
        if (!lex_eat(lx, ']')) return lex_fail(lx, "expected ]");
    }
    return true;
}

static const struct { const char *name; int fn; int nargs; } funcs[] = {
    {"known", FN_KNOWN, 1},       {"is_text", FN_IS_TEXT, 1},   {"is_na", FN_IS_NA, 1},
    {"is_empty", FN_IS_EMPTY, 1}, {"decimals", FN_DECIMALS, 1}, {"has_flag", FN_HAS_FLAG, 2},
    {"prev_identical", FN_PREV_IDENTICAL, 0},
    {"pct_total", FN_PCT_TOTAL, 0},           {"pct_share", FN_PCT_SHARE, 0},
    {"year", FN_YEAR, 0},         {"parts", FN_PARTS, 1},       {"rate", FN_RATE, 1},
};

static bool parse_term(lexer *lx, check_term *t)
{
    lex_space(lx);
    if (isdigit((unsigned char)*lx->p)) {
        char *end;
        t->kind = TK_NUM;
        t->num = strtod(lx->p, &end);
        const char *dot = memchr(lx->p, '.', (size_t)(end - lx->p));
        t->dec = dot ? (int)(end - dot - 1) : 0;
        if (end == lx->p) return lex_fail(lx, "bad number");
        /* only plain decimals: no exponents, no hex */
        for (const char *q = lx->p; q < end; q++)
            if (!isdigit((unsigned char)*q) && *q != '.') return lex_fail(lx, "bad number");
        lx->p = end;
        return true;
    }
    const char *w;
    uint32_t h;
    unsigned fl;
    size_t n = lex_id(lx, &w, &h, &fl);
    if (!n) return lex_fail(lx, "expected a term");
    lex_space(lx);
    if (*lx->p == '(') {
        lx->p++;
        size_t i;
        for (i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
            if (word_is(w, n, funcs[i].name)) break;
        if (i == sizeof funcs / sizeof funcs[0]) return lex_fail(lx, "unknown function");
        t->kind = TK_FUNC;
        t->fn = funcs[i].fn;
        if (funcs[i].nargs >= 1) {
            const char *a;
            size_t an = lex_id(lx, &a, &h, &fl);
            if (!an) return lex_fail(lx, "expected an indicator as the argument");
            t->arg = mem_alloc(lx->mem, sizeof *t->arg, lx->hint);
            memset(t->arg, 0, sizeof *t->arg);
            t->arg->coef = 1;
            if (!parse_ref(lx, t->arg, a, an, h, fl)) return false;
        }
        if (funcs[i].nargs == 2) {
            if (!lex_eat(lx, ',')) return lex_fail(lx, "expected , and a flag name");
            const char *a;
            size_t an = lex_word(lx, &a);
            if (!an) return lex_fail(lx, "expected a flag name");
            t->name = lex_dup(lx, a, an);
        }
        if (!lex_eat(lx, ')')) return lex_fail(lx, "expected )");
        return true;
    }
    return parse_ref(lx, t, w, n, h, fl);
}

enum { MAX_TERMS = 256, MAX_ALTS = 16 };

static bool parse_sum(lexer *lx, check_sum *s)
{
    /* the terms are gathered here, then copied to lx->mem in one piece */
    check_term t[MAX_TERMS + 1];
    int n = 0;
    int coef = 1;
    if (lex_eat(lx, '-')) coef = -1;
    for (;;) {
        check_term *tk = &t[n++];
        memset(tk, 0, sizeof *tk);
        tk->coef = coef;
        if (!parse_term(lx, tk)) return false;
        if (n > MAX_TERMS) return lex_fail(lx, "too many terms");
        if (lex_eat(lx, '+')) coef = 1;
        else {
            lex_space(lx);
            /* a '-' here is subtraction, unless it starts "->" (not ours) */
            if (*lx->p == '-') {
                lx->p++;
                coef = -1;
            } else break;
        }
    }
    s->t = mem_alloc(lx->mem, (size_t)n * sizeof *s->t, lx->hint);
    memcpy(s->t, t, (size_t)n * sizeof *s->t);
    s->n = n;
    for (int k = 0; k < n; k++) s->pct_total |= t[k].kind == TK_FUNC && t[k].fn == FN_PCT_TOTAL;
    return true;
}

void check_expr_free(check_expr *e)
{
    mem_free(&e->mem);
    memset(e, 0, sizeof *e);
}

/* Parse s into e, its terms and strings in *mem. */
static bool expr_parse(const char *s, check_expr *e, char *err, size_t errsz, void **mem, size_t hint)
{
    lexer lx = {s, s, err, errsz, false, mem, hint};
    check_rel rel[MAX_ALTS];
    int n = 0;
    memset(e, 0, sizeof *e);
    for (;;) {
        if (n >= MAX_ALTS) return lex_fail(&lx, "too many alternatives");
        check_rel *r = &rel[n++];
        memset(r, 0, sizeof *r);
        if (!parse_sum(&lx, &r->side[0])) return false;
        r->op = lex_op(&lx);
        if (r->op < 0) return lex_fail(&lx, "expected = <= >= < or >");
        if (!parse_sum(&lx, &r->side[1])) return false;
        if (lex_space(&lx), lx.p[0] == '|' && lx.p[1] == '|') {
            lx.p += 2;
            continue;
        }
        if (*lx.p) return lex_fail(&lx, "unexpected text");
        e->rel = mem_alloc(mem, (size_t)n * sizeof *e->rel, hint);
        memcpy(e->rel, rel, (size_t)n * sizeof *e->rel);
        e->n = n;
        return true;
    }
}

bool check_expr_parse(const char *s, check_expr *e, char *err, size_t errsz)
{
    void *mem = NULL;
    bool ok = expr_parse(s, e, err, errsz, &mem, 1024);
    e->mem = mem;
    return ok;
}

/* ---- the table ------------------------------------------------------------ */

enum { RULES_BLOCK = 32768 }; /* the block size of a rules table's memory */

static char *rs_dup(check_rules *rs, const char *s, size_t n)
{
    return mem_strdup(&rs->mem, RULES_BLOCK, s, n);
}

/* s with every '$' replaced by item (il bytes), in rs->mem; s itself if it
 * has no '$'. */
static const char *subst(check_rules *rs, const char *s, const char *item, size_t il)
{
    size_t n = strlen(s), k = 0;
    const char *end = s + n;
    for (const char *q = s; (q = memchr(q, '$', (size_t)(end - q))); q++) k++;
    if (!k) return s;
    char *d = mem_alloc(&rs->mem, n - k + k * il + 1, RULES_BLOCK), *o = d;
    for (const char *q; (q = memchr(s, '$', (size_t)(end - s))); s = q + 1) {
        memcpy(o, s, (size_t)(q - s));
        o += q - s;
        memcpy(o, item, il);
        o += il;
    }
    memcpy(o, s, (size_t)(end - s) + 1);
    return d;
}

void check_rules_free(check_rules *rs)
{
    mem_free(&rs->mem);
    free(rs->pend);
    free(rs->derive);
    free(rs->r);
    free(rs->name);
    memset(rs, 0, sizeof *rs);
}

/* "|a|b|" from "a|b" */
static char *bar_list(check_rules *rs, const char *s, size_t n)
{
    char *d = mem_alloc(&rs->mem, n + 3, RULES_BLOCK);
    d[0] = '|';
    memcpy(d + 1, s, n);
    d[n + 1] = '|';
    d[n + 2] = 0;
    return d;
}

/* The names a fact's source and state have in source= and state= filters,
 * by enum check_src and fact state. */
static const char *const check_src_names[4] = {"table", "narrative", "table", "derived"};
static const char *const check_state_names[4] = {"number", "empty", "na", "text"};

/* Bit i set when names[i] is an item of the "|a|b|" list. */
static unsigned list_mask(const char *list, const char *const *names, int n)
{
    unsigned m = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        for (const char *p = list; (p = strchr(p, '|')) && p[1];) {
            p++;
            const char *e = strchr(p, '|');
            if (e && (size_t)(e - p) == l && strncmp(p, names[i], l) == 0) { m |= 1u << i; break; }
        }
    }
    return m;
}

/* The clause "name" of s (length n): its value, or NULL. */
static const char *clause_val(const char *s, size_t n, const char *name)
{
    size_t l = strlen(name);
    return n >= l && memcmp(s, name, l) == 0 ? s + l : NULL;
}

static int cut40(size_t n) { return n < 40 ? (int)n : 40; }

/* strcmp(s, lit) == 0, inline (these run for every rule) */
static bool is_lit(const char *s, const char *lit)
{
    for (; *lit; s++, lit++)
        if (*s != *lit) return false;
    return !*s;
}

static bool parse_each(check_rules *rs, check_rule *r, const char *each, char *err, size_t errsz)
{
    const char *body;
    if (strncmp(each, "ind:", 4) == 0) {
        r->each = EACH_IND;
        body = each + 4;
    } else if (strncmp(each, "fact:", 5) == 0) {
        r->each = EACH_FACT;
        body = each + 5;
    } else {
        snprintf(err, errsz, "each: expected -, sub:LIST, ind:GLOB, fact:GLOB;FILTERS, pctrow or pctcell");
        return false;
    }
    const char *semi = strchr(body, ';');
    size_t gl = semi ? (size_t)(semi - body) : strlen(body);
    /* globs, comma separated */
    const char *p = body, *gend = body + gl;
    int n = 0;
    for (const char *q = body; q < gend; q++) n += *q == ',';
    r->glob = mem_alloc(&rs->mem, (size_t)(n + 1) * sizeof *r->glob, RULES_BLOCK);
    while (p < gend) {
        const char *c = memchr(p, ',', (size_t)(gend - p));
        const char *e = c ? c : gend;
        if (e > p) r->glob[r->nglob++] = rs_dup(rs, p, (size_t)(e - p));
        p = c ? c + 1 : gend;
    }
    if (r->nglob == 0) {
        snprintf(err, errsz, "each: no indicator pattern");
        return false;
    }
    while (semi) {
        const char *f = semi + 1;
        semi = strchr(f, ';');
        size_t fl = semi ? (size_t)(semi - f) : strlen(f);
        char **slot = NULL;
        const char *val = NULL;
        if ((val = clause_val(f, fl, "unit!="))) slot = &r->f_unit_not;
        else if ((val = clause_val(f, fl, "unit="))) slot = &r->f_unit;
        else if ((val = clause_val(f, fl, "source="))) slot = &r->f_source;
        else if ((val = clause_val(f, fl, "state="))) slot = &r->f_state;
        else if ((val = clause_val(f, fl, "flag="))) slot = &r->f_flag;
        if (!slot || r->each != EACH_FACT) {
            snprintf(err, errsz, "each: unknown filter \"%.*s\" (unit=, unit!=, source=, state=, flag= after fact:)",
                     cut40(fl), f);
            return false;
        }
        *slot = bar_list(rs, val, (size_t)(f + fl - val));
        if (slot == &r->f_source) r->f_src_mask = list_mask(*slot, check_src_names, 4);
        if (slot == &r->f_state) r->f_state_mask = list_mask(*slot, check_state_names, 4);
    }
    return true;
}

/* The items of a "|a|b|" list (its value split at '|'), into an array in rs->mem. */
static int list_items(check_rules *rs, const char *list, const char ***out)
{
    int n = 0;
    for (const char *p = list; (p = strchr(p, '|')) && p[1]; p++) n++;
    const char **v = mem_alloc(&rs->mem, (size_t)(n ? n : 1) * sizeof *v, RULES_BLOCK);
    n = 0;
    for (const char *p = list; (p = strchr(p, '|')) && p[1];) {
        const char *e = strchr(++p, '|');
        v[n++] = rs_dup(rs, p, e ? (size_t)(e - p) : strlen(p));
    }
    *out = v;
    return n;
}

/* The bits of the items of a unit list in rs->units (added as needed);
 * false if they do not fit. */
static bool unit_bits(check_rules *rs, const char *list, uint64_t *bits)
{
    const char **items;
    int n = list_items(rs, list, &items);
    *bits = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < rs->nunits && strcmp(rs->units[k], items[i]) != 0) k++;
        if (k == rs->nunits) {
            if (k == CHECK_MAX_UNITS) return false;
            rs->units[rs->nunits++] = items[i];
        }
        *bits |= (uint64_t)1 << k;
    }
    return true;
}

/* What evaluation needs of a rule beyond its text, worked out once:
 * globs taken apart, flag and unit lists, the narrative term. */
/* A term "$" of the bound fact itself (no narr: or prev:, no [dim]). */
static bool bound_fact_ref(const check_term *t)
{
    return t->kind == TK_REF && t->bound && !t->dim && (t->src == SRC_TABLE || t->src == SRC_DERIVED) &&
           t->coef == 1;
}

static void rule_prepare(check_rules *rs, check_rule *r)
{
    if (r->nglob) {
        r->gl = mem_alloc(&rs->mem, (size_t)r->nglob * sizeof *r->gl, RULES_BLOCK);
        for (int g = 0; g < r->nglob; g++) {
            check_glob *x = &r->gl[g];
            const char *pat = r->glob[g];
            x->neg = pat[0] == '!';
            x->pat = pat + x->neg;
            x->head = (uint32_t)strcspn(x->pat, "*?[\\");
            const char *m = x->pat + x->head;
            if (!*m) x->kind = GLOB_EXACT;
            else if (*m == '*' && !m[1 + strcspn(m + 1, "*?[\\")]) {
                x->kind = GLOB_TAIL;
                x->tail = m + 1;
                x->tail_len = (uint32_t)strlen(m + 1);
            } else x->kind = GLOB_FNMATCH;
            r->glob_star |= !x->neg && x->kind == GLOB_TAIL && !x->head && !x->tail_len;
        }
    }
    if (r->f_flag) r->nflag_names = list_items(rs, r->f_flag, &r->flag_names);
    for (int src = 0; src < 4 && r->each == EACH_FACT; src++)
        for (int st = 0; st < 4; st++)
            if ((!r->f_source || (r->f_src_mask >> src & 1u)) && (!r->f_state || (r->f_state_mask >> st & 1u)))
                r->ss_mask |= (uint16_t)(1u << (src * 4 + st));
    r->unit_bits = (!r->f_unit || unit_bits(rs, r->f_unit, &r->unit_in)) &&
                   (!r->f_unit_not || unit_bits(rs, r->f_unit_not, &r->unit_out));
    if (r->each == EACH_FACT && !r->has_when && r->tol_kind == TOL_ABS && r->eq.n == 1 &&
        r->eq.rel[0].side[0].n == 1 && r->eq.rel[0].side[1].n == 1 &&
        r->eq.rel[0].side[1].t[0].kind == TK_NUM) {
        const check_term *t = &r->eq.rel[0].side[0].t[0];
        r->fast = bound_fact_ref(t) ||
                  (t->kind == TK_FUNC && t->coef == 1 && t->arg && bound_fact_ref(t->arg) &&
                   (t->fn == FN_KNOWN || t->fn == FN_IS_TEXT || t->fn == FN_IS_NA || t->fn == FN_IS_EMPTY ||
                    t->fn == FN_DECIMALS || t->fn == FN_HAS_FLAG));
    }
    for (int i = 0; i < r->eq.n && !r->narr; i++)
        for (int s = 0; s < 2 && !r->narr; s++)
            for (int k = 0; k < r->eq.rel[i].side[s].n; k++)
                if (r->eq.rel[i].side[s].t[k].kind == TK_REF && r->eq.rel[i].side[s].t[k].src == SRC_NARR) {
                    r->narr = &r->eq.rel[i].side[s].t[k];
                    break;
                }
}

static int col_of(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0) return i;
    return -1;
}

enum { C_RULE, C_SEV, C_SCHEMAS, C_DIMS, C_EACH, C_WHEN, C_EQ, C_TOL, C_MSG, C_N };
static const char *const col_names[C_N] = {"rule", "severity", "schemas", "dims", "each",
                                           "when", "equation", "tolerance", "message"};

static unsigned schema_bit_n(const char *s, size_t n)
{
    if (word_is(s, n, "legacy-narrative")) return SCH_LEGACY_NARR;
    if (word_is(s, n, "legacy-table")) return SCH_LEGACY_TABLE;
    if (word_is(s, n, "modern-2019")) return SCH_M2019;
    if (word_is(s, n, "modern-2021")) return SCH_M2021;
    return SCH_OTHER;
}

/* A rule not built yet: its row's fields, and its item of a sub: list. */
typedef struct check_pending {
    const char *v[C_N];
    const char *item;         /* NULL: not a sub: row */
    size_t      il;
} check_pending;

/* One rule of a row (of a sub: row, the one for item): its id, severity and
 * schemas now, the rest by rule_build (now, or when a document of one of its
 * schemas comes). */
static bool add_rule(check_rules *rs, const char *const *v, const char *each, const char *item,
                     size_t il, long line, char *err, size_t errsz)
{
    char msg[200];
    msg[0] = 0;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 128;
        rs->r = gx_xrealloc(rs->r, (size_t)rs->cap * sizeof *rs->r);
        rs->pend = gx_xrealloc(rs->pend, (size_t)rs->cap * sizeof *rs->pend);
    }
    check_rule *r = &rs->r[rs->n];
    memset(r, 0, sizeof *r);
    r->line = line;
    r->pending = true;
    check_pending *pd = &rs->pend[rs->n];
    memcpy(pd->v, v, sizeof pd->v);
    pd->item = item;
    pd->il = il;
    /* the texts: fields of the table's lines, in rs->mem */
    r->id = (char *)v[C_RULE];
    r->message = (char *)v[C_MSG];
    r->t_schemas = (char *)v[C_SCHEMAS];
    r->t_dims = (char *)v[C_DIMS];
    r->t_each = (char *)each;
    r->t_when = (char *)v[C_WHEN];
    r->t_eq = (char *)v[C_EQ];
    r->t_tol = (char *)v[C_TOL];
    bool ok = true;

    if (!*r->id) ok = false, snprintf(msg, sizeof msg, "empty rule id");
    const char *s = v[C_SEV];
    if (ok) {
        if (is_lit(s, "error")) r->sev = CHECK_ERROR;
        else if (is_lit(s, "warn")) r->sev = CHECK_WARN;
        else if (is_lit(s, "info")) r->sev = CHECK_INFO;
        else if (is_lit(s, "derive")) r->sev = CHECK_DERIVE;
        else ok = false, snprintf(msg, sizeof msg, "severity \"%.30s\": expected error, warn, info or derive", s);
    }
    if (ok) {
        const char *p = v[C_SCHEMAS];
        if (is_lit(p, "*") || !*p) r->schemas = SCH_ALL;
        while (ok && *p && !is_lit(p, "*")) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            unsigned b = schema_bit_n(p, n);
            if (b == SCH_OTHER) ok = false, snprintf(msg, sizeof msg, "unknown schema \"%.*s\"", cut40(n), p);
            r->schemas |= b;
            p = c ? c + 1 : p + n;
        }
    }
    if (!ok) {
        snprintf(err, errsz, "%s:%ld: %s", rs->name ? rs->name : "rules", line, msg);
        memset(r, 0, sizeof *r);  /* its memory stays in rs->mem */
        return false;
    }
    if (r->sev == CHECK_DERIVE) {
        rs->derive = gx_xrealloc(rs->derive, (size_t)(rs->nderive + 1) * sizeof *rs->derive);
        rs->derive[rs->nderive++] = rs->n;
    }
    rs->n++;
    return true;
}

/* The rest of rule i: dims, each, tolerance, when, equation. */
static bool rule_build(check_rules *rs, int i, char *err, size_t errsz)
{
    check_rule *r = &rs->r[i];
    check_pending *pd = &rs->pend[i];
    const char *v[C_N];
    memcpy(v, pd->v, sizeof v);
    const char *each = r->t_each;
    long line = r->line;
    char msg[200];
    msg[0] = 0;
    r->pending = false;
    if (pd->item) {
        /* a sub: row: $ replaced by the item */
        v[C_EQ] = r->t_eq = (char *)subst(rs, v[C_EQ], pd->item, pd->il);
        v[C_WHEN] = r->t_when = (char *)subst(rs, v[C_WHEN], pd->item, pd->il);
    }
    bool ok = true;
    if (ok) {
        if (is_lit(v[C_DIMS], "A")) r->per_applicant = true;
        else if (!is_lit(v[C_DIMS], "total") && *v[C_DIMS])
            ok = false, snprintf(msg, sizeof msg, "dims \"%.30s\": expected A or total", v[C_DIMS]);
    }
    if (ok && is_lit(each, "pctrow")) r->each = EACH_PCTROW;
    else if (ok && is_lit(each, "pctcell")) r->each = EACH_PCTCELL;
    else if (ok && !is_lit(each, "-") && *each) ok = parse_each(rs, r, each, msg, sizeof msg);
    if (ok) {
        char *end;
        const char *tv = v[C_TOL];
        if (is_lit(tv, "pct")) r->tol_kind = TOL_PCT_SUM, tv = "";
        else if (tv[0] == 'p' && strncmp(tv, "pct+", 4) == 0) r->tol_kind = TOL_PCT_ITEM, tv += 4;
        if (tv[0] == '0' && !tv[1]) r->tol = 0, end = (char *)tv + 1; /* the usual "0", as strtod reads it */
        else r->tol = strtod(tv, &end);
        if (!*tv && r->tol_kind != TOL_PCT_ITEM) r->tol = 0;
        else if (*end || !*tv || r->tol < 0 || r->tol != r->tol || r->tol > 1e15)
            ok = false, snprintf(msg, sizeof msg,
                                 "tolerance \"%.30s\": expected a number >= 0, pct or pct+NUMBER", v[C_TOL]);
    }
    if (ok && !is_lit(v[C_WHEN], "-") && *v[C_WHEN]) {
        char e2[160];
        r->has_when = true;
        if (!expr_parse(v[C_WHEN], &r->when, e2, sizeof e2, &rs->mem, RULES_BLOCK))
            ok = false, snprintf(msg, sizeof msg, "when: %s", e2);
    }
    if (ok) {
        char e2[160];
        if (!expr_parse(v[C_EQ], &r->eq, e2, sizeof e2, &rs->mem, RULES_BLOCK))
            ok = false, snprintf(msg, sizeof msg, "equation: %s", e2);
    }
    if (ok && r->sev == CHECK_DERIVE) {
        if (r->eq.n != 1 || r->eq.rel[0].op != OP_EQ || r->eq.rel[0].side[0].n != 1 ||
            r->eq.rel[0].side[0].t[0].kind != TK_REF || r->eq.rel[0].side[0].t[0].coef != 1 ||
            r->eq.rel[0].side[0].t[0].dim)
            ok = false, snprintf(msg, sizeof msg, "a derive rule must read ID = SUM");
    }
    if (ok && r->each == EACH_NONE) {
        /* '$' makes sense only with each */
        if (strchr(v[C_EQ], '$') || strchr(v[C_WHEN], '$'))
            ok = false, snprintf(msg, sizeof msg, "$ used without an each column");
    }
    if (!ok) {
        snprintf(err, errsz, "%s:%ld: %s", rs->name ? rs->name : "rules", line, msg);
        memset(r, 0, sizeof *r);  /* its memory stays in rs->mem */
        return false;
    }
    rule_prepare(rs, r);
    if (r->sev == CHECK_DERIVE) rs->derive_pct |= r->eq.rel[0].side[1].pct_total;
    return true;
}

bool check_rules_build(check_rules *rs, unsigned schemas, char *err, size_t errsz)
{
    if ((rs->built & schemas) == schemas) return true;
    for (int i = 0; i < rs->n; i++)
        if (rs->r[i].pending && (rs->r[i].schemas & schemas) && !rule_build(rs, i, err, errsz)) return false;
    rs->built |= schemas;
    return true;
}

static bool rules_parse(check_rules *rs, const char *text, size_t len, const char *name,
                        char *err, size_t errsz, bool lazy)
{
    memset(rs, 0, sizeof *rs);
    rs->name = gx_xstrdup(name ? name : "rules");
    const char *p = text, *end = text + len;
    long lineno = 0;
    int map[C_N];
    bool have_header = false;
    bool ok = true;
    gx_record rec = {0};
    size_t n;
    /* the lines of gx_table_line (a CR before the LF dropped; empty and
     * comment lines skipped), each copied into rs->mem to be split there:
     * the rules point into them */
    while (ok && p < end) {
        const char *s = p, *nl = memchr(s, '\n', (size_t)(end - s));
        n = (size_t)((nl ? nl : end) - s);
        p = nl ? nl + 1 : end;
        lineno++;
        if (n && s[n - 1] == '\r') n--;
        if (n == 0 || s[0] == '#') continue;
        char *line = mem_alloc(&rs->mem, n + 1, RULES_BLOCK);
        memcpy(line, s, n);
        line[n] = 0;
        if (memchr(line, 0, n)) {
            snprintf(err, errsz, "%s:%ld: NUL byte in the rules table", rs->name, lineno);
            ok = false;
            break;
        }
        int nf = gx_tsv_split(&rec, line, n);
        if (!have_header) {
            for (int c = 0; c < C_N; c++) map[c] = col_of(rec.f, nf, col_names[c]);
            if (map[C_RULE] < 0 || map[C_SEV] < 0 || map[C_EQ] < 0) {
                snprintf(err, errsz, "%s:%ld: header must name the columns rule, severity and equation",
                         rs->name, lineno);
                ok = false;
                break;
            }
            have_header = true;
            continue;
        }
        const char *v[C_N];
        static const char *const dflt[C_N] = {"", "", "*", "total", "-", "-", "", "0", ""};
        for (int c = 0; c < C_N; c++)
            v[c] = (map[c] >= 0 && map[c] < nf) ? rec.f[map[c]] : dflt[c];
        const char *each = v[C_EACH];
        if (strncmp(each, "sub:", 4) == 0) {
            const char *q = each + 4;
            if (!*q) {
                snprintf(err, errsz, "%s:%ld: each: empty sub: list", rs->name, lineno);
                ok = false;
                break;
            }
            while (ok && *q) {
                const char *c = strchr(q, ',');
                size_t il = c ? (size_t)(c - q) : strlen(q);
                ok = add_rule(rs, v, "-", q, il, lineno, err, errsz) &&
                     (lazy || rule_build(rs, rs->n - 1, err, errsz));
                q = c ? c + 1 : q + il;
            }
        } else {
            ok = add_rule(rs, v, each, NULL, 0, lineno, err, errsz) &&
                 (lazy || rule_build(rs, rs->n - 1, err, errsz));
        }
    }
    if (ok && !have_header) {
        snprintf(err, errsz, "%s: no header line", rs->name);
        ok = false;
    }
    gx_record_free(&rec);
    if (!lazy) rs->built = SCH_ALL;
    return ok;
}

bool check_rules_parse(check_rules *rs, const char *text, size_t len, const char *name,
                       char *err, size_t errsz)
{
    return rules_parse(rs, text, len, name, err, errsz, false);
}

bool check_rules_parse_lazy(check_rules *rs, const char *text, size_t len, const char *name,
                            char *err, size_t errsz)
{
    return rules_parse(rs, text, len, name, err, errsz, true);
}

void check_rules_list(const check_rules *rs, bool header)
{
    static const char *const cols[] = {"rule", "severity", "schemas", "dims", "each",
                                       "when", "equation", "tolerance", "message"};
    if (header) gx_out_header(cols, 9);
    for (int i = 0; i < rs->n; i++) {
        const check_rule *r = &rs->r[i];
        const char *f[9] = {r->id, check_sev_name(r->sev), r->t_schemas, r->t_dims, r->t_each,
                            r->t_when, r->t_eq, r->t_tol, r->message};
        for (int c = 0; c < 9; c++) {
            if (c) gx_outc('\t');
            gx_out_fields(f[c]);
        }
        gx_outc('\n');
    }
}

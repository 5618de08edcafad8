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

/* ---- the equation parser ------------------------------------------------ */

typedef struct lexer {
    const char *s, *p;
    char       *err;
    size_t      errsz;
    bool        failed;
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

static bool is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '*' || c == '$';
}

/* Reads a word into a new string, or NULL. */
static char *lex_word(lexer *lx)
{
    lex_space(lx);
    const char *b = lx->p;
    while (is_word_char((unsigned char)*lx->p)) lx->p++;
    if (lx->p == b) return NULL;
    size_t n = (size_t)(lx->p - b);
    char *w = gx_xmalloc(n + 1);
    memcpy(w, b, n);
    w[n] = 0;
    return w;
}

static bool lex_eat(lexer *lx, const char *tok)
{
    lex_space(lx);
    size_t n = strlen(tok);
    if (strncmp(lx->p, tok, n) == 0) {
        lx->p += n;
        return true;
    }
    return false;
}

static int lex_op(lexer *lx)
{
    lex_space(lx);
    if (lex_eat(lx, "<=") || lex_eat(lx, "\xe2\x89\xa4")) return OP_LE;
    if (lex_eat(lx, ">=") || lex_eat(lx, "\xe2\x89\xa5")) return OP_GE;
    if (lex_eat(lx, "==") || lex_eat(lx, "=")) return OP_EQ;
    if (lex_eat(lx, "<")) return OP_LT;
    if (lex_eat(lx, ">")) return OP_GT;
    return -1;
}

static bool valid_id(const char *w)
{
    if (!*w) return false;
    for (const char *q = w; *q; q++)
        if (isupper((unsigned char)*q)) return false;
    return true;
}

static void term_free(check_term *t)
{
    free(t->id);
    free(t->dim);
    free(t->name);
    if (t->arg) {
        term_free(t->arg);
        free(t->arg);
    }
    memset(t, 0, sizeof *t);
}

static bool parse_ref(lexer *lx, check_term *t, char *first)
{
    /* first: a word already read (may be a source prefix) */
    t->kind = TK_REF;
    t->src = SRC_TABLE;
    lex_space(lx);
    if (*lx->p == ':') {
        lx->p++;
        if (strcmp(first, "narr") == 0 || strcmp(first, "narrative") == 0) t->src = SRC_NARR;
        else if (strcmp(first, "prev") == 0) t->src = SRC_PREV;
        else if (strcmp(first, "derived") == 0) t->src = SRC_DERIVED;
        else if (strcmp(first, "table") == 0) t->src = SRC_TABLE;
        else {
            free(first);
            return lex_fail(lx, "unknown source prefix (narr, prev, derived, table)");
        }
        free(first);
        first = lex_word(lx);
        if (!first) return lex_fail(lx, "expected an indicator id after the source prefix");
    }
    if (!valid_id(first) || strchr(first, '*')) {
        free(first);
        return lex_fail(lx, "bad indicator id");
    }
    t->id = first;
    t->hid = check_hash(first);
    if (lex_eat(lx, "[")) {
        t->dim = lex_word(lx);
        if (!t->dim || !valid_id(t->dim)) return lex_fail(lx, "expected a dimension inside [ ]");
        if (!lex_eat(lx, "]")) return lex_fail(lx, "expected ]");
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
    char *w = lex_word(lx);
    if (!w) return lex_fail(lx, "expected a term");
    lex_space(lx);
    if (*lx->p == '(') {
        lx->p++;
        size_t i;
        for (i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
            if (strcmp(funcs[i].name, w) == 0) break;
        free(w);
        if (i == sizeof funcs / sizeof funcs[0]) return lex_fail(lx, "unknown function");
        t->kind = TK_FUNC;
        t->fn = funcs[i].fn;
        if (funcs[i].nargs >= 1) {
            char *a = lex_word(lx);
            if (!a) return lex_fail(lx, "expected an indicator as the argument");
            t->arg = gx_xcalloc(1, sizeof *t->arg);
            t->arg->coef = 1;
            if (!parse_ref(lx, t->arg, a)) return false;
        }
        if (funcs[i].nargs == 2) {
            if (!lex_eat(lx, ",")) return lex_fail(lx, "expected , and a flag name");
            t->name = lex_word(lx);
            if (!t->name) return lex_fail(lx, "expected a flag name");
        }
        if (!lex_eat(lx, ")")) return lex_fail(lx, "expected )");
        return true;
    }
    return parse_ref(lx, t, w);
}

static bool parse_sum(lexer *lx, check_sum *s)
{
    int coef = 1;
    if (lex_eat(lx, "-")) coef = -1;
    int cap = 0;
    for (;;) {
        if (s->n == cap) {
            cap = cap ? cap * 2 : 8;
            s->t = gx_xrealloc(s->t, (size_t)cap * sizeof *s->t);
        }
        check_term *t = &s->t[s->n++];
        memset(t, 0, sizeof *t);
        t->coef = coef;
        if (!parse_term(lx, t)) return false;
        if (s->n > 256) return lex_fail(lx, "too many terms");
        if (lex_eat(lx, "+")) coef = 1;
        else {
            lex_space(lx);
            /* a '-' here is subtraction, unless it starts "->" (not ours) */
            if (*lx->p == '-') {
                lx->p++;
                coef = -1;
            } else break;
        }
    }
    return true;
}

static void sum_free(check_sum *s)
{
    for (int i = 0; i < s->n; i++) term_free(&s->t[i]);
    free(s->t);
    s->t = NULL;
    s->n = 0;
}

void check_expr_free(check_expr *e)
{
    for (int i = 0; i < e->n; i++) {
        sum_free(&e->rel[i].side[0]);
        sum_free(&e->rel[i].side[1]);
    }
    free(e->rel);
    e->rel = NULL;
    e->n = 0;
}

bool check_expr_parse(const char *s, check_expr *e, char *err, size_t errsz)
{
    lexer lx = {s, s, err, errsz, false};
    memset(e, 0, sizeof *e);
    for (;;) {
        if (e->n >= 16) return lex_fail(&lx, "too many alternatives");
        e->rel = gx_xrealloc(e->rel, (size_t)(e->n + 1) * sizeof *e->rel);
        check_rel *r = &e->rel[e->n++];
        memset(r, 0, sizeof *r);
        if (!parse_sum(&lx, &r->side[0])) return false;
        r->op = lex_op(&lx);
        if (r->op < 0) return lex_fail(&lx, "expected = <= >= < or >");
        if (!parse_sum(&lx, &r->side[1])) return false;
        if (lex_eat(&lx, "||")) continue;
        lex_space(&lx);
        if (*lx.p) return lex_fail(&lx, "unexpected text");
        return true;
    }
}

/* ---- the table ------------------------------------------------------------ */

static char *dup_n(const char *s, size_t n)
{
    char *d = gx_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* s with every '$' replaced by rep. */
static char *subst(const char *s, const char *rep)
{
    gx_buf b;
    gx_buf_init(&b);
    for (const char *p = s; *p; p++) {
        if (*p == '$') gx_buf_adds(&b, rep);
        else gx_buf_addc(&b, *p);
    }
    gx_buf_addc(&b, 0);
    return b.data;
}

static void rule_free(check_rule *r)
{
    free(r->id);               /* and message, t_* */
    for (int i = 0; i < r->nglob; i++) free(r->glob[i]);
    free(r->glob);
    free(r->f_unit);
    free(r->f_unit_not);
    free(r->f_source);
    free(r->f_state);
    free(r->f_flag);
    if (r->has_when) check_expr_free(&r->when);
    check_expr_free(&r->eq);
    memset(r, 0, sizeof *r);
}

void check_rules_free(check_rules *rs)
{
    for (int i = 0; i < rs->n; i++) rule_free(&rs->r[i]);
    free(rs->derive);
    free(rs->r);
    free(rs->name);
    memset(rs, 0, sizeof *rs);
}

/* "|a|b|" from "a|b" */
static char *bar_list(const char *s)
{
    gx_buf b;
    gx_buf_init(&b);
    gx_buf_addc(&b, '|');
    gx_buf_adds(&b, s);
    gx_buf_addc(&b, '|');
    gx_buf_addc(&b, 0);
    return b.data;
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

static bool parse_each(check_rule *r, const char *each, char *err, size_t errsz)
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
    while (p < gend) {
        const char *c = memchr(p, ',', (size_t)(gend - p));
        const char *e = c ? c : gend;
        if (e > p) {
            r->glob = gx_xrealloc(r->glob, (size_t)(r->nglob + 1) * sizeof *r->glob);
            r->glob[r->nglob++] = dup_n(p, (size_t)(e - p));
        }
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
        char *clause = dup_n(f, fl);
        char **slot = NULL;
        const char *val = NULL;
        if (strncmp(clause, "unit!=", 6) == 0) slot = &r->f_unit_not, val = clause + 6;
        else if (strncmp(clause, "unit=", 5) == 0) slot = &r->f_unit, val = clause + 5;
        else if (strncmp(clause, "source=", 7) == 0) slot = &r->f_source, val = clause + 7;
        else if (strncmp(clause, "state=", 6) == 0) slot = &r->f_state, val = clause + 6;
        else if (strncmp(clause, "flag=", 5) == 0) slot = &r->f_flag, val = clause + 5;
        if (!slot || r->each != EACH_FACT) {
            snprintf(err, errsz, "each: unknown filter \"%.40s\" (unit=, unit!=, source=, state=, flag= after fact:)",
                     clause);
            free(clause);
            return false;
        }
        free(*slot);
        *slot = bar_list(val);
        if (slot == &r->f_source) r->f_src_mask = list_mask(*slot, check_src_names, 4);
        if (slot == &r->f_state) r->f_state_mask = list_mask(*slot, check_state_names, 4);
        free(clause);
    }
    return true;
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

/* One rule from its fields (sub: already expanded). */
static bool add_rule(check_rules *rs, const char *const *v, const char *each, long line,
                     char *err, size_t errsz)
{
    char msg[200] = "";
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->r = gx_xrealloc(rs->r, (size_t)rs->cap * sizeof *rs->r);
    }
    check_rule *r = &rs->r[rs->n];
    memset(r, 0, sizeof *r);
    r->line = line;
    /* the texts kept, in one block (a process may parse the rules for one
     * small report only) */
    const char *src[8] = {v[C_RULE], v[C_MSG], v[C_SCHEMAS], v[C_DIMS], each, v[C_WHEN], v[C_EQ], v[C_TOL]};
    char **dst[8] = {&r->id, &r->message, &r->t_schemas, &r->t_dims, &r->t_each, &r->t_when, &r->t_eq, &r->t_tol};
    size_t len[8], total = 0;
    for (int i = 0; i < 8; i++) total += (len[i] = strlen(src[i])) + 1;
    char *blk = gx_xmalloc(total);
    for (int i = 0; i < 8; i++) {
        memcpy(blk, src[i], len[i] + 1);
        *dst[i] = blk;
        blk += len[i] + 1;
    }
    bool ok = true;

    if (!*r->id) ok = false, snprintf(msg, sizeof msg, "empty rule id");
    const char *s = v[C_SEV];
    if (ok) {
        if (strcmp(s, "error") == 0) r->sev = CHECK_ERROR;
        else if (strcmp(s, "warn") == 0) r->sev = CHECK_WARN;
        else if (strcmp(s, "info") == 0) r->sev = CHECK_INFO;
        else if (strcmp(s, "derive") == 0) r->sev = CHECK_DERIVE;
        else ok = false, snprintf(msg, sizeof msg, "severity \"%.30s\": expected error, warn, info or derive", s);
    }
    if (ok) {
        const char *p = v[C_SCHEMAS];
        if (strcmp(p, "*") == 0 || !*p) r->schemas = SCH_ALL;
        while (ok && *p && strcmp(p, "*") != 0) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            char *one = dup_n(p, n);
            unsigned b = check_schema_bit(one);
            if (b == SCH_OTHER) ok = false, snprintf(msg, sizeof msg, "unknown schema \"%.40s\"", one);
            r->schemas |= b;
            free(one);
            p = c ? c + 1 : p + n;
        }
    }
    if (ok) {
        if (strcmp(v[C_DIMS], "A") == 0) r->per_applicant = true;
        else if (strcmp(v[C_DIMS], "total") != 0 && *v[C_DIMS])
            ok = false, snprintf(msg, sizeof msg, "dims \"%.30s\": expected A or total", v[C_DIMS]);
    }
    if (ok && strcmp(each, "pctrow") == 0) r->each = EACH_PCTROW;
    else if (ok && strcmp(each, "pctcell") == 0) r->each = EACH_PCTCELL;
    else if (ok && strcmp(each, "-") != 0 && *each) ok = parse_each(r, each, msg, sizeof msg);
    if (ok) {
        char *end;
        const char *tv = v[C_TOL];
        if (strcmp(tv, "pct") == 0) r->tol_kind = TOL_PCT_SUM, tv = "";
        else if (strncmp(tv, "pct+", 4) == 0) r->tol_kind = TOL_PCT_ITEM, tv += 4;
        r->tol = strtod(tv, &end);
        if (!*tv && r->tol_kind != TOL_PCT_ITEM) r->tol = 0;
        else if (*end || !*tv || r->tol < 0 || r->tol != r->tol || r->tol > 1e15)
            ok = false, snprintf(msg, sizeof msg,
                                 "tolerance \"%.30s\": expected a number >= 0, pct or pct+NUMBER", v[C_TOL]);
    }
    if (ok && strcmp(v[C_WHEN], "-") != 0 && *v[C_WHEN]) {
        char e2[160];
        r->has_when = true;
        if (!check_expr_parse(v[C_WHEN], &r->when, e2, sizeof e2))
            ok = false, snprintf(msg, sizeof msg, "when: %s", e2);
    }
    if (ok) {
        char e2[160];
        if (!check_expr_parse(v[C_EQ], &r->eq, e2, sizeof e2))
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
        rule_free(r);
        return false;
    }
    if (r->sev == CHECK_DERIVE) {
        rs->derive = gx_xrealloc(rs->derive, (size_t)(rs->nderive + 1) * sizeof *rs->derive);
        rs->derive[rs->nderive++] = rs->n;
    }
    rs->n++;
    return true;
}

bool check_rules_parse(check_rules *rs, const char *text, size_t len, const char *name,
                       char *err, size_t errsz)
{
    memset(rs, 0, sizeof *rs);
    rs->name = gx_xstrdup(name ? name : "rules");
    char *copy = gx_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    char *p = copy, *end = copy + len;
    long lineno = 0;
    int map[C_N];
    bool have_header = false;
    bool ok = true;
    gx_record rec = {0};
    char *line;
    size_t n;
    while (ok && gx_table_line(&p, end, &line, &n, &lineno)) {
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
                char *item = dup_n(q, il);
                char *eq = subst(v[C_EQ], item);
                char *wh = subst(v[C_WHEN], item);
                const char *v2[C_N];
                memcpy(v2, v, sizeof v2);
                v2[C_EQ] = eq;
                v2[C_WHEN] = wh;
                ok = add_rule(rs, v2, "-", lineno, err, errsz);
                free(eq);
                free(wh);
                free(item);
                q = c ? c + 1 : q + il;
            }
        } else {
            ok = add_rule(rs, v, each, lineno, err, errsz);
        }
    }
    if (ok && !have_header) {
        snprintf(err, errsz, "%s: no header line", rs->name);
        ok = false;
    }
    gx_record_free(&rec);
    free(copy);
    return ok;
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

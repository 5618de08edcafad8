/* tables_know.c - the knowledge tables of gx-tables (share/gx/tables_*.tsv)
 * and the cell classifier built on them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"
#include "text.h"

typedef struct tb_re {
    pcre2_code *re;
    int         kind;   /* class (values), rank (numbering) */
    int         num;    /* group number of "num" (numbering) */
} tb_re;

typedef struct tb_tmpl {
    char *kw;
    int   cols;
} tb_tmpl;

struct tb_know {
    tb_re   *val;  int nval;
    tb_re   *num;  int nnum;
    tb_re   *foot; int nfoot;
    tb_tmpl *tmpl; int ntmpl;
    char   **labels; int nlabels;
    pcre2_match_data *md;
    gx_buf   scratch, scratch2;
};

static pcre2_code *compile(const char *table, long row, const char *pat, uint32_t extra)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | extra, &err, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        gx_die(GX_EXIT_ERROR, "%s: row %ld: bad pattern at offset %zu: %s", table, row,
               (size_t)off, (char *)msg);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
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
    tb_pad(&k->scratch2);
    const char *p = k->scratch2.data;
    size_t len = k->scratch2.len;
    long num; int rank; size_t end;
    if (tb_numbering(k, p, len, &num, &rank, &end) >= 0) { p += end; len -= end; }
    static const char qz[] = "其中:";
    if (len >= sizeof qz - 1 && memcmp(p, qz, sizeof qz - 1) == 0) {
        p += sizeof qz - 1; len -= sizeof qz - 1;
    }
    gx_buf_reset(&k->scratch);
    gx_buf_add(&k->scratch, p, len);
    gx_buf_addc(&k->scratch, 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

tb_know *tb_know_load(void)
{
    tb_know *k = gx_xcalloc(1, sizeof *k);
    gx_buf_init(&k->scratch);
    gx_buf_init(&k->scratch2);
    gx_table t;

    gx_table_load(&t, "tables_values.tsv", NULL);
    int ck = need_col(&t, "kind"), cp = need_col(&t, "pattern");
    k->val = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->val);
    for (int i = 0; i < t.nrows; i++) {
        k->val[i].kind = class_of(t.name, i + 1, t.rows[i][ck]);
        k->val[i].re = compile(t.name, i + 1, t.rows[i][cp], PCRE2_ANCHORED | PCRE2_ENDANCHORED);
    }
    k->nval = t.nrows;
    gx_table_free(&t);

    gx_table_load(&t, "tables_numbering.tsv", NULL);
    int cr = need_col(&t, "rank");
    cp = need_col(&t, "pattern");
    k->num = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->num);
    for (int i = 0; i < t.nrows; i++) {
        k->num[i].kind = atoi(t.rows[i][cr]);
        k->num[i].re = compile(t.name, i + 1, t.rows[i][cp], 0);
        int g = pcre2_substring_number_from_name(k->num[i].re, (PCRE2_SPTR) "num");
        k->num[i].num = g > 0 ? g : 0;
    }
    k->nnum = t.nrows;
    gx_table_free(&t);

    gx_table_load(&t, "tables_footer.tsv", NULL);
    cp = need_col(&t, "pattern");
    k->foot = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->foot);
    for (int i = 0; i < t.nrows; i++)
        k->foot[i].re = compile(t.name, i + 1, t.rows[i][cp], PCRE2_ANCHORED | PCRE2_ENDANCHORED);
    k->nfoot = t.nrows;
    gx_table_free(&t);

    k->md = pcre2_match_data_create(16, NULL);

    gx_table_load(&t, "tables_templates.tsv", NULL);
    int ckw = need_col(&t, "keyword"), cc = need_col(&t, "columns");
    k->tmpl = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->tmpl);
    for (int i = 0; i < t.nrows; i++) {
        gx_norm_match(t.rows[i][ckw], strlen(t.rows[i][ckw]), &k->scratch);
        k->tmpl[i].kw = gx_xstrdup(k->scratch.len ? k->scratch.data : "");
        k->tmpl[i].cols = atoi(t.rows[i][cc]);
        if (k->tmpl[i].cols <= 0)
            gx_die(GX_EXIT_ERROR, "%s: row %d: columns must be a positive number", t.name, i + 1);
    }
    k->ntmpl = t.nrows;
    gx_table_free(&t);

    gx_table_load(&t, "tables_labels.tsv", NULL);
    int cl = need_col(&t, "label");
    k->labels = gx_xcalloc((size_t)t.nrows + 1, sizeof *k->labels);
    for (int i = 0; i < t.nrows; i++) {
        label_key(k, t.rows[i][cl], strlen(t.rows[i][cl]));
        k->labels[i] = gx_xstrdup(k->scratch.data);
    }
    k->nlabels = t.nrows;
    qsort(k->labels, (size_t)k->nlabels, sizeof *k->labels, cmp_str);
    gx_table_free(&t);
    return k;
}

void tb_know_free(tb_know *k)
{
    if (!k) return;
    for (int i = 0; i < k->nval; i++) pcre2_code_free(k->val[i].re);
    for (int i = 0; i < k->nnum; i++) pcre2_code_free(k->num[i].re);
    for (int i = 0; i < k->nfoot; i++) pcre2_code_free(k->foot[i].re);
    for (int i = 0; i < k->ntmpl; i++) free(k->tmpl[i].kw);
    for (int i = 0; i < k->nlabels; i++) free(k->labels[i]);
    free(k->val); free(k->num); free(k->foot); free(k->tmpl); free(k->labels);
    pcre2_match_data_free(k->md);
    gx_buf_free(&k->scratch);
    gx_buf_free(&k->scratch2);
    free(k);
}

static bool match(const tb_know *k, pcre2_code *re, const char *s, size_t n)
{
    return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, k->md, NULL) >= 0;
}

int tb_classify(const tb_know *k, const char *s, size_t n)
{
    s = gx_trim(s, &n);
    if (n == 0) return TB_EMPTY;
    for (int i = 0; i < k->nval; i++)
        if (match(k, k->val[i].re, s, n)) return k->val[i].kind;
    return TB_TEXT;
}

static long circled(const char *s, size_t n)
{
    int32_t cp;
    if (gx_utf8_next(s, n, &cp) > 0 && cp >= 0x2460 && cp <= 0x2473) return cp - 0x2460 + 1;
    return -1;
}

static long digits(const char *s, size_t n)
{
    long v = 0;
    bool any = false;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int l = gx_utf8_next(s + i, n - i, &cp);
        if (cp >= '0' && cp <= '9') v = v * 10 + (cp - '0');
        else if (cp >= 0xFF10 && cp <= 0xFF19) v = v * 10 + (cp - 0xFF10);
        else return -1;
        any = true;
        i += (size_t)l;
    }
    return any ? v : -1;
}

int tb_numbering(const tb_know *k, const char *s, size_t n, long *num, int *rank, size_t *end)
{
    for (int i = 0; i < k->nnum; i++) {
        if (pcre2_match(k->num[i].re, (PCRE2_SPTR)s, n, 0, 0, k->md, NULL) < 0) continue;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(k->md);
        *end = ov[1];
        *rank = k->num[i].kind;
        *num = -1;
        if (k->num[i].num > 0) {
            size_t a = ov[2 * k->num[i].num], b = ov[2 * k->num[i].num + 1];
            if (a != PCRE2_UNSET && b > a) {
                long v = digits(s + a, b - a);
                if (v < 0) v = circled(s + a, b - a);
                if (v < 0) v = gx_cjk_number(s + a, b - a);
                *num = v;
            }
        }
        return i;
    }
    return -1;
}

bool tb_known_label(const tb_know *k, const char *s, size_t n)
{
    tb_know *m = (tb_know *)k;   /* scratch buffers only */
    label_key(m, s, n);
    const char *key = m->scratch.data;
    return bsearch(&key, k->labels, (size_t)k->nlabels, sizeof *k->labels, cmp_str) != NULL;
}

int tb_template_columns(const tb_know *k, const char *h, size_t n)
{
    for (int i = 0; i < k->ntmpl; i++) {
        const char *kw = k->tmpl[i].kw;
        size_t kl = strlen(kw);
        if (!kl || kl > n) continue;
        for (size_t j = 0; j + kl <= n; j++)
            if (memcmp(h + j, kw, kl) == 0) return k->tmpl[i].cols;
    }
    return 0;
}

bool tb_footer(const tb_know *k, const char *s, size_t n)
{
    s = gx_trim(s, &n);
    if (n == 0) return false;
    for (int i = 0; i < k->nfoot; i++)
        if (match(k, k->foot[i].re, s, n)) return true;
    return false;
}

/* normalize_value.c - the printed value of a cell: number, blank,
 * placeholder or words (spec schema.md §0, §8.2 A-BLANK A-NA A-DELTA
 * A-UNITCELL). Words and units come from share/gx/normalize_values.tsv and
 * normalize_units.tsv. */
#include "normalize.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

const char *const nz_state_names[] = {"empty", "number", "na", "text"};

/* ---- knowledge, loaded on first use ------------------------------------- */

typedef struct word { char *w; size_t n; int state; char sign; char *value; } word;

static struct {
    bool    loaded;
    word   *words;  int nwords;   /* normalised, longest first */
    char  **units;  size_t *ulen; int nunits; /* longest first */
    gx_table tv, tu, tw;
    gx_buf  store;
    nz_words words_of_roles;
} K;

static char *keep(const char *s, size_t n)
{
    char *p = gx_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static int by_len_desc_word(const void *a, const void *b)
{
    const word *x = a, *y = b;
    return (x->n < y->n) - (x->n > y->n);
}

static void load(void)
{
    if (K.loaded) return;
    K.loaded = true;
    gx_buf nb;
    gx_buf_init(&nb);

    gx_table_load(&K.tv, "normalize_values.tsv", NULL);
    int cw = gx_table_col(&K.tv, "word"), cs = gx_table_col(&K.tv, "state"),
        cv = gx_table_col(&K.tv, "value");
    if (cw < 0 || cs < 0 || cv < 0)
        gx_die(GX_EXIT_ERROR, "normalize_values.tsv: needs columns word, state, value");
    K.words = gx_xcalloc((size_t)K.tv.nrows + 1, sizeof *K.words);
    for (int i = 0; i < K.tv.nrows; i++) {
        char **r = K.tv.rows[i];
        gx_norm_match(r[cw], strlen(r[cw]), &nb);
        word *w = &K.words[K.nwords++];
        w->w = keep(nb.data ? nb.data : "", nb.len);
        w->n = nb.len;
        w->value = r[cv];
        w->sign = 0;
        if (strcmp(r[cs], "na") == 0) w->state = NZ_NA;
        else if (strcmp(r[cs], "number") == 0) w->state = NZ_NUMBER;
        else if (strcmp(r[cs], "sign") == 0) { w->state = -1; w->sign = r[cv][0]; }
        else gx_die(GX_EXIT_ERROR, "normalize_values.tsv: row %d: unknown state %s", i + 1, r[cs]);
    }
    qsort(K.words, (size_t)K.nwords, sizeof *K.words, by_len_desc_word);

    gx_table_load(&K.tu, "normalize_units.tsv", NULL);
    int cu = gx_table_col(&K.tu, "unit");
    if (cu < 0) gx_die(GX_EXIT_ERROR, "normalize_units.tsv: needs column unit");
    K.units = gx_xcalloc((size_t)K.tu.nrows + 1, sizeof *K.units);
    K.ulen = gx_xcalloc((size_t)K.tu.nrows + 1, sizeof *K.ulen);
    for (int i = 0; i < K.tu.nrows; i++) {
        gx_norm_match(K.tu.rows[i][cu], strlen(K.tu.rows[i][cu]), &nb);
        if (!nb.len) continue;
        K.units[K.nunits] = keep(nb.data, nb.len);
        K.ulen[K.nunits++] = nb.len;
    }
    gx_table_load(&K.tw, "normalize_words.tsv", NULL);
    int ww = gx_table_col(&K.tw, "word"), wr = gx_table_col(&K.tw, "role"), wv = gx_table_col(&K.tw, "value");
    if (ww < 0 || wr < 0 || wv < 0) gx_die(GX_EXIT_ERROR, "normalize_words.tsv: needs columns word, role, value");
    for (int i = 0; i < K.tw.nrows; i++) {
        char **r = K.tw.rows[i];
        nz_words *W = &K.words_of_roles;
        gx_norm_match(r[ww], strlen(r[ww]), &nb);
        char *w = keep(nb.data ? nb.data : "", nb.len);
        if (strcmp(r[wr], "breakdown") == 0) W->breakdown = w, W->breakdown_n = nb.len;
        else if (strcmp(r[wr], "label_unit") == 0) W->label_unit = w, W->label_unit_n = nb.len;
        else if (strcmp(r[wr], "multiplier") == 0) {
            char *e;
            W->multiplier = w, W->multiplier_n = nb.len;
            W->multiplier_value = strtod(r[wv], &e);
            if (*e || !(W->multiplier_value > 0))
                gx_die(GX_EXIT_ERROR, "normalize_words.tsv: row %d: a multiplier needs a number > 0", i + 1);
        } else {
            gx_die(GX_EXIT_ERROR, "normalize_words.tsv: row %d: unknown role %s", i + 1, r[wr]);
        }
    }
    /* longest first: insertion sort, the table is small */
    for (int i = 1; i < K.nunits; i++)
        for (int j = i; j > 0 && K.ulen[j] > K.ulen[j - 1]; j--) {
            char *t = K.units[j]; K.units[j] = K.units[j - 1]; K.units[j - 1] = t;
            size_t l = K.ulen[j]; K.ulen[j] = K.ulen[j - 1]; K.ulen[j - 1] = l;
        }
    gx_buf_free(&nb);
}

const nz_words *nz_words_get(void)
{
    load();
    return &K.words_of_roles;
}

size_t nz_unit_prefix(const char *s, size_t n)
{
    load();
    for (int i = 0; i < K.nunits; i++)
        if (K.ulen[i] <= n && memcmp(s, K.units[i], K.ulen[i]) == 0) return K.ulen[i];
    return 0;
}

static bool is_unit(const char *s, size_t n)
{
    static gx_buf b;
    gx_norm_match(s, n, &b);
    return b.len && nz_unit_prefix(b.data, b.len) == b.len;
}

/* The same cell texts and row heads are asked about again and again. */
bool nz_is_unit(const char *s, size_t n)
{
    static nz_memo m;
    size_t vn = 0, at = 0;
    uint64_t h = 0;
    const char *hit = nz_memo_get(&m, s, n, 0, &vn, &h, &at);
    if (hit) return hit[0];
    char r = is_unit(s, n);
    nz_memo_put(&m, s, n, 0, h, at, &r, 1);
    return r;
}

static void copy_trunc(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap) {
        n = cap - 1;
        /* do not cut a UTF-8 sequence */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    memcpy(dst, s, n);
    dst[n] = 0;
}

static void value_parse(const char *s, size_t n, nz_value *v);

/* Cell texts repeat (0, 1, -, the same figures in every report of a
 * template): parsed values are remembered by text. */
void nz_value_parse(const char *s, size_t n, nz_value *v)
{
    static nz_memo m;
    size_t vn = 0, at = 0;
    uint64_t h = 0;
    const char *hit = nz_memo_get(&m, s, n, 0, &vn, &h, &at);
    if (hit && vn == sizeof *v) { memcpy(v, hit, sizeof *v); return; }
    value_parse(s, n, v);
    nz_memo_put(&m, s, n, 0, h, at, (const char *)v, sizeof *v);
}

static void value_parse(const char *s, size_t n, nz_value *v)
{
    static gx_buf b;
    load();
    memset(v, 0, sizeof *v);
    gx_norm_match(s, n, &b);
    const char *p = b.data ? b.data : "";
    size_t len = b.len;
    if (len == 0) { v->state = NZ_EMPTY; return; }

    /* whole-cell words: placeholders and number words */
    for (int i = 0; i < K.nwords; i++) {
        const word *w = &K.words[i];
        if (w->state < 0 || w->n != len || memcmp(p, w->w, len) != 0) continue;
        if (w->state == NZ_NA) { v->state = NZ_NA; return; }
        v->state = NZ_NUMBER;
        copy_trunc(v->num, sizeof v->num, w->value, strlen(w->value));
        v->flags |= NZ_VF_ZEROWORD;
        return;
    }

    size_t i = 0;
    char sign = 0;
    for (int k = 0; k < K.nwords; k++) {
        const word *w = &K.words[k];
        if (w->state >= 0 || w->n == 0 || w->n >= len) continue;
        if (memcmp(p, w->w, w->n) == 0 && p[w->n] >= '0' && p[w->n] <= '9') {
            sign = w->sign;
            if ((unsigned char)w->w[0] >= 0x80) v->flags |= NZ_VF_SIGNWORD;
            i = w->n;
            break;
        }
    }
    /* digits with thousands separators, optional decimals */
    char num[64];
    size_t k = 0;
    bool digits = false;
    if (sign == '-') num[k++] = '-';
    size_t start = i;
    while (i < len && k < sizeof num - 2) {
        char c = p[i];
        if (c >= '0' && c <= '9') { num[k++] = c; digits = true; i++; }
        else if (c == ',' && digits && i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '9') {
            v->flags |= NZ_VF_SEP; i++;
        } else break;
    }
    if (digits && i + 1 < len && p[i] == '.' && p[i + 1] >= '0' && p[i + 1] <= '9') {
        num[k++] = p[i++];
        while (i < len && k < sizeof num - 1 && p[i] >= '0' && p[i] <= '9') num[k++] = p[i++];
    }
    num[k] = 0;
    if (!digits || i == start) goto text;
    /* drop leading zeros of the integer part ("007" -> "7", keep "0.5") */
    {
        char *d = num + (num[0] == '-');
        while (d[0] == '0' && d[1] >= '0' && d[1] <= '9') memmove(d, d + 1, strlen(d));
        if (strcmp(num, "-0") == 0) strcpy(num, "0");
    }
    /* a unit, then a note in parentheses, then nothing */
    size_t u = nz_unit_prefix(p + i, len - i);
    if (u) {
        copy_trunc(v->unit, sizeof v->unit, p + i, u);
        v->flags |= NZ_VF_UNIT;
        i += u;
    }
    if (i < len && p[i] == '(') {
        const char *close = memchr(p + i, ')', len - i);
        if (!close || (size_t)(close - p) != len - 1) goto text;
        copy_trunc(v->note, sizeof v->note, p + i + 1, (size_t)(close - p) - i - 1);
        v->flags |= NZ_VF_NOTE;
        i = len;
    }
    if (i != len) goto text;
    v->state = NZ_NUMBER;
    memcpy(v->num, num, k + 1);
    return;
text:
    memset(v, 0, sizeof *v);
    v->state = NZ_TEXT;
}

void nz_value_flags(const nz_value *v, gx_buf *b)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {NZ_VF_SEP, "separators"}, {NZ_VF_SIGNWORD, "sign_word"},
        {NZ_VF_UNIT, "unit_in_cell"}, {NZ_VF_NOTE, "note_in_cell"},
        {NZ_VF_ZEROWORD, "zero_word"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(v->flags & names[i].bit)) continue;
        if (b->len) gx_buf_addc(b, ',');
        gx_buf_adds(b, names[i].name);
    }
}

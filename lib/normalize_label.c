/* normalize_label.c - label keys (spec schema.md §8.1) and the label map of
 * share/gx/labels.tsv: longest known suffix, with group context. */
#include "normalize.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* ---- keys ----------------------------------------------------------------- */

static bool is_cjk_numeral(int32_t cp)
{
    switch (cp) {
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: /* 一二三四五 */
    case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341: /* 六七八九十 */
        return true;
    default:
        return false;
    }
}

/* Dropped from keys: punctuation that drifts between printings. */
static bool is_drop_punct(int32_t cp)
{
    switch (cp) {
    case 0x3001: /* 、 */ case 0x3002: /* 。 */ case 0x300A: case 0x300B: /* 《》 */
    case 0x3010: case 0x3011: /* 【】 */ case 0x00B7: case 0x30FB: /* · */
    case 0x2026: /* … */ case 0x2018: case 0x2019: case 0x201C: case 0x201D:
        return true;
    default:
        return cp < 0x80 && strchr(",.:;!?\"'()[]{}-/*_~`|<>", (int)cp) && cp != 0;
    }
}

/* Is [s, s+n) a numbering token inside parentheses: 1-3 CJK numerals or
 * 1-2 ASCII digits? */
static bool paren_numbering(const char *s, size_t n)
{
    if (n == 0) return false;
    if (n <= 2 && s[0] >= '0' && s[0] <= '9' && (n == 1 || (s[1] >= '0' && s[1] <= '9')))
        return true;
    size_t i = 0;
    int count = 0;
    while (i < n) {
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0 || !is_cjk_numeral(cp)) return false;
        i += (size_t)k;
        count++;
    }
    return count >= 1 && count <= 3;
}

/* What the rules below do with an ASCII byte wherever it stands: keep it
 * (printable, not a digit, not punctuation keys drop, not the first byte
 * of the breakdown word), drop it (punctuation of is_drop_punct, but the
 * opening parenthesis), or look closer (the rest). */
enum { A_CLOSER, A_KEEP, A_DROP };
static unsigned char ascii_class[128];
/* A quick test before is_cjk_numeral: the numerals' low six bits. */
static uint64_t numeral_bits;

static void label_key_init(const nz_words *W)
{
    for (int c = 0x21; c < 0x7F; c++) {
        if ((c >= '0' && c <= '9') || c == '(' || (W->breakdown_n && (unsigned char)W->breakdown[0] == c))
            ascii_class[c] = A_CLOSER;
        else ascii_class[c] = is_drop_punct(c) ? A_DROP : A_KEEP;
    }
    static const int32_t nums[] = {0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                   0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) numeral_bits |= (uint64_t)1 << (nums[k] & 63);
}

static void label_key(const char *s, size_t n, gx_buf *out, char *unit, size_t cap)
{
    const nz_words *W = nz_words_get();
    static bool ready;
    if (!ready) { label_key_init(W); ready = true; }
    static gx_buf b;
    gx_norm_match(s, n, &b);
    const char *p = b.data;
    size_t len = b.len, i = 0;
    /* the key is at most as long as the normalised label: written in place */
    gx_buf_reserve(out, len);
    char *o = out->data + out->len;
    while (i < len) {
        /* the characters every rule below keeps or drops alone (CJK other
         * than numerals and the breakdown word, plain ASCII): done here */
        for (;;) {
            if (i >= len) break;
            unsigned char cj = (unsigned char)p[i];
            if (cj < 0x80) {
                unsigned char k = ascii_class[cj];
                if (k == A_CLOSER) break;
                if (k == A_KEEP) *o++ = (char)cj;
                i++;
                continue;
            }
            if (cj < 0xE4 || cj > 0xE9 || len - i < 3 || ((unsigned char)p[i + 1] & 0xC0) != 0x80 ||
                ((unsigned char)p[i + 2] & 0xC0) != 0x80)
                break;
            uint32_t x = (uint32_t)((cj & 0x0F) << 12 | ((unsigned char)p[i + 1] & 0x3F) << 6 |
                                    ((unsigned char)p[i + 2] & 0x3F));
            if ((numeral_bits >> (x & 63) & 1) && is_cjk_numeral((int32_t)x)) break;
            if (W->breakdown_n && cj == (unsigned char)W->breakdown[0] && len - i >= W->breakdown_n &&
                memcmp(p + i, W->breakdown, W->breakdown_n) == 0) break;
            o[0] = (char)cj;
            o[1] = p[i + 1];
            o[2] = p[i + 2];
            o += 3;
            i += 3;
        }
        if (i >= len) break;
        unsigned char c = (unsigned char)p[i];
        /* parentheses: numbering or a note, both deleted */
        if (c == '(') {
            const char *close = memchr(p + i + 1, ')', len - i - 1);
            if (close) {
                size_t inner = (size_t)(close - p) - i - 1;
                if (!paren_numbering(p + i + 1, inner) && unit && W->label_unit_n) {
                    const char *u = NULL;
                    for (size_t j = i + 1; j + W->label_unit_n <= (size_t)(close - p); j++)
                        if (memcmp(p + j, W->label_unit, W->label_unit_n) == 0) { u = p + j + W->label_unit_n; break; }
                    if (u) {
                        while (u < close && (*u == ':' || *u == ' ')) u++;
                        size_t un = (size_t)(close - u);
                        if (un && un < cap) { memcpy(unit, u, un); unit[un] = 0; }
                    }
                }
                i = (size_t)(close - p) + 1;
                continue;
            }
        }
        /* 其中: (the breakdown word and a colon) */
        if (W->breakdown_n && len - i > W->breakdown_n && memcmp(p + i, W->breakdown, W->breakdown_n) == 0 &&
            p[i + W->breakdown_n] == ':') {
            i += W->breakdown_n + 1;
            continue;
        }
        /* most characters: CJK (lead bytes E4..E9), kept unless a numeral
         * (no punctuation that keys drop is there) */
        if (c >= 0xE4 && c <= 0xE9 && len - i >= 3 && ((unsigned char)p[i + 1] & 0xC0) == 0x80 &&
            ((unsigned char)p[i + 2] & 0xC0) == 0x80) {
            int32_t x = (int32_t)((c & 0x0F) << 12 | ((unsigned char)p[i + 1] & 0x3F) << 6 |
                                  ((unsigned char)p[i + 2] & 0x3F));
            if (!is_cjk_numeral(x)) {
                memcpy(o, p + i, 3);
                o += 3;
                i += 3;
                continue;
            }
        }
        /* ASCII digits followed by . or 、 and not by a digit: numbering */
        if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < len && p[j] >= '0' && p[j] <= '9') j++;
            size_t after = 0;
            if (j < len && p[j] == '.') after = 1;
            else if (len - j >= 3 && memcmp(p + j, "、", 3) == 0) after = 3;
            if (after && !(j + after < len && p[j + after] >= '0' && p[j + after] <= '9')) {
                i = j + after;
                continue;
            }
            /* a decimal keeps its point */
            while (j + 1 < len && p[j] == '.' && p[j + 1] >= '0' && p[j + 1] <= '9') {
                j++;
                while (j < len && p[j] >= '0' && p[j] <= '9') j++;
            }
            memcpy(o, p + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        int32_t cp;
        int k = gx_utf8_next(p + i, len - i, &cp);
        if (k < 0) { *o++ = (char)c; i++; continue; }
        /* CJK numerals followed by 、: numbering */
        if (is_cjk_numeral(cp)) {
            size_t j = i;
            int count = 0;
            int32_t x = cp;
            int kk = k;
            while (j < len && kk > 0 && is_cjk_numeral(x) && count < 4) {
                j += (size_t)kk;
                count++;
                if (j >= len) break;
                kk = gx_utf8_next(p + j, len - j, &x);
            }
            if (count <= 3 && len - j >= 3 && memcmp(p + j, "、", 3) == 0) { i = j + 3; continue; }
        }
        if (is_drop_punct(cp)) { i += (size_t)k; continue; }
        memcpy(o, p + i, (size_t)k);
        o += k;
        i += (size_t)k;
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = 0;
}

/* ---- a memo of keys -------------------------------------------------------- */

/* The same labels come back in every table row and in every report of a
 * template (row and column heads, raw table lines), and a key costs a
 * normalisation and a scan per byte. So results are remembered by input
 * text: an open-addressed table over one byte arena, cleared when either is
 * full (memory stays bounded, a long stream only recomputes). A memo holds
 * one kind of result (its callers put what they need in the value bytes). */
#define MEMO_SLOTS 8192            /* at most: a power of two; at most half are used */
#define MEMO_ARENA (4u << 20)      /* bytes of inputs and values */


static uint64_t memo_hash(const char *s, size_t n, unsigned salt)
{
    /* eight bytes a step (labels are tens of bytes) */
    uint64_t h = 1469598103934665603ull ^ salt ^ (uint64_t)n << 32, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    if (i < n) {
        w = 0;
        memcpy(&w, s + i, n - i);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    return h | 1;                  /* 0 marks an empty slot */
}

/* The value remembered for s[0..n) (salt: a variant of the question), or
 * NULL; *at is where a new value goes (pass it to nz_memo_put). */
/* The slots start few and double up to MEMO_SLOTS: a small report touches
 * a few pages of them, not all (each page first touched is a page fault,
 * which costs more than the lookups it serves). */
enum { MEMO_FIRST = 256 };

static void memo_grow(nz_memo *m)
{
    size_t cap = m->cap ? 2 * m->cap : MEMO_FIRST;
    nz_memo_slot *old = m->slot, *slot = gx_xcalloc(cap, sizeof *slot);
    for (size_t k = 0; k < m->cap; k++) {
        if (!old[k].h) continue;
        size_t i = (size_t)old[k].h & (cap - 1);
        while (slot[i].h) i = (i + 1) & (cap - 1);
        slot[i] = old[k];
    }
    free(old);
    m->slot = slot;
    m->cap = cap;
}

/* The value remembered for s[0..n) (salt: a variant of the question), or
 * NULL; *at is where a new value goes (pass it to nz_memo_put). */
const char *nz_memo_get(nz_memo *m, const char *s, size_t n, unsigned salt, size_t *val_n,
                            uint64_t *hp, size_t *at)
{
    if (!m->slot) {
        memo_grow(m);
        gx_buf_reserve(&m->arena, (size_t)1 << 18);   /* not grown (and copied) step by step */
    }
    uint64_t h = memo_hash(s, n, salt);
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    for (; m->slot[i].h; i = (i + 1) & mask) {
        nz_memo_slot *e = &m->slot[i];
        if (e->h == h && e->in_n == n && e->salt == salt && memcmp(m->arena.data + e->in, s, n) == 0) {
            *val_n = e->val_n;
            return m->arena.data + e->val;
        }
    }
    *hp = h;
    *at = i;
    return NULL;
}

void nz_memo_put(nz_memo *m, const char *s, size_t n, unsigned salt, uint64_t h, size_t at,
                     const char *val, size_t val_n)
{
    if (n + val_n > MEMO_ARENA / 4) return;        /* not worth keeping */
    if ((size_t)m->used >= m->cap / 2 && m->cap < MEMO_SLOTS) {
        memo_grow(m);
        at = (size_t)h & (m->cap - 1);
        while (m->slot[at].h) at = (at + 1) & (m->cap - 1);
    }
    if ((size_t)m->used >= m->cap / 2 || m->arena.len + n + val_n > MEMO_ARENA) {
        memset(m->slot, 0, m->cap * sizeof *m->slot);
        m->used = 0;
        gx_buf_reset(&m->arena);
        at = (size_t)h & (m->cap - 1);
    }
    nz_memo_slot *e = &m->slot[at];
    e->h = h;
    e->salt = salt;
    e->in = (uint32_t)m->arena.len;
    e->in_n = (uint32_t)n;
    gx_buf_add(&m->arena, s, n);
    e->val = (uint32_t)m->arena.len;
    e->val_n = (uint32_t)val_n;
    gx_buf_add(&m->arena, val, val_n);
    m->used++;
}

/* nz_label_key, remembered. The value: the unit written (if any, up to its
 * NUL) after a flag byte, then the key bytes. */
void nz_label_key(const char *s, size_t n, gx_buf *out, char *unit, size_t cap)
{
    static nz_memo m;
    static gx_buf v;
    unsigned salt = unit ? (unsigned)cap + 1 : 0;
    size_t vn = 0, at = 0;
    uint64_t h = 0;
    const char *hit = nz_memo_get(&m, s, n, salt, &vn, &h, &at);
    if (hit) {
        size_t ul = 0;
        if (hit[0]) { ul = strlen(hit + 1) + 1; memcpy(unit, hit + 1, ul); }
        gx_buf_add(out, hit + 1 + ul, vn - 1 - ul);
        if (!out->data) { gx_buf_reserve(out, 0); out->data[0] = 0; }
        return;
    }
    /* computed into a scratch key: the unit as found, if any */
    char u[64];
    u[0] = 0;
    static gx_buf k;
    gx_buf_reset(&k);
    bool wrote_unit = false;
    if (unit && cap <= sizeof u) {
        /* a written unit is text of at least one byte: u[0] tells */
        label_key(s, n, &k, u, cap);
        wrote_unit = u[0] != 0;
    } else if (unit) {
        label_key(s, n, out, unit, cap);   /* an odd capacity: not remembered */
        return;
    } else {
        label_key(s, n, &k, NULL, 0);
    }
    if (wrote_unit) memcpy(unit, u, strlen(u) + 1);
    gx_buf_add(out, k.data ? k.data : "", k.len);
    if (!out->data) { gx_buf_reserve(out, 0); out->data[0] = 0; }
    gx_buf_reset(&v);
    gx_buf_addc(&v, wrote_unit ? 1 : 0);
    if (wrote_unit) gx_buf_add(&v, u, strlen(u) + 1);
    gx_buf_add(&v, k.data ? k.data : "", k.len);
    nz_memo_put(&m, s, n, salt, h, at, v.data, v.len);
}

void nz_path_init(nz_path *p) { memset(p, 0, sizeof *p); gx_buf_init(&p->key); }
void nz_path_free(nz_path *p) { gx_buf_free(&p->key); }

void nz_path_set(nz_path *p, const char *s, size_t n)
{
    gx_buf_reset(&p->key);
    gx_buf_reserve(&p->key, 0);
    p->key.data[0] = 0;
    p->n = 0;
    p->unit[0] = 0;
    size_t i = 0;
    while (i <= n) {
        const char *bar = i < n ? memchr(s + i, '|', n - i) : NULL;
        size_t e = bar ? (size_t)(bar - s) : n;
        size_t before = p->key.len;
        nz_label_key(s + i, e - i, &p->key, p->unit, sizeof p->unit);
        if (p->key.len > before) {
            if (p->n < NZ_MAXPARTS) p->end[p->n++] = p->key.len;
            else p->end[NZ_MAXPARTS - 1] = p->key.len;
        }
        if (!bar) break;
        i = e + 1;
    }
}

/* ---- the map ---------------------------------------------------------------- */

/* memmem without _GNU_SOURCE */
static bool contains(const char *h, size_t hn, const char *n, size_t nn)
{
    if (nn == 0) return true;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0) return true;
    return false;
}

static const char *const kind_names[] = {"l1", "t2", "t3", "t4"};

int nz_kind_index(int kind)
{
    switch (kind) {
    case NZ_K_L1: return 0;
    case NZ_K_T2: return 1;
    case NZ_K_T3: return 2;
    case NZ_K_T4: return 3;
    default: return -1;
    }
}

const char *nz_kind_name(int kind)
{
    int i = nz_kind_index(kind);
    return i < 0 ? "none" : kind_names[i];
}

static int parse_kind(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, kind_names[i]) == 0) return 1 << i;
    return 0;
}

/* The last t (<= 4) bytes of s[0..n) packed in a word. */
static uint32_t tail_of(const char *s, size_t n, int t)
{
    uint32_t w = 0;
    for (int i = 0; i < t; i++) w = w << 8 | (unsigned char)s[n - (size_t)t + (size_t)i];
    return w;
}

static unsigned tail_bucket(uint32_t tail) { return (tail * 2654435761u) >> 26; }

/* Store the keys of a path's groups and leaf in m->keys; return offsets. */
static void split_keys(gx_buf *keys, const char *s, size_t *g, size_t *leaf)
{
    static nz_path p;      /* reused: one key buffer for the whole table */
    static bool init;
    if (!init) { nz_path_init(&p); init = true; }
    nz_path_set(&p, s, strlen(s));
    size_t cut = p.n > 1 ? p.end[p.n - 2] : 0;
    *g = keys->len;
    gx_buf_add(keys, p.key.data, cut);
    gx_buf_addc(keys, 0);
    *leaf = keys->len;
    gx_buf_add(keys, p.key.data + cut, p.key.len - cut);
    gx_buf_addc(keys, 0);
}

void nz_map_load(nz_map *m, const char *path)
{
    memset(m, 0, sizeof *m);
    for (int k = 0; k < 4; k++) gx_buf_init(&m->keys[k]);
    gx_table_load(&m->t, "labels.tsv", path);
    static const char *const need[] = {"type", "kind", "layout", "row", "col",
                                       "indicator", "dim", "unit"};
    int c[8];
    for (int j = 0; j < 8; j++) {
        c[j] = gx_table_col(&m->t, need[j]);
        if (c[j] < 0) gx_die(GX_EXIT_ERROR, "%s: no column %s", m->t.name, need[j]);
    }
    m->e = gx_xcalloc((size_t)m->t.nrows + 1, sizeof *m->e);
    for (int i = 0; i < m->t.nrows; i++) {
        char **r = m->t.rows[i];
        nz_entry *e = &m->e[m->n];
        if (strcmp(r[c[0]], "fact") == 0) e->type = NZ_E_FACT;
        else if (strcmp(r[c[0]], "dim") == 0) e->type = NZ_E_DIM;
        else if (strcmp(r[c[0]], "unit") == 0) e->type = NZ_E_UNIT;
        else if (strcmp(r[c[0]], "group") == 0) e->type = NZ_E_GROUP;
        else gx_die(GX_EXIT_ERROR, "%s: row %d: unknown type '%s'", m->t.name, i + 1, r[c[0]]);
        e->kind = parse_kind(r[c[1]]);
        if (!e->kind) gx_die(GX_EXIT_ERROR, "%s: row %d: unknown kind '%s'", m->t.name, i + 1, r[c[1]]);
        e->layout = strcmp(r[c[2]], "*") == 0 || !*r[c[2]] ? 0 : atoi(r[c[2]]);
        e->row_text = r[c[3]];
        e->col_text = r[c[4]];
        e->indicator = r[c[5]];
        e->dim = r[c[6]];
        e->unit = r[c[7]];
        e->lineno = i + 1;
        if (e->type == NZ_E_FACT && !*e->indicator)
            gx_die(GX_EXIT_ERROR, "%s: row %d: fact without indicator", m->t.name, i + 1);
        m->n++;
    }
    for (int t = 0; t < 4; t++) {
        m->by_type[t] = gx_xcalloc((size_t)m->n + 1, sizeof(int));
        m->rowless[t] = true;
    }
    for (int i = 0; i < m->n; i++) {
        nz_entry *e = &m->e[i];
        m->by_type[e->type][m->n_type[e->type]++] = i;
        if (*e->row_text) m->rowless[e->type] = false;
    }
    for (int t = 0; t < 4; t++) {
        m->by_tail[t] = gx_xcalloc((size_t)m->n_type[t] + 1, sizeof(int));
        m->short_leaf[t] = gx_xcalloc((size_t)m->n_type[t] + 1, sizeof(int));
    }
}

/* The keys of the entries of kind index ki, into that kind's buffer. */
static void map_key_kind(nz_map *m, int ki)
{
    gx_buf *keys = &m->keys[ki];
    size_t (*off)[4] = gx_xmalloc(((size_t)m->n + 1) * sizeof *off);   /* read where written */
    for (int i = 0; i < m->n; i++) {
        nz_entry *e = &m->e[i];
        if (e->kind != 1 << ki) continue;
        split_keys(keys, e->row_text, &off[i][0], &off[i][1]);
        split_keys(keys, e->col_text, &off[i][2], &off[i][3]);
    }
    /* keys are stable now: turn offsets into pointers */
    for (int i = 0; i < m->n; i++) {
        nz_entry *e = &m->e[i];
        if (e->kind != 1 << ki) continue;
        e->row_g = keys->data + off[i][0];
        e->row_leaf = keys->data + off[i][1];
        e->col_g = keys->data + off[i][2];
        e->col_leaf = keys->data + off[i][3];
        e->row_leaf_n = strlen(e->row_leaf);
        e->col_leaf_n = strlen(e->col_leaf);
        e->row_tail_n = e->row_leaf_n < 4 ? (int)e->row_leaf_n : 4;
        e->col_tail_n = e->col_leaf_n < 4 ? (int)e->col_leaf_n : 4;
        e->row_tail = tail_of(e->row_leaf, e->row_leaf_n, e->row_tail_n);
        e->col_tail = tail_of(e->col_leaf, e->col_leaf_n, e->col_tail_n);
    }
    free(off);
}

void nz_map_ready(nz_map *m, int kinds)
{
    int want = kinds & ~m->ready & 15;
    if (!want) return;
    for (int ki = 0; ki < 4; ki++)
        if (want & 1 << ki) map_key_kind(m, ki);
    m->ready |= want;
    /* the indexes again, over the entries of the ready kinds */
    for (int t = 0; t < 4; t++) {
        int count[NZ_TAILB] = {0};
        for (int x = 0; x < m->n_type[t]; x++) {
            const nz_entry *e = &m->e[m->by_type[t][x]];
            if ((e->kind & m->ready) && e->row_tail_n == 4) count[tail_bucket(e->row_tail)]++;
        }
        m->tail_at[t][0] = 0;
        for (int b = 0; b < NZ_TAILB; b++) m->tail_at[t][b + 1] = m->tail_at[t][b] + count[b];
        int fill[NZ_TAILB];
        memcpy(fill, m->tail_at[t], sizeof fill);
        m->n_short[t] = 0;
        for (int x = 0; x < m->n_type[t]; x++) {
            int i = m->by_type[t][x];
            const nz_entry *e = &m->e[i];
            if (!(e->kind & m->ready)) continue;
            if (e->row_tail_n == 4) m->by_tail[t][fill[tail_bucket(e->row_tail)]++] = i;
            else m->short_leaf[t][m->n_short[t]++] = i;
        }
    }
}

void nz_map_free(nz_map *m)
{
    for (int t = 0; t < 4; t++) { free(m->by_type[t]); free(m->by_tail[t]); free(m->short_leaf[t]); }
    free(m->e);
    gx_table_free(&m->t);
    for (int k = 0; k < 4; k++) gx_buf_free(&m->keys[k]);
    memset(m, 0, sizeof *m);
}

int nz_side_score(const nz_path *p, const char *g, const char *leaf,
                  const char *const *ctx, int nctx)
{
    if (!*leaf) return 0;
    const char *k = p->key.data ? p->key.data : "";
    size_t kl = p->key.len, ll = strlen(leaf);
    if (ll > kl || memcmp(k + kl - ll, leaf, ll) != 0) return -1;
    int s = 100 + (int)ll;
    if (*g) {
        size_t gl = strlen(g), pre = kl - ll;
        if (pre >= gl && memcmp(k + pre - gl, g, gl) == 0) s += 100 + (int)gl;
        else if (pre >= gl && gl && contains(k, pre, g, gl)) s += 90;
        else {
            for (int i = 0; i < nctx; i++)
                if (ctx[i] && strstr(ctx[i], g)) { s += 50 - (i < 40 ? i : 40); break; }
        }
    }
    return s;
}

const nz_entry *nz_map_cut(nz_map *m, int type, const nz_match_in *in)
{
    nz_map_ready(m, in->kinds);
    const nz_path *p = in->row;
    if (type < 0 || type > 3 || p->n < 1 || !p->key.data) return NULL;
    size_t a = p->n > 1 ? p->end[p->n - 2] : 0, ln = p->end[p->n - 1] - a;
    const char *leaf = p->key.data + a;
    size_t chars = 0;
    for (size_t k = 0; k < ln; k++) chars += ((unsigned char)leaf[k] & 0xC0) != 0x80;
    if (chars < 4) return NULL;
    const nz_entry *found = NULL;
    for (int k = 0; k < m->n_type[type]; k++) {
        const nz_entry *e = &m->e[m->by_type[type][k]];
        if (!(e->kind & in->kinds)) continue;
        int ki = nz_kind_index(e->kind);
        if (e->layout && in->layout[ki] && e->layout != in->layout[ki]) continue;
        if (e->row_leaf_n <= ln || 3 * ln < 2 * e->row_leaf_n || memcmp(e->row_leaf, leaf, ln) != 0)
            continue;
        if (nz_side_score(in->col, e->col_g, e->col_leaf, NULL, 0) < 0) continue;
        if (found && (strcmp(found->indicator, e->indicator) != 0 || strcmp(found->dim, e->dim) != 0))
            return NULL;   /* two labels start so: no guess */
        if (!found) found = e;
    }
    return found;
}

const nz_entry *nz_map_best(nz_map *m, int type, const nz_match_in *in,
                            bool *ambiguous)
{
    nz_map_ready(m, in->kinds);
    const nz_entry *best = NULL;
    int bs = -1;
    *ambiguous = false;
    if (type < 0 || type > 3) return NULL;
    /* a leaf must end the path's key: compare lengths and last bytes first */
    const char *rk = in->row->key.data, *ck = in->col->key.data;
    size_t rn = in->row->key.len, cn = in->col->key.len;
    /* rt[t]: the last t bytes packed (0 when the key is shorter): the
     * lowest t bytes of the last min(4, length) bytes packed */
    uint32_t rt[5], ct[5];
    uint32_t rw = tail_of(rk, rn, rn < 4 ? (int)rn : 4), cw = tail_of(ck, cn, cn < 4 ? (int)cn : 4);
    rt[0] = ct[0] = 0;
    for (int t = 1; t <= 4; t++) {
        uint32_t mask = t == 4 ? 0xFFFFFFFFu : ((uint32_t)1 << (8 * t)) - 1;
        rt[t] = (size_t)t <= rn ? rw & mask : 0;
        ct[t] = (size_t)t <= cn ? cw & mask : 0;
    }
    /* the candidates: the entries whose 4-byte row tail falls in the row
     * key's bucket, and those with a shorter row leaf, merged in table order
     * (the first best entry wins); every other entry fails the tail test */
    int b = (int)tail_bucket(rn >= 4 ? rt[4] : 0);
    const int *bt = m->by_tail[type] + m->tail_at[type][b], *sh = m->short_leaf[type];
    int nb = m->tail_at[type][b + 1] - m->tail_at[type][b], ns = m->n_short[type];
    for (int xb = 0, xs = 0; xb < nb || xs < ns;) {
        int i = xs >= ns || (xb < nb && bt[xb] < sh[xs]) ? bt[xb++] : sh[xs++];
        const nz_entry *e = &m->e[i];
        if (!(e->kind & in->kinds)) continue;
        if (e->row_leaf_n > rn || e->row_tail != rt[e->row_tail_n]) continue;
        if (e->col_leaf_n > cn || e->col_tail != ct[e->col_tail_n]) continue;
        int ki = nz_kind_index(e->kind);
        if (e->layout && in->layout[ki] && e->layout != in->layout[ki]) continue;
        int rs = nz_side_score(in->row, e->row_g, e->row_leaf, in->ctx, in->nctx);
        if (rs < 0) continue;
        int cs = nz_side_score(in->col, e->col_g, e->col_leaf, NULL, 0);
        if (cs < 0) continue;
        if (rs + cs == 0 && type != NZ_E_UNIT) continue; /* matches nothing in particular */
        int s = rs + cs;
        if (s > bs) { bs = s; best = e; *ambiguous = false; }
        else if (s == bs && best &&
                 (strcmp(best->indicator, e->indicator) != 0 || strcmp(best->dim, e->dim) != 0))
            *ambiguous = true;
    }
    return best;
}

/* text.c - UTF-8 helpers: matching normalisation, display width, CJK
 * numerals. See text.h. */
#include "text.h"

#include <string.h>
#include <utf8proc.h>

int gx_utf8_next(const char *s, size_t n, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0) goto bad;
    unsigned c = u[0];
    if (c < 0x80) { *cp = (int32_t)c; return 1; }
    int len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else goto bad;
    if (n < (size_t)len) goto bad;
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) goto bad;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) goto bad;
    *cp = (int32_t)v;
    return len;
bad:
    *cp = 0xFFFD;
    return -1;
}

bool gx_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        if (c < 0x80) { i++; continue; }
        /* the common three-byte forms checked inline: leads E1..EC, EE, EF
         * take any two continuation bytes (E0 and ED restrict the second) */
        if (c >= 0xE1 && c != 0xED && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80 &&
            c <= 0xEF) { i += 3; continue; }
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0) return false;
        i += (size_t)k;
    }
    return true;
}

bool gx_is_space_cp(int32_t cp)
{
    switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case 0x00A0: case 0x1680: case 0x180E: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x2060: case 0x3000: case 0xFEFF:
    case 0x200B: case 0x200C: case 0x200D:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* Map after NFKC: quotes and dashes to one form each. */
static int32_t unify(int32_t cp)
{
    switch (cp) {
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
    case 0x300C: case 0x300D: case 0x300E: case 0x300F:
        return '"';
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
        return '\'';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xFE58: case 0xFE63:
        return '-';
    case 0x3001: /* 、 is kept: it separates items in labels */
    default:
        return cp;
    }
}

/* NFKC of one code point into dst (cap entries); returns count. */
static int nfkc_cp(int32_t cp, utf8proc_int32_t *dst, int cap)
{
    if (cp < 0x80) { dst[0] = cp; return 1; }
    int last = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, dst, cap,
                                                 UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STABLE, &last);
    if (k < 1 || k > cap) { dst[0] = cp; return 1; }
    if (k > 1) {
        k = utf8proc_normalize_utf32(dst, k, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (k < 1) { dst[0] = cp; return 1; }
    }
    return (int)k;
}

/* The matching form of one code point, kept once computed: NFKC then the
 * quote and dash unification, which depend on the code point alone. Most
 * labels and text repeat a few hundred code points (full-width punctuation,
 * U+3000, CJK outside the fast path), so each is decomposed by utf8proc
 * once per process instead of once per occurrence. */
enum { CP_UNKNOWN, CP_BYTES, CP_SPACE, CP_SLOW };
typedef struct cpform {
    unsigned char kind;   /* CP_BYTES: every part printable (b[0..n) is their
                             UTF-8); CP_SPACE: every part whitespace; CP_SLOW:
                             mixed or too long, done the long way each time */
    unsigned char n;
    char          b[14];
} cpform;
/* pages of 64 code points, allocated on first use (a report touches few,
 * and few code points of each: CJK punctuation, full-width forms) */
static cpform *cp_pages[0x110000 >> 6];

static const cpform *cp_form(int32_t cp)
{
    cpform *pg = cp_pages[cp >> 6];
    if (!pg) pg = cp_pages[cp >> 6] = gx_xcalloc(64, sizeof *pg);
    cpform *f = &pg[cp & 0x3F];
    if (f->kind != CP_UNKNOWN) return f;
    utf8proc_int32_t d[8];
    int nd = nfkc_cp(cp, d, 8), spaces = 0;
    size_t len = 0;
    bool fits = true;
    for (int j = 0; j < nd; j++) {
        int32_t x = d[j];
        if (gx_is_space_cp(x)) { spaces++; continue; }
        x = unify(x);
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t k = x < 0x80 ? (tmp[0] = (utf8proc_uint8_t)x, 1) : utf8proc_encode_char(x, tmp);
        if (len + (size_t)k > sizeof f->b) { fits = false; break; }
        memcpy(f->b + len, tmp, (size_t)k);
        len += (size_t)k;
    }
    if (spaces == nd) f->kind = CP_SPACE;
    else if (spaces == 0 && fits) { f->kind = CP_BYTES; f->n = (unsigned char)len; }
    else f->kind = CP_SLOW;
    return f;
}

static bool norm_invalid;   /* the last input held invalid UTF-8 */

static void norm(const char *s, size_t n, gx_buf *out, bool keep_space)
{
    norm_invalid = false;
    gx_buf_reset(out);
    gx_buf_reserve(out, n + 1);
    /* written in place: len bytes at d. Room: the characters copied as they
     * are (and the one space of a whitespace run) never make the text
     * longer, so while cap - 1 >= len + (n - i) (the rest of the input
     * fits) they need no check; the characters that NFKC makes longer
     * check ROOM for their bytes and the rest of the input. */
    char *d = out->data;
    size_t len = 0, cap = out->cap;
#define ROOM(k) do { if (len + (k) + (n - i) + 1 > cap) { out->len = len; gx_buf_reserve(out, (k) + (n - i)); \
                     d = out->data; cap = out->cap; } } while (0)
    const unsigned char *u = (const unsigned char *)s;
    bool pending_space = false;
    size_t i = 0;
    while (i < n) {
        /* Fast paths: printable ASCII and the CJK block U+4000..U+9FFF
         * (lead bytes E4..E9) are their own NFKC form and map to
         * themselves: a run of them is found, then copied at once. */
        size_t j = i;
        for (;;) {
            if (j + 2 < n) {
                /* three bytes at once (a load where the byte order allows) */
                uint32_t w = (uint32_t)u[j] | (uint32_t)u[j + 1] << 8 | (uint32_t)u[j + 2] << 16;
                if ((w & 0xC0C000u) == 0x808000u && (unsigned char)(u[j] - 0xE4) < 6) { j += 3; continue; }
            }
            if (j < n && (unsigned char)(u[j] - 0x21) < 0x5E) { j++; continue; }
            break;
        }
        if (j > i) {
            if (pending_space) { d[len++] = ' '; pending_space = false; }
            memcpy(d + len, u + i, j - i);
            len += j - i;
            i = j;
            if (i >= n) break;
        }
        /* a run of ASCII whitespace: deleted, or one gap */
        if (u[i] == ' ' || (u[i] >= '\t' && u[i] <= '\r')) {
            do i++; while (i < n && (u[i] == ' ' || (u[i] >= '\t' && u[i] <= '\r')));
            if (keep_space && len) pending_space = true;
            continue;
        }
        unsigned char c = u[i];
        int32_t cp;
        if (c < 0x80) { cp = c; i++; }
        else if (c >= 0xE1 && c <= 0xEF && c != 0xED && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
                 (u[i + 2] & 0xC0) == 0x80) {
            /* other three-byte characters (punctuation, full-width forms),
             * decoded here: every such sequence is valid (not E0, ED) */
            cp = (int32_t)((c & 0x0F) << 12 | (u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F));
            i += 3;
        } else {
            int k = gx_utf8_next(s + i, n - i, &cp);
            if (k < 0) { d[len++] = (char)c; i++; norm_invalid = true; continue; }
            i += (size_t)k;
        }
        if (cp < 0x80) {    /* a control character or whitespace */
            if (cp == ' ' || (cp >= '\t' && cp <= '\r')) {
                if (keep_space && len) pending_space = true;
                continue;
            }
            if (pending_space) { d[len++] = ' '; pending_space = false; }
            d[len++] = (char)cp;
            continue;
        }
        const cpform *f = cp_form(cp);
        if (f->kind == CP_BYTES) {
            ROOM(f->n + 1);
            if (pending_space) { d[len++] = ' '; pending_space = false; }
            memcpy(d + len, f->b, f->n);
            len += f->n;
            continue;
        }
        if (f->kind == CP_SPACE) {
            if (keep_space && len) pending_space = true;
            continue;
        }
        utf8proc_int32_t dd[8];
        int nd = nfkc_cp(cp, dd, 8);
        for (int jj = 0; jj < nd; jj++) {
            int32_t x = dd[jj];
            if (gx_is_space_cp(x)) {
                if (keep_space && len) pending_space = true;
                continue;
            }
            ROOM(6);   /* a space pending after these bytes fits too */
            if (pending_space) { d[len++] = ' '; pending_space = false; }
            x = unify(x);
            if (x < 0x80) d[len++] = (char)x;
            else len += (size_t)utf8proc_encode_char(x, (utf8proc_uint8_t *)d + len);
        }
    }
#undef ROOM
    out->len = len;
    d[len] = 0;
}

void gx_norm_match(const char *s, size_t n, gx_buf *out) { norm(s, n, out, false); }
void gx_norm_keep_space(const char *s, size_t n, gx_buf *out) { norm(s, n, out, true); }
bool gx_norm_input_valid(void) { return !norm_invalid; }

size_t gx_display_width(const char *s, size_t n)
{
    size_t w = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { w += c == '\t' ? 1 : (c >= 0x20); i++; continue; }
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0) { w++; i++; continue; }
        i += (size_t)k;
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
    }
    return w;
}

static int cjk_digit(int32_t cp)
{
    switch (cp) {
    case 0x96F6: case 0x3007: case 'O': case 'o': return 0;  /* 零 〇 */
    case 0x4E00: return 1; case 0x4E8C: case 0x4E24: return 2; /* 一 二 两 */
    case 0x4E09: return 3; case 0x56DB: return 4; case 0x4E94: return 5;
    case 0x516D: return 6; case 0x4E03: return 7; case 0x516B: return 8;
    case 0x4E5D: return 9;
    default: return cp >= '0' && cp <= '9' ? cp - '0' : -1;
    }
}

static long cjk_unit(int32_t cp)
{
    switch (cp) {
    case 0x5341: return 10;       /* 十 */
    case 0x767E: return 100;      /* 百 */
    case 0x5343: return 1000;     /* 千 */
    case 0x4E07: return 10000;    /* 万 */
    case 0x4EBF: return 100000000;/* 亿 */
    default: return 0;
    }
}

long gx_cjk_number(const char *s, size_t n)
{
    int32_t cps[64];
    int m = 0;
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0 || m == 64) return -1;
        cps[m++] = cp;
        i += (size_t)k;
    }
    if (m == 0) return -1;
    bool has_unit = false;
    for (int j = 0; j < m; j++) {
        if (cjk_unit(cps[j])) has_unit = true;
        else if (cjk_digit(cps[j]) < 0) return -1;
    }
    if (!has_unit) {            /* digit by digit: 二0一八 = 2018 */
        long v = 0;
        for (int j = 0; j < m; j++) {
            if (v > 100000000000L) return -1;
            v = v * 10 + cjk_digit(cps[j]);
        }
        return v;
    }
    long total = 0, section = 0, digit = -1;
    for (int j = 0; j < m; j++) {
        long u = cjk_unit(cps[j]);
        if (!u) {
            int d = cjk_digit(cps[j]);
            if (digit > 0 && d != 0) return -1; /* two digits in a row */
            digit = d;
            continue;
        }
        if (u >= 10000) {
            section += digit > 0 ? digit : 0;
            if (section == 0) section = 1;
            total += section * u;
            section = 0;
        } else {
            if (digit == 0) return -1;              /* 零十 */
            section += (digit > 0 ? digit : 1) * u;
        }
        digit = -1;
    }
    if (digit > 0) section += digit;
    return total + section;
}

const char *gx_trim(const char *s, size_t *n)
{
    size_t len = *n, i = 0;
    while (i < len) {
        int32_t cp;
        int k = (unsigned char)s[i] < 0x80 ? (cp = (unsigned char)s[i], 1) : gx_utf8_next(s + i, len - i, &cp);
        if (k < 0 || !gx_is_space_cp(cp)) break;
        i += (size_t)k;
    }
    size_t e = len;
    while (e > i) {
        size_t b = e - 1;
        while (b > i && ((unsigned char)s[b] & 0xC0) == 0x80) b--;
        int32_t cp;
        int k = gx_utf8_next(s + b, e - b, &cp);
        if (k < 0 || !gx_is_space_cp(cp)) break;
        e = b;
    }
    *n = e - i;
    return s + i;
}

/* segment_decode.c - report bytes to UTF-8 (UTF-8, UTF-16 with BOM, GB18030). */
#include "segment.h"
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>

static long line_of(const char *s, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n'))) line++;
    return line;
}

/* Convert with iconv. On failure sets *bad to the input offset that failed
 * and returns false; out holds what was converted before it. */
static bool convert(const char *from, const char *in, size_t n, gx_buf *out, size_t *bad,
                    const char **why)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) { *bad = 0; *why = "no converter"; return false; }
    gx_buf_reset(out);
    gx_buf_reserve(out, n * 2 + 16);
    char *ip = (char *)in;
    size_t il = n;
    bool ok = true;
    while (il > 0) {
        gx_buf_reserve(out, il * 2 + 16);
        char *op = out->data + out->len;
        size_t ol = out->cap - out->len - 1;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        out->len = (size_t)(op - out->data);
        if (r == (size_t)-1) {
            if (errno == E2BIG) continue;
            *why = errno == EINVAL ? "truncated character at end of input"
                                   : "invalid byte sequence";
            *bad = (size_t)(ip - in);
            ok = false;
            break;
        }
    }
    if (ok) {   /* flush shift state */
        gx_buf_reserve(out, 16);
        char *op = out->data + out->len;
        size_t ol = out->cap - out->len - 1;
        iconv(cd, NULL, NULL, &op, &ol);
        out->len = (size_t)(op - out->data);
    }
    out->data[out->len] = 0;
    iconv_close(cd);
    return ok;
}

/* Length of the well-formed UTF-8 sequence at s (2-4), 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
int gx_seg_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c >= 0xC2 && c <= 0xDF) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;
        if (c == 0xED && s[1] >= 0xA0) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;
        if (c == 0xF4 && s[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

/* Count well-formed multi-byte UTF-8 sequences and invalid positions; set
 * *first_bad to the offset of the first invalid one. */
static void utf8_stats(const char *s, size_t n, size_t *good_mb, size_t *bad, size_t *first_bad,
                       bool *ctl)
{
    *good_mb = *bad = 0;
    *first_bad = n;
    *ctl = false;
    size_t i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (i < n) {
        /* Too many invalid bytes for the file ever to count as mostly UTF-8
           (every sequence still to come is 2 bytes or more): the caller only
           needs to know that much. */
        if (*bad && *bad * 10 >= *good_mb + (n - i) / 2 + 1) return;
        unsigned char c = u[i];
        /* the common cases first: 8 ASCII bytes with no control byte, and a
           CJK character (a 3-byte sequence with no special lead) */
        if (c < 0x80 && i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            const uint64_t hi = 0x8080808080808080ULL;
            if (!(w & hi) && !((w - 0x2020202020202020ULL) & ~w & hi) &&
                !(((w ^ 0x7F7F7F7F7F7F7F7FULL) - 0x0101010101010101ULL) & ~(w ^ 0x7F7F7F7F7F7F7F7FULL) & hi)) {
                i += 8;
                continue;
            }
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            (*good_mb)++;
            i += 3;
            continue;
        }
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') ||
                c == 0x7F)
                *ctl = true;            /* reported by the scan below */
            i++;
            continue;
        }
        int k = gx_seg_utf8_seq((const unsigned char *)s + i, n - i);
        if (k == 0) {
            if (*bad == 0) *first_bad = i;
            (*bad)++;
            i++;
        } else {
            (*good_mb)++;
            i += (size_t)k;
        }
    }
}

/* A control byte other than TAB LF VT FF CR (or DEL) anywhere in s? Eight
 * bytes at a time: a word with no byte below 0x20 and no 0x7F has none. */
static bool has_ctl(const char *s, size_t n)
{
    const uint64_t hi = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
    size_t i = 0;
    for (;;) {
        for (; i + 8 <= n; i += 8) {
            uint64_t w, d;
            memcpy(&w, s + i, 8);
            d = w ^ (ones * 0x7F);
            if (((w - ones * 0x20) & ~w & hi) | ((d - ones) & ~d & hi)) break;
        }
        size_t e = i + 8 < n ? i + 8 : n;
        if (i >= e) return false;
        for (; i < e; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') || c == 0x7F)
                return true;
        }
    }
}

/* UTF-16 (no BOM left) to UTF-8 by hand, for the common case: false when
 * anything is unusual (an odd length, a lone surrogate), and the caller
 * lets iconv do it (and word the error). *ctl tells whether a control
 * character was seen (for the scan that reports it). One loop per byte
 * order (be is a constant in each call), a three-byte character stored
 * as one word where the byte order allows (room for it is reserved). */
static inline __attribute__((always_inline))
bool utf16_loop(const unsigned char *in, size_t n, const bool be, unsigned char *o0, size_t *olen, bool *ctl)
{
    unsigned char *o = o0;
    bool c = false;
    for (size_t i = 0; i < n; i += 2) {
        unsigned u = be ? (unsigned)in[i] << 8 | in[i + 1] : (unsigned)in[i + 1] << 8 | in[i];
        if (u >= 0x800 && (u < 0xD800 || u > 0xDFFF)) {   /* most: CJK */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            uint32_t x = (0xE0u | u >> 12) | (0x80u | ((u >> 6) & 0x3F)) << 8 | (0x80u | (u & 0x3F)) << 16;
            memcpy(o, &x, 4);
            o += 3;
#else
            *o++ = (unsigned char)(0xE0 | u >> 12);
            *o++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (u & 0x3F));
#endif
        } else if (u < 0x80) {
            if ((u < 0x20 && u != '\t' && u != '\n' && u != '\v' && u != '\f' && u != '\r') || u == 0x7F)
                c = true;
            *o++ = (unsigned char)u;
        } else if (u < 0x800) {
            *o++ = (unsigned char)(0xC0 | u >> 6);
            *o++ = (unsigned char)(0x80 | (u & 0x3F));
        } else {
            if (u >= 0xDC00 || i + 4 > n) return false;
            unsigned lo = be ? (unsigned)in[i + 2] << 8 | in[i + 3] : (unsigned)in[i + 3] << 8 | in[i + 2];
            if (lo < 0xDC00 || lo > 0xDFFF) return false;
            unsigned cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            *o++ = (unsigned char)(0xF0 | cp >> 18);
            *o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
            *o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
            i += 2;
        }
    }
    *olen = (size_t)(o - o0);
    *ctl = c;
    return true;
}

static bool utf16_fast(const unsigned char *in, size_t n, bool be, gx_buf *out, bool *ctl)
{
    if (n & 1) return false;
    gx_buf_reset(out);
    gx_buf_reserve(out, n / 2 * 3 + 16);
    unsigned char *o = (unsigned char *)out->data;
    size_t len;
    bool ok = be ? utf16_loop(in, n, true, o, &len, ctl) : utf16_loop(in, n, false, o, &len, ctl);
    if (!ok) return false;
    out->len = len;
    out->data[out->len] = 0;
    return true;
}

static long out_line(const gx_buf *b)
{
    return line_of(b->data ? b->data : "", b->len);
}

bool gx_seg_decode(const char *in, size_t n, const char *name, gx_buf *out)
{
    gx_buf_reset(out);
    if (n == 0) {
        gx_error_at(name, 0, "empty file");
        return false;
    }
    const unsigned char *u = (const unsigned char *)in;
    size_t bad = 0;
    const char *why = NULL;
    bool checked = false;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        const char *enc = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        bool ctl;
        if (utf16_fast(u + 2, n - 2, u[0] == 0xFE, out, &ctl)) {
            checked = !ctl;
        } else if (!convert(enc, in + 2, n - 2, out, &bad, &why)) {
            gx_error_at(name, out_line(out), "not valid %s: %s", enc, why);
            return false;
        }
    } else {
        if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) { in += 3; n -= 3; }
        const char *z = memchr(in, 0, n);
        if (z) {
            gx_error_at(name, line_of(in, (size_t)(z - in)),
                        "NUL byte: binary file, or UTF-16 without a byte-order mark");
            return false;
        }
        size_t good_mb, nbad, first_bad;
        bool ctl;
        utf8_stats(in, n, &good_mb, &nbad, &first_bad, &ctl);
        if (nbad == 0) {
            gx_buf_add(out, in, n);
            checked = !ctl;             /* no control byte at all: nothing to scan */
        } else if (good_mb >= 4 && nbad * 10 < good_mb) {
            /* Mostly UTF-8 with a few broken bytes: not a GB18030 file. */
            gx_error_at(name, line_of(in, first_bad),
                        "invalid UTF-8 byte 0x%02X", (unsigned char)in[first_bad]);
            return false;
        } else if (!convert("GB18030", in, n, out, &bad, &why)) {
            gx_error_at(name, line_of(in, bad),
                        "invalid bytes: neither UTF-8 nor GB18030 (byte 0x%02X: %s)",
                        bad < n ? (unsigned char)in[bad] : 0, why);
            return false;
        } else {
            checked = !has_ctl(out->data, out->len);
        }
    }
    /* Control bytes other than TAB LF VT FF CR mean binary data. */
    for (size_t i = 0; i < out->len && !checked; i++) {
        unsigned char c = (unsigned char)out->data[i];
        if (c >= 0x20 && c != 0x7F) continue;   /* most bytes */
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r') {
            if (c == 0x1A && i + 1 == out->len) { out->len--; out->data[out->len] = 0; break; }
            if (c == 0) gx_error_at(name, line_of(out->data, i), "NUL byte: binary file");
            else gx_error_at(name, line_of(out->data, i), "control byte 0x%02X: binary file", c);
            return false;
        }
        if (c == 0x7F) {
            gx_error_at(name, line_of(out->data, i), "control byte 0x7F: binary file");
            return false;
        }
    }
    if (!out->data) gx_buf_add(out, "", 0);
    return true;
}

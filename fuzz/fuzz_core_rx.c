/* Fuzz rx.c: a pattern and a subject (split at the first NUL byte). The
 * literal prefilter must never change an answer: the same pattern with and
 * without GX_RX_LITERAL gives a match at the same place or no match, from
 * every start offset, before and after the JIT. Nor must the small matcher
 * (rxlite.h): on a valid UTF-8 subject, the pattern matched with it where
 * it takes the pattern and without it (GX_RX_NOLITE) gives the same answer
 * and the same groups, from every start offset, anchored or not. */
#include "rx.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *z = memchr(data, 0, size);
    if (!z || z - data > 200 || size - (size_t)(z - data) - 1 > 600) return 0;
    char *pat = malloc((size_t)(z - data) + 1);
    memcpy(pat, data, (size_t)(z - data));
    pat[z - data] = 0;
    const char *s = (const char *)z + 1;
    size_t n = size - (size_t)(z - data) - 1;
    gx_rx plain, lit;
    gx_rx_set(&plain, pat, 0, NULL, 0);
    gx_rx_set(&lit, pat, GX_RX_LITERAL, NULL, 0);
    if (gx_rx_compile(&plain, NULL, 0) && gx_rx_compile(&lit, NULL, 0)) {
        const char *l;
        size_t ln = gx_rx_literal(&lit, &l);
        if (ln && (l < pat || l + ln > pat + strlen(pat))) abort();
        for (int round = 0; round < 2; round++) {
            for (size_t start = 0; start <= n; start += 1 + n / 8) {
                int a = gx_rx_match(&plain, s, n, start, 0);
                size_t a0, a1;
                gx_rx_group(&plain, 0, &a0, &a1);
                int b = gx_rx_match(&lit, s, n, start, 0);
                size_t b0, b1;
                gx_rx_group(&lit, 0, &b0, &b1);
                if ((a > 0) != (b > 0)) abort();
                if (a > 0 && (a != b || a0 != b0 || a1 != b1)) abort();
            }
            /* the second round after the JIT (when this pcre2 has one) */
            for (int k = 0; k < GX_RX_JIT_AFTER; k++) {
                gx_rx_match(&plain, "", 0, 0, 0);
                gx_rx_match(&lit, "", 0, 0, 0);
            }
        }
        if (gx_utf8_valid(s, n)) {
            gx_rx nol;
            gx_rx_set(&nol, pat, GX_RX_NOLITE, NULL, 0);
            /* (some starts, not all: a pattern that backtracks without end costs
             * pcre2 its whole match limit at each) */
            for (size_t start = 0; start <= n; start += 1 + n / 8) {
                while (start < n && ((unsigned char)s[start] & 0xC0) == 0x80) start++;   /* a character's start */
                for (unsigned an = 0; an <= GX_RX_ANCHORED; an += GX_RX_ANCHORED) {
                    int a = gx_rx_match(&plain, s, n, start, GX_RX_VALID | an);
                    int b = gx_rx_match(&nol, s, n, start, GX_RX_VALID | an);
                    if ((a > 0) != (b > 0) || (a > 0 && a != b)) abort();
                    for (int g = 0; a > 0 && g < a; g++) {
                        size_t a0, a1, b0, b1;
                        gx_rx_group(&plain, g, &a0, &a1);
                        gx_rx_group(&nol, g, &b0, &b1);
                        if (a0 != b0 || a1 != b1) abort();
                    }
                }
            }
            /* and a replacement: the same text and count */
            gx_buf ra, rb;
            gx_buf_init(&ra);
            gx_buf_init(&rb);
            int ca = gx_rx_replace(&plain, s, n, "<>", &ra, GX_RX_VALID);
            int cb = gx_rx_replace(&nol, s, n, "<>", &rb, GX_RX_VALID);
            if (ca != cb || ra.len != rb.len || memcmp(ra.data, rb.data, ra.len) != 0) abort();
            gx_buf_free(&ra);
            gx_buf_free(&rb);
            gx_rx_free(&nol);
        }
        gx_buf out;
        gx_buf_init(&out);
        gx_rx_replace(&plain, s, n, "<>", &out, 0);
        gx_buf_free(&out);
    }
    gx_rx_free(&plain);
    gx_rx_free(&lit);
    free(pat);
    return 0;
}

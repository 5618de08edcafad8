/* fuzz_core_rxlite.c - the small pattern matcher (rxlite.c)
 * against pcre2 on arbitrary patterns and subjects: the input is
 * "PATTERN\nSUBJECT" (first byte 'w': a whole-subject pattern). A pattern
 * the matcher takes must give pcre2's answer, end and groups on every
 * valid UTF-8 subject; anything else is left alone. A difference aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "rxlite.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 4096) return 0;
    bool whole = data[0] == 'w';
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    const char *nl = memchr(in, '\n', n);
    if (!nl) return 0;
    size_t pn = (size_t)(nl - in);
    const char *subj = nl + 1;
    size_t sn = n - pn - 1;
    /* patterns are text (a table's field): no NUL */
    if (!gx_utf8_valid(subj, sn) || memchr(in, 0, pn)) return 0;
    char *pat = malloc(pn + 1);
    memcpy(pat, in, pn);
    pat[pn] = 0;
    gx_rxl *tp = gx_rxl_new(pat, pn, whole);
    if (tp) {
        size_t wl = pn + 32;
        char *w = malloc(wl);
        snprintf(w, wl, whole ? "(*UCP)\\A(?:%s)\\z" : "(*UCP)%s", pat);
        gx_rx rx;
        gx_rx_set(&rx, w, GX_RX_NOJIT | GX_RX_NOLITE, "fuzz", 0);
        char err[200];
        if (!gx_rx_compile(&rx, err, sizeof err)) {
            fprintf(stderr, "taken by rxlite.c, refused by pcre2: %s (%s)\n", pat, err);
            abort();
        }
        size_t caps[32];
        int mine = gx_rxl_match(tp, subj, sn, caps, 32);
        if (mine >= 0) {
            int rc = gx_rx_match(&rx, subj, sn, 0, GX_RX_VALID);
            if (rc >= 0 && (mine > 0) != (rc > 0)) {
                fprintf(stderr, "match differs: %s on [%.*s]: %d vs %d\n", pat, (int)sn, subj, mine, rc);
                abort();
            }
            for (int g = 0; rc > 0 && g < 16; g++) {
                size_t a, b;
                gx_rx_group(&rx, g, &a, &b);
                if (a != caps[2 * g] || b != caps[2 * g + 1]) {
                    fprintf(stderr, "group %d differs: %s on [%.*s]\n", g, pat, (int)sn, subj);
                    abort();
                }
            }
        }
        gx_rx_free(&rx);
        free(w);
        gx_rxl_free(tp);
    }
    free(pat);
    return 0;
}

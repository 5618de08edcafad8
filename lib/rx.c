/* rx.c - lazily compiled, lazily JIT-compiled PCRE2 patterns (rx.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"

#include <pcre2.h>
#include <stdio.h>
#include <string.h>

static gx_rx_stats stats;
static gx_buf scratch;   /* padded copies of short subjects for the JIT */

gx_rx_stats gx_rx_get_stats(void) { return stats; }

void gx_rx_set(gx_rx *r, const char *pat, unsigned flags, const char *where, int row)
{
    memset(r, 0, sizeof *r);
    r->pattern = pat;
    r->flags = flags;
    r->where = where;
    r->row = row;
}

bool gx_rx_compile(gx_rx *r, char *err, size_t errcap)
{
    if (r->re) return true;
    int code;
    PCRE2_SIZE off;
    uint32_t opt = (r->flags & GX_RX_BYTES ? 0 : PCRE2_UTF) |
                   (r->flags & GX_RX_CASELESS ? PCRE2_CASELESS : 0);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opt,
                                   &code, &off, NULL);
    if (!re) {
        if (err && errcap) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            snprintf(err, errcap, "bad pattern at offset %zu: %s", (size_t)off, (char *)msg);
        }
        return false;
    }
    r->re = re;
    r->md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!r->md) gx_die(GX_EXIT_ERROR, "out of memory");
    r->uses = 0;
    r->jit = r->jit_failed = false;
    stats.compiled++;
    return true;
}

static void need(gx_rx *r)
{
    if (r->re) return;
    char err[300];
    if (!gx_rx_compile(r, err, sizeof err)) {
        if (r->where) gx_die(GX_EXIT_ERROR, "%s: row %d: %s", r->where, r->row, err);
        gx_die(GX_EXIT_ERROR, "%s", err);
    }
}

/* Count a use; JIT-compile when it has been used enough or the subject is
 * long. */
static void maybe_jit(gx_rx *r, size_t n)
{
    if (r->jit || r->jit_failed || (r->flags & GX_RX_NOJIT)) return;
    if (r->uses < GX_RX_JIT_AFTER) r->uses++;
    if (r->uses < GX_RX_JIT_AFTER && n < GX_RX_JIT_BYTES) return;
    if (pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE) == 0) { r->jit = true; stats.jitted++; }
    else r->jit_failed = true;
}

/* The subject the JIT may run on, or NULL: the interpreter must be used. */
static const char *jit_subject(gx_rx *r, const char *s, size_t n, unsigned mflags)
{
    if (!r->jit || (mflags & GX_RX_PADDED)) return s;
    if (n > GX_RX_COPY_MAX) { stats.interp_long++; return NULL; }
    gx_buf_reset(&scratch);
    gx_buf_reserve(&scratch, n + GX_RX_PAD);
    memcpy(scratch.data, s, n);
    memset(scratch.data + n, 0, GX_RX_PAD);
    stats.copied++;
    return scratch.data;
}

static uint32_t match_opts(unsigned mflags)
{
    return (mflags & GX_RX_VALID ? PCRE2_NO_UTF_CHECK : 0) |
           (mflags & GX_RX_ANCHORED ? PCRE2_ANCHORED : 0);
}

int gx_rx_match(gx_rx *r, const char *s, size_t n, size_t start, unsigned mflags)
{
    need(r);
    maybe_jit(r, n);
    if (start > n) return 0;
    if (!s) s = "";
    uint32_t opt = match_opts(mflags);
    const char *subj = jit_subject(r, s, n, mflags);
    if (!subj) { subj = s; opt |= PCRE2_NO_JIT; }
    int rc = pcre2_match(r->re, (PCRE2_SPTR)subj, n, start, opt, r->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) return 0;
    return rc;
}

void gx_rx_group(const gx_rx *r, int g, size_t *a, size_t *b)
{
    *a = *b = GX_RX_UNSET;
    if (!r->md || g < 0 || (uint32_t)g >= pcre2_get_ovector_count(r->md)) return;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    *a = ov[2 * g];
    *b = ov[2 * g + 1];
}

int gx_rx_replace(gx_rx *r, const char *s, size_t n, const char *rep, gx_buf *out,
                  unsigned mflags)
{
    need(r);
    maybe_jit(r, n);
    if (!s) s = "";
    uint32_t opt = match_opts(mflags) | PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
    const char *subj = jit_subject(r, s, n, mflags);
    if (!subj) { subj = s; opt |= PCRE2_NO_JIT; }
    /* the subject may be the scratch buffer: never reuse it for out */
    gx_buf_reset(out);
    PCRE2_SIZE cap = n + n / 2 + 64;
    for (int tries = 0; tries < 2; tries++) {
        gx_buf_reserve(out, cap + 1);
        PCRE2_SIZE len = out->cap - 1;   /* room for the NUL */
        int rc = pcre2_substitute(r->re, (PCRE2_SPTR)subj, n, 0, opt, r->md, NULL,
                                  (PCRE2_SPTR)rep, PCRE2_ZERO_TERMINATED,
                                  (PCRE2_UCHAR *)out->data, &len);
        if (rc >= 0) { out->len = len; out->data[len] = 0; return rc; }
        if (rc != PCRE2_ERROR_NOMEMORY) break;
        cap = len;   /* the length needed */
    }
    gx_buf_reset(out);
    gx_buf_add(out, s, n);
    gx_buf_reserve(out, 0);
    out->data[out->len] = 0;
    return -1;
}

void gx_rx_pad(gx_buf *b)
{
    gx_buf_reserve(b, GX_RX_PAD + 1);
    memset(b->data + b->len, 0, GX_RX_PAD + 1);
}

void gx_rx_free(gx_rx *r)
{
    if (r->md) pcre2_match_data_free(r->md);
    if (r->re) pcre2_code_free(r->re);
    r->md = NULL;
    r->re = NULL;
    r->uses = 0;
    r->jit = r->jit_failed = false;
}

/* rx.c - lazily compiled, lazily JIT-compiled PCRE2 patterns (rx.h). */
#define _GNU_SOURCE   /* memmem */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rx.h"
#include "rxlite.h"
#include "text.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gx_rx_stats stats;
static void find_literal(gx_rx *r);
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
    r->lit = NULL;
    r->lit_n = 0;
    if (r->flags & GX_RX_LITERAL) find_literal(r);
    stats.compiled++;
    return true;
}

static void need(gx_rx *r);

/* ---- the literal prefilter --------------------------------------------- */

/* Skip a quantifier at p[i] (?, *, +, {m,n}, with a lazy or possessive
 * suffix); returns the index after it. */
static size_t skip_quant(const char *p, size_t i)
{
    if (p[i] == '?' || p[i] == '*' || p[i] == '+') i++;
    else if (p[i] == '{') {
        size_t j = i + 1;
        while (p[j] && (p[j] == ',' || (p[j] >= '0' && p[j] <= '9'))) j++;
        if (p[j] != '}') return i;          /* a literal {: handled by the caller */
        i = j + 1;
    } else return i;
    if (p[i] == '?' || p[i] == '+') i++;
    return i;
}

/* Index after the character class starting at p[i] == '[', or 0. */
static size_t skip_class(const char *p, size_t i)
{
    i++;
    if (p[i] == '^') i++;
    if (p[i] == ']') i++;                   /* a ] first is literal */
    while (p[i] && p[i] != ']') {
        if (p[i] == '\\' && (p[i + 1] == 'Q' || p[i + 1] == 'E' || p[i + 1] == 'c'))
            return 0;                       /* quoting, \c]: give up */
        if (p[i] == '\\' && p[i + 1]) i += 2;
        else if (p[i] == '[' && p[i + 1] == ':') {  /* [:alpha:], else [ is literal */
            size_t j = i + 2;
            if (p[j] == '^') j++;
            while ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z')) j++;
            i = p[j] == ':' && p[j + 1] == ']' ? j + 2 : i + 1;
        } else i++;
    }
    return p[i] == ']' ? i + 1 : 0;
}

/* Index after the group starting at p[i] == '(', or 0. */
static size_t skip_group(const char *p, size_t i)
{
    int depth = 0;
    while (p[i]) {
        if (p[i] == '\\') {
            if (p[i + 1] == 'Q' || p[i + 1] == 'E' || p[i + 1] == 'c') return 0;
            i += p[i + 1] ? 2 : 1;
            continue;
        }
        if (p[i] == '[') { i = skip_class(p, i); if (!i) return 0; continue; }
        if (p[i] == '(') depth++;
        else if (p[i] == ')' && --depth == 0) return i + 1;
        i++;
    }
    return 0;
}

static void find_literal(gx_rx *r)
{
    r->lit = NULL;
    r->lit_n = 0;
    if (r->flags & GX_RX_CASELESS) return;
    const char *p = r->pattern;
    size_t i = 0, run_a = 0, run_n = 0, best_a = 0, best_n = 0;
    /* leading option settings, which do not change how a literal matches:
     * (*UTF) (*UCP) (*CRLF) (*LIMIT_MATCH=n) (*NO_START_OPT) and the like */
    while (p[i] == '(' && p[i + 1] == '*') {
        static const char *const opts[] = {"UTF)", "UTF8)", "UCP)", "CR)", "LF)", "CRLF)", "ANYCRLF)",
                                           "ANY)", "NUL)", "BSR_ANYCRLF)", "BSR_UNICODE)",
                                           "NO_AUTO_POSSESS)", "NO_DOTSTAR_ANCHOR)", "NO_JIT)",
                                           "NO_START_OPT)", "NOTEMPTY)", "NOTEMPTY_ATSTART)",
                                           "LIMIT_MATCH=", "LIMIT_DEPTH=", "LIMIT_HEAP=",
                                           "LIMIT_RECURSION="};
        size_t k = 0, n = 0;
        for (; k < sizeof opts / sizeof *opts; k++)
            if (strncmp(p + i + 2, opts[k], n = strlen(opts[k])) == 0) break;
        if (k == sizeof opts / sizeof *opts) return;
        i += 2 + n;
        if (opts[k][n - 1] == '=') {           /* a number, then ')' */
            while (p[i] >= '0' && p[i] <= '9') i++;
            if (p[i++] != ')') return;
        }
    }
#define END_RUN() do { if (run_n > best_n) best_a = run_a, best_n = run_n; run_n = 0; } while (0)
    while (p[i]) {
        unsigned char c = (unsigned char)p[i];
        if (c == '|' || c == ')') return;              /* top-level alternatives */
        if (c == '(') {
            /* (?i) and the like change how literals match: give up */
            if (p[i + 1] == '?' && ((p[i + 2] >= 'a' && p[i + 2] <= 'z') || p[i + 2] == '^' ||
                                    p[i + 2] == '-' || (p[i + 2] >= 'A' && p[i + 2] <= 'Z')))
                return;
            if (p[i + 1] == '*') return;               /* (*VERB) */
            END_RUN();
            i = skip_group(p, i);
            if (!i) return;
            i = skip_quant(p, i);
            continue;
        }
        if (c == '[') {
            END_RUN();
            i = skip_class(p, i);
            if (!i) return;
            i = skip_quant(p, i);
            continue;
        }
        if (c == '\\') {
            END_RUN();
            char e = p[i + 1];
            if (!e || e == 'Q' || e == 'E') return;
            if ((unsigned char)e >= 0x80) return;        /* an escaped non-ASCII character */
            i += 2;
            if (strchr("xpPNogkc", e) && p[i] == '{') {  /* \x{..} \p{..} ... */
                const char *b = strchr(p + i, '}');
                if (!b) return;
                i = (size_t)(b - p) + 1;
            } else if (strchr("xpPgkc0123456789", e)) {
                return;                                  /* forms of varying length: give up */
            }
            i = skip_quant(p, i);
            continue;
        }
        if (c == '^' || c == '$' || c == '.') { END_RUN(); i = skip_quant(p, i + 1); continue; }
        if (c == '?' || c == '*' || c == '+' || c == '{' || c == '#' || c == ' ') return;
        /* a literal character */
        size_t cl = 1;
        if (!(r->flags & GX_RX_BYTES))
            cl = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        for (size_t k = 1; k < cl; k++) if (!p[i + k]) return;
        size_t j = i + cl;
        if (p[j] == '?' || p[j] == '*' || p[j] == '{') { END_RUN(); i = skip_quant(p, j); if (i == j) return; continue; }
        if (run_n == 0) run_a = i;
        run_n += cl;
        i = j;
        if (p[j] == '+') { END_RUN(); i = skip_quant(p, j); }
    }
    END_RUN();
#undef END_RUN
    if (best_n) { r->lit = p + best_a; r->lit_n = best_n; }
}

/* Does s[start..n) contain r's literal? */
static bool has_literal(const gx_rx *r, const char *s, size_t n, size_t start)
{
    return memmem(s + start, n - start, r->lit, r->lit_n) != NULL;
}

size_t gx_rx_literal(gx_rx *r, const char **lit)
{
    need(r);
    if (!r->lit_n) find_literal(r);   /* also without GX_RX_LITERAL */
    *lit = r->lit;
    return r->lit_n;
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

/* The small matcher's program for r, or NULL (made on first need). The
 * verbs it may skip change no match; any other verb keeps r to pcre2. */
static struct gx_rxl *lite_of(gx_rx *r)
{
    if (r->lite_state) return r->lite;
    r->lite_state = 1;
    if (r->flags & (GX_RX_BYTES | GX_RX_CASELESS | GX_RX_NOLITE)) return NULL;
    const char *p = r->pattern;
    bool ucp = false;
    while (p[0] == '(' && p[1] == '*') {
        const char *e = strchr(p, ')');
        if (!e) return NULL;
        size_t k = (size_t)(e - p - 2);
        const char *v = p + 2;
        if (k == 3 && memcmp(v, "UCP", 3) == 0) ucp = true;
        else if (!((k == 3 && memcmp(v, "UTF", 3) == 0) || (k == 15 && memcmp(v, "NO_AUTO_POSSESS", 15) == 0) ||
                   (k == 12 && memcmp(v, "NO_START_OPT", 12) == 0)))
            return NULL;   /* (a (*LIMIT_...) may make pcre2 fail where the small matcher would not) */
        p = e + 1;
    }
    r->lite = gx_rxl_new_opt(p, strlen(p), false, ucp);
    if (!r->lite) return NULL;
    r->lite_caps = gx_xmalloc(2 * GX_RXL_GROUPS * sizeof *r->lite_caps);
    r->lite_state = 2;
    return r->lite;
}

/* May r be anchored (^, \A or \G first, after its verbs)? Asked before
 * the small matcher's program is made for a long search, which it takes
 * only when anchored: a pattern used only for long searches is compiled
 * once, by pcre2. */
static bool anchored_text(const gx_rx *r)
{
    if (r->lite_state == 2) return gx_rxl_anchored(r->lite);
    const char *p = r->pattern;
    while (p[0] == '(' && p[1] == '*') {
        const char *e = strchr(p, ')');
        if (!e) return false;
        p = e + 1;
    }
    return p[0] == '^' || (p[0] == '\\' && (p[1] == 'G' || p[1] == 'A'));
}

int gx_rx_match(gx_rx *r, const char *s, size_t n, size_t start, unsigned mflags)
{
    if (!s) s = "";
    /* (a start inside a character is pcre2's to answer, as before) */
    if ((mflags & GX_RX_VALID) && r->lite_state != 1 && start <= n &&
        (start == n || ((unsigned char)s[start] & 0xC0) != 0x80) &&
        ((mflags & GX_RX_ANCHORED) || n - start <= GX_RX_LITE_BYTES || anchored_text(r))) {
        struct gx_rxl *L = lite_of(r);
        if (L && ((mflags & GX_RX_ANCHORED) || gx_rxl_anchored(L) || n - start <= GX_RX_LITE_BYTES)) {
            int v = gx_rxl_match_at(L, s, n, start, mflags & GX_RX_ANCHORED, r->lite_caps, 2 * GX_RXL_GROUPS);
            if (v >= 0) {
                stats.lite++;
                r->lite_last = true;
                if (v == 0) return 0;
                int g = GX_RXL_GROUPS - 1;   /* pcre2: one more than the highest group set */
                while (g > 0 && r->lite_caps[2 * g] == GX_RX_UNSET) g--;
                return g + 1;
            }
        }
    }
    r->lite_last = false;
    need(r);
    if (start > n) return 0;
    if (!s) s = "";
    if ((r->flags & GX_RX_LITERAL) && r->lit_n && !has_literal(r, s, n, start)) {
        stats.prefiltered++;
        return 0;
    }
    maybe_jit(r, n);
    uint32_t opt = match_opts(mflags);
    const char *subj = jit_subject(r, s, n, mflags);
    if (!subj) { subj = s; opt |= PCRE2_NO_JIT; }
    int rc = pcre2_match(r->re, (PCRE2_SPTR)subj, n, start, opt, r->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) return 0;
    return rc;
}

const char *gx_rx_mark(const gx_rx *r)
{
    if (r->lite_last) return NULL;   /* (a pattern with a verb is not the small matcher's) */
    return r->md ? (const char *)pcre2_get_mark((pcre2_match_data *)r->md) : NULL;
}

void gx_rx_group(const gx_rx *r, int g, size_t *a, size_t *b)
{
    *a = *b = GX_RX_UNSET;
    if (r->lite_last) {
        if (g >= 0 && g < GX_RXL_GROUPS) { *a = r->lite_caps[2 * g]; *b = r->lite_caps[2 * g + 1]; }
        return;
    }
    if (!r->md || g < 0 || (uint32_t)g >= pcre2_get_ovector_count(r->md)) return;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
    *a = ov[2 * g];
    *b = ov[2 * g + 1];
}

int gx_rx_group_number(gx_rx *r, const char *name)
{
    need(r);
    int g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)name);
    return g > 0 ? g : -1;
}

/* gx_rx_replace by the small matcher, where it answers as pcre2_substitute
 * would: a replacement without $ (taken literally by both), a short valid
 * subject, matches that are never empty (pcre2 retries an empty match at
 * the same place under other options). -1 when pcre2 must do it. */
static int lite_replace(gx_rx *r, const char *s, size_t n, const char *rep, gx_buf *out, unsigned mflags)
{
    if ((mflags & GX_RX_ANCHORED) || n > GX_RX_LITE_BYTES || r->lite_state == 1 || strchr(rep, '$'))
        return -1;
    if (!(mflags & GX_RX_VALID) && !gx_utf8_valid(s, n)) return -1;
    struct gx_rxl *L = lite_of(r);
    if (!L) return -1;
    size_t rl = strlen(rep), at = 0, last = 0;
    int count = 0;
    gx_buf_reset(out);
    for (;;) {
        int v = gx_rxl_match_at(L, s, n, at, false, r->lite_caps, 2);
        if (v < 0) return -1;
        if (v == 0) break;
        size_t a = r->lite_caps[0], b = r->lite_caps[1];
        if (b == a) return -1;
        gx_buf_add(out, s + last, a - last);
        gx_buf_add(out, rep, rl);
        count++;
        last = at = b;
    }
    gx_buf_add(out, s + last, n - last);
    gx_buf_reserve(out, 0);
    out->data[out->len] = 0;
    stats.lite++;
    return count;
}

int gx_rx_replace(gx_rx *r, const char *s, size_t n, const char *rep, gx_buf *out,
                  unsigned mflags)
{
    r->lite_last = false;
    if (!s) s = "";
    int lc = lite_replace(r, s, n, rep, out, mflags);
    if (lc >= 0) return lc;
    need(r);
    maybe_jit(r, n);
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
    gx_rxl_free(r->lite);
    free(r->lite_caps);
    r->lite = NULL;
    r->lite_caps = NULL;
    r->lite_state = 0;
    r->lite_last = false;
}

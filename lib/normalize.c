/* normalize.c - gx-normalize: the document stream of one report in, its facts
 * out. One document is held at a time (memory bounded by the largest report);
 * nothing is kept across documents.
 *
 * Per document: document fields (year, org), the template kind and layout of
 * each table (normalize_schema.tsv), the report schema, narrative figures
 * (narrative.tsv), table facts (labels.tsv), the T4 shift resolution, and the
 * derived sums (normalize_derived.tsv). */
#define _GNU_SOURCE   /* memmem */
#include "normalize.h"
#include "text.h"

#include "rx.h"
#include <stddef.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

/* ---- patterns (rx.h: compiled on first use, JIT-compiled when used often) -- */

typedef gx_rx rx;

/* The subject checked as UTF-8 once (pcre2 would check the whole subject
 * again on every call: a cost that grows with the matches). */
static const char *rx_checked;
static size_t rx_checked_n;

static void rx_subject(const char *s, size_t n, bool known_valid)
{
    rx_checked = known_valid || gx_utf8_valid(s, n) ? s : NULL;
    rx_checked_n = n;
}

/* Match at or after start; returns the number of pairs (>0) or <= 0. The
 * subjects are gx_bufs padded with gx_rx_pad. */
static int rx_match(rx *r, const char *s, size_t n, size_t start)
{
    unsigned fl = GX_RX_PADDED | (s == rx_checked && n == rx_checked_n ? GX_RX_VALID : 0);
    return gx_rx_match(r, s, n, start, fl);
}

static void rx_group(rx *r, int g, size_t *a, size_t *b) { gx_rx_group(r, g, a, b); }

/* ---- matching over the body: only where the pattern's literal is ------------ */

/* A pattern over the body is searched from a start offset, and pcre2 tries
 * every character there on: over a report in CJK, the first byte of most
 * patterns (E4..E9) starts a try at nearly every character. But every match
 * contains the pattern's required literal (own_literal: top-level text),
 * and when the part of the pattern before that literal can match at most
 * `pre` bytes in this body (rx_width), a match can only start in the `pre`
 * bytes before an occurrence of the literal, and only with one of the
 * characters the pattern can start with (rx_firsts). So the literal is
 * looked for (lit_find), and pcre2 tries only those starts, anchored, in
 * order: the first that matches is the match the unanchored search finds
 * (it tries the same starts in the same order, and no other start can
 * match). A pattern whose prefix is not understood is searched as before,
 * and not at all when its literal is not in the body after the start.
 * All of it is read from the patterns of the tables: nothing here knows
 * a pattern. */

#define RX_FIRSTS 16
typedef struct rxwin {
    bool        ready;
    const char *lit;      /* the required literal, or NULL: search as usual */
    size_t      lit_n;
    size_t      key;      /* the byte of the literal memchr looks for */
    unsigned    key_serial; /* the body key was chosen for */
    size_t      pl;       /* the pattern's prefix before the literal: p[0..pl) */
    size_t      pre;      /* bytes the prefix can match in this body */
    bool        only_there; /* pre unknown or too large: the literal only tells
                               whether to search */
    long        ws_at, num_at; /* the body runs pre was computed for */
    rx          anch;     /* the pattern anchored at the start offset: \G(?:...) */
    char       *anch_pat;
    int         nfirst;   /* > 0: every match starts with one of these characters */
    const char *first[RX_FIRSTS];
    size_t      first_n[RX_FIRSTS];
    uint64_t    first_byte[4]; /* the first bytes of first[] */
    /* after the literal: a bounded gap (pattern text p[gap_a..gap_b)), then
     * one of these words, required: an occurrence of the literal with none
     * of them within gap bytes after it cannot be the literal of a match */
    int         nafter;
    const char *after[RX_FIRSTS];
    size_t      after_n[RX_FIRSTS];
    uint64_t    after_byte[4];
    size_t      gap_a, gap_b;
    long        gap;      /* for this body; < 0: no such test */
    unsigned    tries;    /* anchored tries so far (capped) */
    unsigned    after_serial; /* the body after_at was found in */
    size_t      after_from, after_at; /* the first word at or after after_from */
} rxwin;

/* Index after the character class at p[i] == '[' (within b), or 0. */
static size_t class_end(const char *p, size_t i, size_t b)
{
    i++;
    if (i < b && p[i] == '^') i++;
    if (i < b && p[i] == ']') i++;
    while (i < b && p[i] != ']') {
        if (p[i] == '\\') {
            if (i + 1 >= b || p[i + 1] == 'Q' || p[i + 1] == 'E') return 0;
            i += 2;
        } else if (p[i] == '[' && i + 1 < b && p[i + 1] == ':') {
            const char *e = memchr(p + i + 2, ']', b - i - 2);
            if (!e || e[-1] != ':') return 0;
            i = (size_t)(e - p) + 1;
        } else i++;
    }
    return i < b ? i + 1 : 0;
}

/* Index after the group at p[i] == '(' (within b), or 0. */
static size_t group_end(const char *p, size_t i, size_t b)
{
    int depth = 0;
    while (i < b) {
        if (p[i] == '\\') { i += 2; continue; }
        if (p[i] == '[') { i = class_end(p, i, b); if (!i) return 0; continue; }
        if (p[i] == '(') depth++;
        else if (p[i] == ')' && --depth == 0) return i + 1;
        i++;
    }
    return 0;
}

/* Is the class at p[i] == '[' (ending before j) one of digits, commas and
 * points only ([\d,], [0-9.,] ...)? */
static bool class_numeric(const char *p, size_t i, size_t j)
{
    i++;
    if (p[i] == '^') return false;
    for (; i < j - 1; i++) {
        if (p[i] == '\\' && p[i + 1] == 'd') { i++; continue; }
        if (!((p[i] >= '0' && p[i] <= '9') || p[i] == ',' || p[i] == '.')) return false;
    }
    return true;
}

/* What a pattern's width depends on in one body: the longest run of ASCII
 * whitespace bytes (all that \s matches: the patterns are compiled without
 * PCRE2_UCP) and the longest run of bytes in [0-9,.] (all that \d and
 * [\d,] match). An unbounded \s* or [\d,]* can match no more than that. */
typedef struct rxw_ctx { long ws, num; int ngroup; long gw[32]; } rxw_ctx;

/* Count the capturing groups inside the group p[i..j) that rx_width does
 * not look into (an assertion): their widths are not known. False when a
 * group there is named or resets numbers (not followed here). */
static bool skip_groups(const char *p, size_t i, size_t j, rxw_ctx *x)
{
    for (size_t k = i + 1; k + 1 < j; k++) {
        if (p[k] == '\\') { k++; continue; }
        if (p[k] == '[') { size_t e = class_end(p, k, j); if (!e) return false; k = e - 1; continue; }
        if (p[k] != '(') continue;
        if (p[k + 1] == '?') {
            if (p[k + 2] == 'P' || p[k + 2] == '\'' || p[k + 2] == '|' ||
                (p[k + 2] == '<' && p[k + 3] != '=' && p[k + 3] != '!')) return false;
        } else if (p[k + 1] != '*') {
            if (++x->ngroup < 32) x->gw[x->ngroup] = -1;
        }
    }
    return true;
}

/* The most bytes of UTF-8 text a piece p[a..b) of a pattern can match in
 * the body described by x, or -1 when it is unbounded or holds anything
 * not understood here (then nothing is assumed). A character class, an
 * escape or . counts 4 bytes (the longest UTF-8 character); a back
 * reference, the width of its group. */
static long rx_width(const char *p, size_t a, size_t b, rxw_ctx *x)
{
    long best = 0, cur = 0;
    size_t i = a;
    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        long w;
        int run = 0;            /* 1: whitespace, 2: digits (for * and +) */
        size_t j;
        if (c == '|') { if (cur > best) best = cur; cur = 0; i++; continue; }
        if (c == '(') {
            j = group_end(p, i, b);
            if (!j) return -1;
            size_t in = i + 1;
            int num = 0;
            if (p[in] == '?') {
                if (p[in + 1] == '=' || p[in + 1] == '!' ||
                    (p[in + 1] == '<' && (p[in + 2] == '=' || p[in + 2] == '!'))) {
                    if (!skip_groups(p, i, j, x)) return -1;
                    w = 0;                        /* an assertion: no width */
                    i = j;
                    goto quant;
                }
                if (p[in + 1] == ':' || p[in + 1] == '>') in += 2;
                else return -1;                   /* names, options, ...: not here */
            } else if (p[in] == '*') return -1;
            else num = ++x->ngroup;
            w = rx_width(p, in, j - 1, x);
            if (w < 0) return -1;
            if (num && num < 32) x->gw[num] = w;
            i = j;
        } else if (c == '[') {
            j = class_end(p, i, b);
            if (!j) return -1;
            w = 4;
            if (class_numeric(p, i, j)) run = 2;
            i = j;
        } else if (c == '\\') {
            char e = i + 1 < b ? p[i + 1] : 0;
            if (e >= '1' && e <= '9') {          /* a back reference */
                int n = 0;
                i++;
                while (i < b && p[i] >= '0' && p[i] <= '9') n = n * 10 + (p[i++] - '0');
                if (n > x->ngroup || n >= 32 || x->gw[n] < 0) return -1;
                w = x->gw[n];
            } else if ((e == 'p' || e == 'P') && i + 2 < b) {
                if (p[i + 2] == '{') {
                    const char *cl = memchr(p + i, '}', b - i);
                    if (!cl) return -1;
                    i = (size_t)(cl - p) + 1;
                } else i += 3;
                w = 4;
            } else {
                if (!e || strchr("QEKGXCgkx0pPNoc", e)) return -1;
                w = strchr("bBAzZ", e) ? 0 : 4;
                run = e == 's' ? 1 : e == 'd' ? 2 : 0;
                i += 2;
            }
        } else if (c == '^' || c == '$') { w = 0; i++; }
        else if (c == '.') { w = 4; i++; }
        else if (c == ')' || c == '*' || c == '+' || c == '?' || c == '{' || c == '#' || c == ' ') return -1;
        else {
            size_t cl = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            w = (long)cl;
            i += cl;
        }
    quant:;
        /* unbounded repeats only of whitespace or digits: a run in the body */
        long unbounded = run == 1 ? x->ws : run == 2 ? x->num : -1;
        if (i < b && (p[i] == '*' || p[i] == '+')) {
            if (unbounded < 0) return -1;
            w = unbounded;
            i++;
        } else if (i < b && p[i] == '?') { i++; }
        else if (i < b && p[i] == '{') {
            size_t k = i + 1;
            long lo = 0, hi;
            while (k < b && p[k] >= '0' && p[k] <= '9') lo = lo * 10 + (p[k++] - '0');
            hi = lo;
            bool open = false;
            if (k < b && p[k] == ',') {
                k++;
                if (k < b && p[k] >= '0' && p[k] <= '9') {
                    hi = 0;
                    while (k < b && p[k] >= '0' && p[k] <= '9') hi = hi * 10 + (p[k++] - '0');
                } else open = true;            /* {m,}: unbounded */
            }
            if (k >= b || p[k] != '}' || k == i + 1 || hi > 1000) return -1;
            if (open) {
                if (unbounded < 0) return -1;
                w = unbounded;
            } else w *= hi;
            i = k + 1;
        }
        if (i < b && (p[i] == '?' || p[i] == '+')) i++;   /* lazy, possessive */
        cur += w;
        if (cur > 1 << 20) return -1;
    }
    return cur > best ? cur : best;
}

/* The characters a match of p[a..b) can start with, added to w->first;
 * returns 1 when p[a..b) can match the empty string (what follows may start
 * the match then), 0 when not, -1 when not known (a class, an escape, too
 * many characters: no filter). Only literal characters, groups of
 * alternatives, assertions and the quantifiers ? {0,n} are understood. */
static int rx_firsts(const char *p, size_t a, size_t b, rxwin *w)
{
    size_t i = a;
    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        int nullable;
        size_t j = 0;
        if (c == '(') {
            j = group_end(p, i, b);
            if (!j) return -1;
            size_t in = i + 1;
            if (p[in] == '?' && (p[in + 1] == '=' || p[in + 1] == '!' ||
                                 (p[in + 1] == '<' && (p[in + 2] == '=' || p[in + 2] == '!')))) {
                i = j;                                 /* an assertion: skipped */
                if (i < b && (p[i] == '?' || p[i] == '*' || p[i] == '+' || p[i] == '{')) return -1;
                continue;
            }
            if (p[in] == '?') {
                if (p[in + 1] == ':' || p[in + 1] == '>') in += 2;
                else return -1;
            } else if (p[in] == '*') return -1;
            /* each alternative of the group */
            nullable = 0;
            size_t k = in, depth = 0, alt = in;
            for (; k <= j - 1; k++) {
                if (k == j - 1 || (p[k] == '|' && depth == 0)) {
                    int r = rx_firsts(p, alt, k, w);
                    if (r < 0) return -1;
                    if (r) nullable = 1;
                    alt = k + 1;
                    continue;
                }
                if (p[k] == '\\') { k++; continue; }
                if (p[k] == '[') { size_t e = class_end(p, k, j - 1); if (!e) return -1; k = e - 1; continue; }
                if (p[k] == '(') depth++;
                else if (p[k] == ')') depth--;
            }
            i = j;
        } else if ((c == '\\' && p[i + 1] == 'd') || (c == '[' && (j = class_end(p, i, b)) && class_numeric(p, i, j))) {
            /* digits (and the class's commas and points) */
            static const char digits[] = "0123456789,.";
            for (int d = 0; d < (c == '[' ? 12 : 10); d++) {
                bool have = false;
                for (int f = 0; f < w->nfirst; f++)
                    if (w->first_n[f] == 1 && w->first[f][0] == digits[d]) have = true;
                if (have) continue;
                if (w->nfirst == RX_FIRSTS) return -1;
                w->first[w->nfirst] = digits + d;
                w->first_n[w->nfirst++] = 1;
            }
            nullable = 0;
            i = c == '[' ? j : i + 2;
        } else if (c == '[' || c == '\\' || c == '.' || c == '^' || c == '$' || c == '|' || c == ')' ||
                   c == '*' || c == '+' || c == '?' || c == '{' || c == '#' || c == ' ') {
            return -1;
        } else {
            size_t cl = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (i + cl > b) return -1;
            bool have = false;
            for (int f = 0; f < w->nfirst; f++)
                if (w->first_n[f] == cl && memcmp(w->first[f], p + i, cl) == 0) have = true;
            if (!have) {
                if (w->nfirst == RX_FIRSTS) return -1;
                w->first[w->nfirst] = p + i;
                w->first_n[w->nfirst++] = cl;
            }
            nullable = 0;
            i += cl;
        }
        /* a quantifier: ? and {0,n} make the item optional */
        if (i < b && (p[i] == '*' || p[i] == '+')) return -1;
        if (i < b && p[i] == '?') { nullable = 1; i++; }
        else if (i < b && p[i] == '{') {
            if (i + 1 < b && p[i + 1] == '0') nullable = 1;
            const char *e = memchr(p + i, '}', b - i);
            if (!e) return -1;
            i = (size_t)(e - p) + 1;
        }
        if (i < b && (p[i] == '?' || p[i] == '+')) i++;
        if (!nullable) return 0;
    }
    return 1;
}

/* Largest prefix width for which the anchored tries pay (more bytes before
 * the literal mean more starts to try at each occurrence): without a set of
 * first characters, and with one. */
#define RX_WIN_PRE 24
#define RX_WIN_PRE_FIRST 256

/* The longest run of literal characters at the top level of pattern p
 * that every match must contain, also past what gx_rx_literal gives up on
 * (back references): top-level characters not made optional, outside
 * groups and classes, with no top-level alternative. Length 0: none. */
static size_t own_literal(const char *p, const char **lit)
{
    size_t i = 0, run_a = 0, run_n = 0, best_a = 0, best_n = 0;
#define END_RUN() do { if (run_n > best_n) best_a = run_a, best_n = run_n; run_n = 0; } while (0)
    size_t b = strlen(p);
    while (i < b) {
        unsigned char c = (unsigned char)p[i];
        size_t j;
        if (c == '|' || c == ')') return 0;
        if (c == '(') {
            if (p[i + 1] == '?' && p[i + 2] != ':' && p[i + 2] != '<' && p[i + 2] != '=' &&
                p[i + 2] != '!' && p[i + 2] != '>') return 0;          /* options and the like */
            if (p[i + 1] == '?' && p[i + 2] == '<' && p[i + 3] != '=' && p[i + 3] != '!') return 0;
            if (p[i + 1] == '*') return 0;
            END_RUN();
            j = group_end(p, i, b);
            if (!j) return 0;
        } else if (c == '[') {
            END_RUN();
            j = class_end(p, i, b);
            if (!j) return 0;
        } else if (c == '\\') {
            END_RUN();
            char e = p[i + 1];
            if (!e || e == 'Q' || e == 'E' || (unsigned char)e >= 0x80) return 0;
            j = i + 2;
            if (strchr("xpPNogkc", e) && p[j] == '{') {
                const char *cl = strchr(p + j, '}');
                if (!cl) return 0;
                j = (size_t)(cl - p) + 1;
            } else if (e == 'c' || e == 'x' || e == 'o') {
                return 0;                      /* \cX, \xhh: forms of varying length */
            } else if (e >= '0' && e <= '9') {
                while (p[j] >= '0' && p[j] <= '9') j++;   /* a back reference */
            }
        } else if (c == '^' || c == '$' || c == '.') {
            END_RUN();
            j = i + 1;
        } else if (c == '?' || c == '*' || c == '+' || c == '{' || c == '#' || c == ' ') {
            return 0;
        } else {
            size_t cl = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            for (size_t k = 1; k < cl; k++) if (!p[i + k]) return 0;
            j = i + cl;
            if (p[j] == '?' || p[j] == '*' || p[j] == '{') {
                END_RUN();                     /* optional: not required */
            } else {
                if (run_n == 0) run_a = i;
                run_n += cl;
                if (p[j] == '+') END_RUN();
            }
        }
        /* a quantifier after a group, class or escape */
        if (p[j] == '?' || p[j] == '*' || p[j] == '+') j++;
        else if (p[j] == '{') {
            const char *cl = strchr(p + j, '}');
            if (!cl) return 0;
            j = (size_t)(cl - p) + 1;
        }
        if (p[j] == '?' || p[j] == '+') j++;
        i = j;
    }
    END_RUN();
#undef END_RUN
    *lit = p + best_a;
    return best_n;
}

/* Index after the item of pattern p at i (a character, class, escape,
 * group, with its quantifier), or 0 when not followed here; *quant tells
 * whether a quantifier follows. */
static size_t item_end(const char *p, size_t i, bool *quant)
{
    size_t b = strlen(p), j;
    unsigned char c = (unsigned char)p[i];
    if (c == '(') { j = group_end(p, i, b); if (!j) return 0; }
    else if (c == '[') { j = class_end(p, i, b); if (!j) return 0; }
    else if (c == '\\') {
        char e = p[i + 1];
        if (!e || (unsigned char)e >= 0x80) return 0;
        j = i + 2;
        if ((e == 'p' || e == 'P') && p[j] == '{') {
            const char *cl = strchr(p + j, '}');
            if (!cl) return 0;
            j = (size_t)(cl - p) + 1;
        } else if (strchr("xoNgkcQE", e) || (e >= '0' && e <= '9')) return 0;
    } else if (c == '|' || c == ')' || c == '*' || c == '+' || c == '?' || c == '{') return 0;
    else j = i + (c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1);
    *quant = p[j] == '?' || p[j] == '*' || p[j] == '+' || p[j] == '{';
    if (p[j] == '{') {
        const char *cl = strchr(p + j, '}');
        if (!cl) return 0;
        j = (size_t)(cl - p) + 1;
    } else if (*quant) j++;
    if (*quant && (p[j] == '?' || p[j] == '+')) j++;
    return j;
}

/* Add word p[a..b) (plain characters only) to w's words after the literal. */
static bool after_add(rxwin *w, const char *p, size_t a, size_t b)
{
    if (a >= b || w->nafter == RX_FIRSTS) return false;
    for (size_t k = a; k < b; k++)
        if (strchr("\\[](){}|.*+?^$#", p[k]) && p[k]) return false;
    w->after[w->nafter] = p + a;
    w->after_n[w->nafter++] = b - a;
    return true;
}

/* The words after the literal (see rxwin): the first top-level item after
 * it that is a plain character not made optional, or a group of plain
 * alternatives with no quantifier; the items before it are the gap. */
static void rxwin_after(rxwin *w, const char *p)
{
    w->nafter = 0;
    size_t i = w->pl + w->lit_n;
    while (p[i]) {
        bool q = false;
        size_t j = item_end(p, i, &q);
        if (!j) return;
        unsigned char c = (unsigned char)p[i];
        if (!q && c == '(' && p[i + 1] == '?' && p[i + 2] == ':') {
            /* (?:a|b|c): every alternative plain text */
            size_t a = i + 3;
            bool ok = true;
            for (size_t k = a; k < j; k++)
                if (p[k] == '|' || k == j - 1) { ok = ok && after_add(w, p, a, k); a = k + 1; }
            if (ok) break;
            w->nafter = 0;
        } else if (!q && c != '(' && c != '[' && c != '\\' && c != '.' && c != '^' && c != '$') {
            if (after_add(w, p, i, j)) break;
            w->nafter = 0;
        }
        i = j;
    }
    if (!p[i]) { w->nafter = 0; return; }
    w->gap_a = w->pl + w->lit_n;
    w->gap_b = i;
    /* back references in the gap would need the groups before: not here */
    for (size_t k = w->gap_a; k < w->gap_b; k++)
        if (p[k] == '\\' && ((p[k + 1] >= '1' && p[k + 1] <= '9') || p[k + 1] == 'g' || p[k + 1] == 'k'))
            { w->nafter = 0; return; }
    memset(w->after_byte, 0, sizeof w->after_byte);
    for (int k = 0; k < w->nafter; k++) {
        unsigned char c0 = (unsigned char)w->after[k][0];
        w->after_byte[c0 >> 6] |= (uint64_t)1 << (c0 & 63);
    }
}

/* memcmp(a, b, n) == 0 for the few bytes of a literal, without a call */
static inline bool same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) if (a[i] != b[i]) return false;
    return true;
}

/* The longest runs of whitespace and of [0-9,.] in the body (rxw_ctx). */
static long body_ws_run, body_num_run;
/* Byte counts of a sample of the body (every 7th byte), and which body
 * they describe: a literal is looked for by its rarest byte (any byte
 * finds it; a rare one wastes fewest memchr stops). */
static unsigned body_hist[256];
static unsigned body_serial;

#define NONE_AT ((size_t)-1)

/* The first place at or after a where one of w's words after the literal
 * starts in s[0..n), or NONE_AT: each word found by its last byte (a
 * continuation byte of a CJK word, rarer than a lead byte). */
static size_t after_next(const rxwin *w, const char *s, size_t n, size_t a)
{
    size_t best = NONE_AT;
    for (int k = 0; k < w->nafter; k++) {
        const char *aw = w->after[k];
        size_t an = w->after_n[k];
        if (an > n || a > n - an) continue;
        size_t stop = best == NONE_AT ? n : (best + an < n ? best + an : n);  /* later ones lose */
        const char *p = s + a + an - 1, *end = s + stop;
        while (p < end) {
            const char *f = memchr(p, aw[an - 1], (size_t)(end - p));
            if (!f) break;
            const char *at = f - (an - 1);
            if (same(at, aw, an - 1)) { best = (size_t)(at - s); break; }
            p = f + 1;
        }
    }
    return best;
}

/* Does one of w's words after the literal start in s[a..e]? The literal's
 * occurrences are tried in order, so the next start of a word found for
 * one serves the following ones until they pass it (kept in w, for the
 * body of body_serial). */
static bool after_there(rxwin *w, const char *s, size_t n, size_t a, size_t e)
{
    if (w->after_serial != body_serial || a < w->after_from ||
        (w->after_at != NONE_AT && w->after_at < a)) {
        w->after_at = after_next(w, s, n, a);
        w->after_serial = body_serial;
    }
    w->after_from = a;
    return w->after_at != NONE_AT && w->after_at <= e;
}

static void body_runs(const char *s, size_t n)
{
    long ws = 0, num = 0, bw = 0, bn = 0;
    for (size_t i = 0; i < n; i++) {
        /* eight bytes of CJK text (all >= 0x80) end both runs at once */
        uint64_t x;
        while (i + 8 <= n && (memcpy(&x, s + i, 8), (x & 0x8080808080808080ull) == 0x8080808080808080ull)) {
            ws = num = 0;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || (c >= '\t' && c <= '\r')) { if (++ws > bw) bw = ws; } else ws = 0;
        if ((c >= '0' && c <= '9') || c == ',' || c == '.') { if (++num > bn) bn = num; } else num = 0;
    }
    body_ws_run = bw;
    body_num_run = bn;
    memset(body_hist, 0, sizeof body_hist);
    for (size_t i = 0; i < n; i += 7) body_hist[(unsigned char)s[i]]++;
    body_serial++;
}

static void rxwin_init(rxwin *w, rx *r)
{
    /* every field is set here (the window is not zeroed before) */
    w->ready = true;
    w->lit = NULL;
    w->lit_n = w->key = w->pl = w->pre = 0;
    w->only_there = true;
    w->ws_at = w->num_at = -1;
    w->key_serial = w->after_serial = 0;
    w->after_from = 0;
    w->after_at = NONE_AT;
    w->anch_pat = NULL;
    w->nfirst = w->nafter = 0;
    w->gap = -1;
    w->gap_a = w->gap_b = 0;
    w->tries = 0;
    memset(&w->anch, 0, sizeof w->anch);
    if (r->flags & (GX_RX_BYTES | GX_RX_CASELESS)) return;
    const char *lit;
    size_t n = own_literal(r->pattern, &lit);
    if (!n) return;
    w->lit = lit;
    w->lit_n = n;
    w->key = n - 1;
    for (size_t k = n; k-- > 0;)
        if (((unsigned char)lit[k] & 0xC0) == 0x80) { w->key = k; break; }
    w->pl = (size_t)(lit - r->pattern);
    /* tried at one start: \G(?:P) matches at the start offset exactly what P
     * matches there (the groups keep their numbers), and unlike the match
     * option PCRE2_ANCHORED it runs as JIT code once compiled. It is
     * compiled for the tries alone: pcre2's compile-time work for
     * searching (auto-possessifying repeats, the start-of-match study)
     * does not pay for a few anchored tries, and changes no match (the
     * study only with backtracking verbs, which keep it). */
    size_t pn = strlen(r->pattern);
    const char *pre = strstr(r->pattern, "(*") ? "(*NO_AUTO_POSSESS)\\G(?:"
                                                : "(*NO_AUTO_POSSESS)(*NO_START_OPT)\\G(?:";
    size_t pre_n = strlen(pre);
    w->anch_pat = gx_xmalloc(pre_n + pn + 2);
    memcpy(w->anch_pat, pre, pre_n);
    memcpy(w->anch_pat + pre_n, r->pattern, pn);
    memcpy(w->anch_pat + pre_n + pn, ")", 2);
    /* Not JIT-compiled at once for the length of the body (rx.h): a try
     * reads a few characters at its start, and a report makes few; after
     * GX_RX_JIT_AFTER tries (a long stream) it may be. */
    gx_rx_set(&w->anch, w->anch_pat, r->flags | GX_RX_NOJIT, r->where, r->row);
    w->tries = 0;
    w->nfirst = 0;
    if (w->pl > 0) {
        int f = rx_firsts(r->pattern, 0, w->pl, w);
        if (f < 0) w->nfirst = 0;
        else if (f == 1) {           /* the prefix can be empty: the literal may start it */
            size_t c0 = (unsigned char)lit[0] < 0x80 ? 1 : (unsigned char)lit[0] >= 0xF0 ? 4
                      : (unsigned char)lit[0] >= 0xE0 ? 3 : 2;
            bool have = false;
            for (int k = 0; k < w->nfirst; k++)
                if (w->first_n[k] == c0 && memcmp(w->first[k], lit, c0) == 0) have = true;
            if (!have && w->nfirst < RX_FIRSTS) { w->first[w->nfirst] = lit; w->first_n[w->nfirst++] = c0; }
            else if (!have) w->nfirst = 0;
        }
    }
    memset(w->first_byte, 0, sizeof w->first_byte);
    for (int k = 0; k < w->nfirst; k++) {
        unsigned char c0 = (unsigned char)w->first[k][0];
        w->first_byte[c0 >> 6] |= (uint64_t)1 << (c0 & 63);
    }
    rxwin_after(w, r->pattern);
}

/* The prefix width for this body (it changes only with the body's runs). */
static void rxwin_pre(rxwin *w, const rx *r)
{
    if (w->key_serial != body_serial) {
        w->key_serial = body_serial;
        for (size_t k = w->lit_n; k-- > 0;)
            if (body_hist[(unsigned char)w->lit[k]] < body_hist[(unsigned char)w->lit[w->key]]) w->key = k;
    }
    if (w->ws_at == body_ws_run && w->num_at == body_num_run) return;
    w->ws_at = body_ws_run;
    w->num_at = body_num_run;
    rxw_ctx x = {.ws = body_ws_run, .num = body_num_run};
    long pre = rx_width(r->pattern, 0, w->pl, &x);
    w->only_there = pre < 0 || pre > (w->nfirst ? RX_WIN_PRE_FIRST : RX_WIN_PRE);
    w->pre = pre < 0 ? 0 : (size_t)pre;
    w->gap = -1;
    if (w->nafter) {
        rxw_ctx y = {.ws = body_ws_run, .num = body_num_run};
        w->gap = rx_width(r->pattern, w->gap_a, w->gap_b, &y);
    }
}

/* The first occurrence of w's literal in s[from..n), or NONE_AT. memchr
 * finds one byte of it, the last continuation byte (a CJK literal's bytes
 * E4..E9 lead a third of the body's bytes; a given continuation byte about
 * one in a hundred), and the rest is compared there. */
static size_t lit_find(const char *s, size_t n, size_t from, const rxwin *w)
{
    const char *lit = w->lit;
    size_t ln = w->lit_n, k = w->key;
    size_t i = from + k;
    while (i < n) {
        const char *f = memchr(s + i, lit[k], n - i);
        if (!f) return NONE_AT;
        size_t at = (size_t)(f - s) - k;
        /* the first byte, then the rest (most false finds fail at once) */
        if (at + ln <= n && s[at] == lit[0] && same(s + at + 1, lit + 1, ln - 1)) return at;
        i = (size_t)(f - s) + 1;
    }
    return NONE_AT;
}

/* rx_match over the body (valid UTF-8, checked by rx_subject), trying only
 * the starts that can match. */
static int rx_find(rx *r, rxwin *w, const char *s, size_t n, size_t start, rx **m)
{
    *m = r;
    if (!w->ready) rxwin_init(w, r);
    if (!w->lit || s != rx_checked || n != rx_checked_n) return rx_match(r, s, n, start);
    if (start > n) return 0;
    rxwin_pre(w, r);
    if (w->only_there) {
        if (n - start < w->lit_n || lit_find(s, n, start, w) == NONE_AT) return 0;
        return rx_match(r, s, n, start);
    }
    unsigned fl = GX_RX_PADDED | GX_RX_VALID;
    size_t next = start;   /* starts before it are tried or cannot match */
    size_t from = start;   /* where the next occurrence is looked for */
    while (from <= n && n - from >= w->lit_n) {
        size_t q = lit_find(s, n, from, w);
        if (q == NONE_AT) return 0;
        from = q + 1;
        /* an occurrence without a word after it is no match's literal;
         * the starts before it may still pair with a later one. (Worth
         * the scan while the tries are interpreted; JIT code fails a try
         * faster than the scan.) */
        if (w->gap >= 0 && !w->anch.jit &&
            !after_there(w, s, n, q + w->lit_n, q + w->lit_n + (size_t)w->gap)) continue;
        size_t a = q - next > w->pre ? q - w->pre : next;
        for (size_t p = a; p <= q; p++) {
            if (((unsigned char)s[p] & 0xC0) == 0x80) continue;   /* inside a character */
            if (w->nfirst && p < q) {
                unsigned char c0 = (unsigned char)s[p];
                if (!(w->first_byte[c0 >> 6] >> (c0 & 63) & 1)) continue;
                bool ok = false;
                for (int k = 0; k < w->nfirst && !ok; k++)
                    ok = w->first_n[k] <= n - p && s[p] == w->first[k][0] &&
                         same(s + p + 1, w->first[k] + 1, w->first_n[k] - 1);
                if (!ok) continue;
            }
            if (w->tries < GX_RX_JIT_AFTER && ++w->tries == GX_RX_JIT_AFTER) w->anch.flags &= ~(unsigned)GX_RX_NOJIT;
            int rc = gx_rx_match(&w->anch, s, n, p, fl);
            if (rc != 0) { *m = &w->anch; return rc; }
        }
        next = q + 1;
    }
    return 0;
}

/* ---- knowledge ------------------------------------------------------------- */

typedef struct marker { char *key; int kind, layout; uint64_t chars; } marker;
static uint64_t markers_any;   /* the union of the markers' character sets */

/* The characters of a text as a set of 64 bits (a bit per character, by a
 * hash of its code point). A label key keeps or drops the characters of
 * its text and adds none when the text is plain: ASCII and CJK of lead
 * bytes E4..E9 only, which are their own NFKC form. So a marker whose set
 * is not within a plain text's set is not in that text's key. Returns
 * false (and a set of no use) when the text is not plain. */
/* a character by its UTF-8 bytes packed (no decoding needed) */
static inline uint64_t char_bit(uint32_t bytes) { return (uint64_t)1 << ((bytes * 2654435761u) >> 26); }

static bool plain_chars(const char *s, size_t n, uint64_t *set)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t b = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        if (c < 0x80) {
            /* whitespace is deleted from keys: not a character of them */
            if (c != ' ' && (c < '\t' || c > '\r')) b |= char_bit(c);
            i++;
            continue;
        }
        if (c < 0xE4 || c > 0xE9 || n - i < 3 || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80)
            return false;
        b |= char_bit((uint32_t)c << 16 | (uint32_t)u[i + 1] << 8 | u[i + 2]);
        i += 3;
    }
    *set = b;
    return true;
}

/* The set of a marker's key (any text: characters by gx_utf8_next, an
 * invalid byte alone; bytes packed as plain_chars packs them). */
static uint64_t key_chars(const char *s)
{
    uint64_t b = 0;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0) k = 1;
        uint32_t bytes = 0;
        for (int j = 0; j < k; j++) bytes = bytes << 8 | (unsigned char)s[i + (size_t)j];
        b |= char_bit(bytes);
        i += (size_t)k;
    }
    return b;
}

typedef struct cue {
    const char *indicator, *unit, *value;
    int  schema;          /* 0 any, 1 legacy, 2 modern */
    bool whole;
    int  group;
    rx   r;
    bool compiled;
    const char *pattern;
    rxwin w;              /* last: not zeroed (rxwin_init sets it up) */
} cue;

typedef struct docpat { int field; int group; rx r; } docpat;

/* normalize_docfacts.tsv: document facts (doc.*) read from the running text */
enum { DF_FIRST, DF_ALL, DF_SUM, DF_RATE };
typedef struct docfact {
    const char *fact;
    int  mode;
    char *kinds;          /* "|a|b|", NULL = any section kind */
    bool hit;    /* DF_FIRST: matched in the current document */
    rx   unless;          /* skip a statement whose sentence matches it */
    bool has_unless;
    unsigned unless_uses; /* its searches so far (capped: see below) */
    int  g[3];            /* groups: value (first/all), number+unit (sum), den,num,pct (rate) */
    rx   r;
    rxwin w;              /* last: not zeroed (rxwin_init sets it up) */
} docfact;
enum { DP_YEAR, DP_YEAR_BODY, DP_ORG_STRIP, DP_ORG_BODY, DP_ORG_SIGN };

typedef struct derive {
    int schema;           /* 1 legacy, 2 modern, 3 modern-2021 only, 0 any */
    const char *indicator, *flags;
    bool applicant;
    bool dimsum;          /* parts are dimensions of each indicator; dim the result */
    const char *dim;
    char **parts;
    int nparts;
    unsigned *h;          /* hash_key of the result and of each part, per dim
                             (not dimsum): made on first use */
} derive;

typedef struct bound { char *word; size_t n; bool before; const char *flag; } bound;
typedef struct scopew { char *word; size_t n; } scopew;

static struct {
    bool     loaded;
    const nz_opts *o;
    nz_map   map;
    gx_table tm, tc, td, tr, tb;
    marker  *markers; int nmarkers;
    cue     *cues; int ncues; bool cues_ready;
    docpat  *dps; int ndps; bool dps_ready;
    gx_table tf;
    docfact *dfs; int ndfs; bool dfs_ready;
    derive  *ders; int nders;
    bound   *bounds; int nbounds;
    gx_table ts;
    scopew  *scopes; int nscopes;
} KN;

static char *dup_norm(const char *s)
{
    static gx_buf b;
    gx_norm_match(s, strlen(s), &b);
    return gx_xstrdup(b.data);
}

static int need_col(gx_table *t, const char *c)
{
    int j = gx_table_col(t, c);
    if (j < 0) gx_die(GX_EXIT_ERROR, "%s: no column %s", t->name, c);
    return j;
}

static void load_knowledge(const nz_opts *o)
{
    if (KN.loaded) return;
    KN.loaded = true;
    KN.o = o;
    nz_map_load(&KN.map, o->map_file);

    gx_table_load(&KN.tm, "normalize_schema.tsv", NULL);
    int cm = need_col(&KN.tm, "marker"), ck = need_col(&KN.tm, "kind"), cl = need_col(&KN.tm, "layout");
    KN.markers = gx_xcalloc((size_t)KN.tm.nrows + 1, sizeof *KN.markers);
    for (int i = 0; i < KN.tm.nrows; i++) {
        char **r = KN.tm.rows[i];
        marker *m = &KN.markers[KN.nmarkers++];
        gx_buf b;
        gx_buf_init(&b);
        nz_label_key(r[cm], strlen(r[cm]), &b, NULL, 0);
        m->key = b.data;
        m->chars = key_chars(m->key);
        if (*m->key) markers_any |= m->chars;
        m->kind = 0;
        static const char *const names[] = {"l1", "t2", "t3", "t4"};
        for (int k = 0; k < 4; k++) if (strcmp(r[ck], names[k]) == 0) m->kind = 1 << k;
        if (!m->kind) gx_die(GX_EXIT_ERROR, "normalize_schema.tsv: row %d: unknown kind %s", i + 1, r[ck]);
        m->layout = strcmp(r[cl], "*") == 0 ? 0 : atoi(r[cl]);
    }

    gx_table_load(&KN.td, "normalize_derived.tsv", NULL);
    int ds = need_col(&KN.td, "schema"), di = need_col(&KN.td, "indicator"),
        dd = need_col(&KN.td, "dims"), dp = need_col(&KN.td, "parts"), df = need_col(&KN.td, "flags");
    KN.ders = gx_xcalloc((size_t)KN.td.nrows + 1, sizeof *KN.ders);
    for (int i = 0; i < KN.td.nrows; i++) {
        char **r = KN.td.rows[i];
        derive *d = &KN.ders[KN.nders++];
        d->schema = strcmp(r[ds], "legacy") == 0 ? 1 : strcmp(r[ds], "modern") == 0 ? 2
                  : strcmp(r[ds], "modern-2021") == 0 ? 3 : 0;
        d->indicator = r[di];
        d->flags = r[df];
        d->applicant = strcmp(r[dd], "applicant") == 0;
        d->dimsum = strcmp(d->indicator, "*") == 0;
        d->dim = r[dd];
        d->parts = gx_xcalloc(strlen(r[dp]) / 2 + 2, sizeof *d->parts);
        char *s = r[dp];
        while (*s) {
            char *c = strchr(s, ',');
            if (c) *c = 0;
            if (*s) d->parts[d->nparts++] = s;
            if (!c) break;
            s = c + 1;
        }
    }

    gx_table_load(&KN.tb, "normalize_bounds.tsv", NULL);
    int bw = need_col(&KN.tb, "word"), bwh = need_col(&KN.tb, "where"), bf = need_col(&KN.tb, "flag");
    KN.bounds = gx_xcalloc((size_t)KN.tb.nrows + 1, sizeof *KN.bounds);
    for (int i = 0; i < KN.tb.nrows; i++) {
        char **r = KN.tb.rows[i];
        bound *b = &KN.bounds[KN.nbounds++];
        b->word = dup_norm(r[bw]);
        b->n = strlen(b->word);
        b->before = strcmp(r[bwh], "before") == 0;
        b->flag = r[bf];
    }
}

static void load_scopes(void)
{
    gx_table_load(&KN.ts, "normalize_scope.tsv", NULL);
    int cw = need_col(&KN.ts, "word");
    KN.scopes = gx_xcalloc((size_t)KN.ts.nrows + 1, sizeof *KN.scopes);
    for (int i = 0; i < KN.ts.nrows; i++) {
        scopew *w = &KN.scopes[KN.nscopes];
        w->word = dup_norm(KN.ts.rows[i][cw]);
        w->n = strlen(w->word);
        if (w->n) KN.nscopes++;
    }
}

/* Narrative cues: compiled on first use (a report without text needs none). */
static void load_cues(void)
{
    if (KN.cues_ready) return;
    KN.cues_ready = true;
    gx_table_load(&KN.tc, "narrative.tsv", KN.o->cues_file);
    int ci = need_col(&KN.tc, "indicator"), cs = need_col(&KN.tc, "schema"),
        cp = need_col(&KN.tc, "scope"), cr = need_col(&KN.tc, "regex"),
        cg = need_col(&KN.tc, "group"), cv = need_col(&KN.tc, "value"), cu = need_col(&KN.tc, "unit");
    /* a cue is zeroed but for its window (large, and set up on first use) */
    KN.cues = gx_xmalloc(((size_t)KN.tc.nrows + 1) * sizeof *KN.cues);
    for (int i = 0; i < KN.tc.nrows; i++) {
        char **r = KN.tc.rows[i];
        cue *c = &KN.cues[KN.ncues++];
        memset(c, 0, offsetof(cue, w));
        c->w.ready = false;
        c->indicator = r[ci];
        c->schema = strcmp(r[cs], "legacy") == 0 ? 1 : strcmp(r[cs], "modern") == 0 ? 2 : 0;
        c->whole = strcmp(r[cp], "whole") == 0;
        c->group = atoi(r[cg]);
        c->value = r[cv];
        c->unit = r[cu];
        c->pattern = r[cr];
        gx_rx_set(&c->r, r[cr], 0, KN.tc.name, i + 1);
        if (KN.o->cues_file) {   /* the user's patterns: report a bad one now */
            char err[300];
            if (!gx_rx_compile(&c->r, err, sizeof err))
                gx_die(GX_EXIT_ERROR, "%s: row %d: %s", KN.tc.name, i + 1, err);
        }
    }
    load_scopes();
}

static void load_docpats(void)
{
    if (KN.dps_ready) return;
    KN.dps_ready = true;
    gx_table_load(&KN.tr, "normalize_doc.tsv", NULL);
    int cf = need_col(&KN.tr, "field"), cr = need_col(&KN.tr, "regex"), cg = need_col(&KN.tr, "group");
    KN.dps = gx_xcalloc((size_t)KN.tr.nrows + 1, sizeof *KN.dps);
    for (int i = 0; i < KN.tr.nrows; i++) {
        char **r = KN.tr.rows[i];
        docpat *d = &KN.dps[KN.ndps++];
        const char *f = r[cf];
        d->field = strcmp(f, "year") == 0 ? DP_YEAR : strcmp(f, "year_body") == 0 ? DP_YEAR_BODY
                 : strcmp(f, "org_strip") == 0 ? DP_ORG_STRIP : strcmp(f, "org_body") == 0 ? DP_ORG_BODY
                 : strcmp(f, "org_sign") == 0 ? DP_ORG_SIGN : -1;
        if (d->field < 0) gx_die(GX_EXIT_ERROR, "normalize_doc.tsv: row %d: unknown field %s", i + 1, f);
        d->group = atoi(r[cg]);
        gx_rx_set(&d->r, r[cr], 0, "normalize_doc.tsv", i + 1);
    }
}

static void load_docfacts(void)
{
    if (KN.dfs_ready) return;
    KN.dfs_ready = true;
    gx_table_load(&KN.tf, "normalize_docfacts.tsv", NULL);
    int cf = need_col(&KN.tf, "fact"), cm = need_col(&KN.tf, "mode"), ck = need_col(&KN.tf, "kinds"),
        cr = need_col(&KN.tf, "regex"), cg = need_col(&KN.tf, "groups"), cu = need_col(&KN.tf, "unless");
    KN.dfs = gx_xmalloc(((size_t)KN.tf.nrows + 1) * sizeof *KN.dfs);   /* as the cues */
    for (int i = 0; i < KN.tf.nrows; i++) {
        char **r = KN.tf.rows[i];
        docfact *d = &KN.dfs[KN.ndfs++];
        memset(d, 0, offsetof(docfact, w));
        d->w.ready = false;
        d->fact = r[cf];
        const char *m = r[cm];
        d->mode = strcmp(m, "first") == 0 ? DF_FIRST : strcmp(m, "all") == 0 ? DF_ALL
                : strcmp(m, "sum") == 0 ? DF_SUM : strcmp(m, "rate") == 0 ? DF_RATE : -1;
        if (d->mode < 0) gx_die(GX_EXIT_ERROR, "normalize_docfacts.tsv: row %d: unknown mode %s", i + 1, m);
        if (strcmp(r[ck], "*") != 0) {
            size_t l = strlen(r[ck]);
            d->kinds = gx_xmalloc(l + 3);
            d->kinds[0] = '|';
            for (size_t j = 0; j < l; j++) d->kinds[j + 1] = r[ck][j] == ',' ? '|' : r[ck][j];
            d->kinds[l + 1] = '|';
            d->kinds[l + 2] = 0;
        }
        int ng = sscanf(r[cg], "%d,%d,%d", &d->g[0], &d->g[1], &d->g[2]);
        int need = d->mode == DF_SUM ? 2 : d->mode == DF_RATE ? 3 : 1;
        if (ng != need) gx_die(GX_EXIT_ERROR, "normalize_docfacts.tsv: row %d: %s needs %d groups", i + 1, m, need);
        gx_rx_set(&d->r, r[cr], 0, "normalize_docfacts.tsv", i + 1);
        if (strcmp(r[cu], "-") != 0 && r[cu][0]) {
            d->has_unless = true;
            /* searched within one sentence, but the subject runs from the
             * body's start: not JIT-compiled at once for a long body
             * (rx.h), only after GX_RX_JIT_AFTER searches */
            gx_rx_set(&d->unless, r[cu], GX_RX_NOJIT, "normalize_docfacts.tsv", i + 1);
        }
    }
}

/* ---- one document ---------------------------------------------------------- */

enum { R_OTHER, R_TITLE, R_HEADING, R_TEXT, R_BLANK, R_NOISE, R_TABLE, R_CELL,
       R_UNITCELL /* a cell of a unit column: its text is the unit of its row */ };

typedef struct row {
    long   line, para, table, row, col;
    int    role;
    size_t rowhead, colhead, text;   /* offsets in doc.arena */
    size_t kind;                     /* section kind (offset in doc.arena) */
    size_t cflags;                   /* gx-tables' cell flags (a later column) */
} row;

enum { S_TABLE, S_NARRATIVE, S_DERIVED };
static const char *const source_names[] = {"table", "narrative", "derived"};

typedef struct fact {
    size_t ind, dim, val, unit, flags, raw, ref;  /* offsets in doc.fa; val NONE = \N */
    int    state, source, tab;
    long   line;
    bool   dead;
    size_t h_ind, h_dim;  /* the ind and dim that h is the hash of (0: none yet) */
    unsigned h;
    size_t x_for;         /* the val that x is the number of (0: none yet) */
    double x;
} fact;
#define NONE ((size_t)-1)

typedef struct tinfo {
    long num;
    int  kinds;
    int  layout[4];
    int  votes[4][3];   /* per kind: any, 2019, 2021 */
    int  first, last;   /* range of row indices holding its raw lines and cells */
} tinfo;

static struct doc {
    gx_buf  name;
    gx_buf  arena;
    row    *rows; int nrows, rcap;
    fact   *facts; int nfacts, fcap;
    gx_buf  fa;
    tinfo  *tabs; int ntabs, tcap;
    char    year[16];
    gx_buf  org;
    const char *schema;
    int     schema_class;       /* 1 legacy, 2 modern */
    bool    m2021;
    /* fact index by indicator+dim */
    int    *hash; int hcap;
    gx_buf  tmp, tmp2, body;
    size_t *seg_off; long *seg_line; int nseg, segcap;
    size_t *seg_kind;
} D;

static size_t put(gx_buf *b, const char *s, size_t n)
{
    /* as gx_buf_add then gx_buf_addc(0), with one capacity check */
    size_t off = b->len;
    if (b->len + n + 2 > b->cap) gx_buf_reserve(b, n + 1);
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len++] = 0;
    b->data[b->len] = 0;
    return off;
}
static size_t puts0(gx_buf *b, const char *s) { return put(b, s, strlen(s)); }

/* Append a decimal number (no printf on the hot path). */
static void add_long(gx_buf *b, long v)
{
    char t[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do { t[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) t[n++] = '-';
    while (n) gx_buf_addc(b, t[--n]);
}
#define A(off) (D.arena.data + (off))

/* Store a cell's reference "T<table>:r<row>:c<col>" in the fact arena. */
static char *put_digits(char *o, long v)
{
    char t[24];
    int n = 0;
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    do { t[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) t[n++] = '-';
    while (n) *o++ = t[--n];
    return o;
}

static size_t put_cell_ref(long table, long rown, long coln)
{
    char ref[80], *o = ref;   /* formatted here, stored once */
    *o++ = 'T';
    o = put_digits(o, table);
    *o++ = ':';
    *o++ = 'r';
    o = put_digits(o, rown);
    *o++ = ':';
    *o++ = 'c';
    o = put_digits(o, coln);
    return put(&D.fa, ref, (size_t)(o - ref));
}
#define F(off) (D.fa.data + (off))

static void doc_reset(void)
{
    gx_buf_reset(&D.arena);
    gx_buf_addc(&D.arena, 0);
    gx_buf_reset(&D.fa);
    gx_buf_addc(&D.fa, 0);
    D.nrows = D.nfacts = D.ntabs = 0;
    D.year[0] = 0;
    gx_buf_reset(&D.org);
    D.schema = "legacy-narrative";
    D.schema_class = 1;
    D.m2021 = false;
}

static int role_of(const char *s, size_t n)
{
    static const char *const names[] = {"", "title", "heading", "text", "blank", "noise", "table", "cell"};
    static const unsigned char lens[] = {0, 5, 7, 4, 5, 5, 5, 4};
    for (int i = 1; i < 8; i++)   /* the length and first letter first */
        if (n == lens[i] && s[0] == names[i][0] && memcmp(s, names[i], n) == 0) return i;
    return R_OTHER;
}

/* atol for the stream's number columns: plain digits parsed inline (atol
 * costs a hundred instructions a field); anything else goes to atol. */
static long num_col(const char *s)
{
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    long v = 0;
    int k = 0;
    for (; *p >= '0' && *p <= '9' && k < 18; p++, k++) v = v * 10 + (*p - '0');
    if (k == 0 || k >= 18 || *p) return atol(s);
    return neg ? -v : v;
}

static void add_row(gx_record *rec, int flags_col)
{
    /* on the first row: room for a large report at once (growing by
     * doubling copies the text again at every step; blocks this size are
     * mapped, and their pages only touched as used); empty input makes none */
    if (!D.rcap) {
        gx_buf_reserve(&D.arena, (size_t)1 << 19);
        gx_buf_reserve(&D.fa, (size_t)1 << 18);
        D.rcap = 4096;
        D.rows = gx_xmalloc((size_t)D.rcap * sizeof *D.rows);
        if (!D.fcap) {
            D.fcap = 2048;
            D.facts = gx_xmalloc((size_t)D.fcap * sizeof *D.facts);
        }
    }
    if (D.nrows == D.rcap) {
        D.rcap = D.rcap ? D.rcap * 2 : 256;
        D.rows = gx_xrealloc(D.rows, (size_t)D.rcap * sizeof *D.rows);
    }
    row *r = &D.rows[D.nrows++];
    r->line = num_col(rec->f[DOC_LINE]);
    r->role = role_of(rec->f[DOC_ROLE], rec->len[DOC_ROLE]);
    /* the paragraph joins running text, row and column place cells: read
     * for those roles only */
    r->para = rec->null[DOC_PARA] || (r->role != R_TEXT && r->role != R_HEADING) ? -1
            : num_col(rec->f[DOC_PARA]);
    r->table = rec->null[DOC_TABLE] || !*rec->f[DOC_TABLE] ? 0 : num_col(rec->f[DOC_TABLE]);
    r->row = r->role == R_CELL ? num_col(rec->f[DOC_ROW]) : 0;
    r->col = r->role == R_CELL ? num_col(rec->f[DOC_COL]) : 0;
    r->text = put(&D.arena, rec->f[DOC_TEXT], rec->len[DOC_TEXT]);
    r->kind = (r->role == R_TEXT || r->role == R_HEADING) && !rec->null[DOC_KIND]
              ? put(&D.arena, rec->f[DOC_KIND], rec->len[DOC_KIND]) : 0;
    if (r->role == R_CELL) {
        r->rowhead = put(&D.arena, rec->f[DOC_ROWHEAD], rec->len[DOC_ROWHEAD]);
        r->colhead = put(&D.arena, rec->f[DOC_COLHEAD], rec->len[DOC_COLHEAD]);
    } else {
        r->rowhead = r->colhead = 0;
    }
    r->cflags = 0;
    if (r->role == R_CELL && flags_col > 0 && flags_col < rec->n && rec->len[flags_col])
        r->cflags = put(&D.arena, rec->f[flags_col], rec->len[flags_col]);
}

/* Index of a column named `name` in a header line, or -1. */
static int header_col(const char *h, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; h && *h; i++) {
        const char *e = strchr(h, '\t');
        size_t l = e ? (size_t)(e - h) : strlen(h);
        if (l == n && memcmp(h, name, n) == 0) return i;
        if (!e) break;
        h = e + 1;
    }
    return -1;
}

/* ---- facts ----------------------------------------------------------------- */

/* Eight bytes a step (the probe order of equal keys, and so which of two
 * equal keys is found first, does not depend on the hash). */
static uint64_t hash_str(uint64_t h, const char *s)
{
    size_t n = strlen(s), i = 0;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, s + i, n - i);
    h = (h ^ w ^ (uint64_t)n << 56) * 0x9E3779B97F4A7C15ull;
    return h ^ h >> 29;
}

static unsigned hash_key(const char *ind, const char *dim)
{
    return (unsigned)hash_str(hash_str(1469598103934665603ull, ind), dim);
}

/* hash_key of names that stay where they are, unchanged, for the whole run
 * (the strings of the knowledge tables, literals of the program): kept by
 * their addresses, as the same few come back cell after cell. */
static unsigned hash_key_fixed(const char *ind, const char *dim)
{
    static struct { const char *ind, *dim; unsigned h; } c[256];
    unsigned k = (unsigned)((uintptr_t)ind >> 3 ^ ((uintptr_t)dim >> 3) * 31u) & 255;
    if (c[k].ind != ind || c[k].dim != dim) { c[k].ind = ind; c[k].dim = dim; c[k].h = hash_key(ind, dim); }
    return c[k].h;
}

/* A fact's key hash, kept until its indicator or dimension is replaced
 * (the table is rebuilt several times per report). */
static unsigned fact_hash(fact *f)
{
    if (f->h_ind != f->ind || f->h_dim != f->dim) {
        f->h = hash_key(F(f->ind), F(f->dim));
        f->h_ind = f->ind;
        f->h_dim = f->dim;
    }
    return f->h;
}

static void hash_rebuild(void)
{
    int need = 64;
    while (need < D.nfacts * 2 + 16) need *= 2;
    if (need != D.hcap) { free(D.hash); D.hash = gx_xmalloc((size_t)need * sizeof *D.hash); D.hcap = need; }
    for (int i = 0; i < D.hcap; i++) D.hash[i] = -1;
    for (int i = 0; i < D.nfacts; i++) {
        fact *f = &D.facts[i];
        if (f->dead || f->source == S_NARRATIVE || strcmp(F(f->ind), "unmapped") == 0) continue;
        unsigned h = fact_hash(f) & (unsigned)(D.hcap - 1);
        while (D.hash[h] >= 0) h = (h + 1) & (unsigned)(D.hcap - 1);
        D.hash[h] = i;
    }
}

static void hash_insert(int i)
{
    if (D.nfacts * 2 + 16 > D.hcap) { hash_rebuild(); return; }
    fact *f = &D.facts[i];
    unsigned h = fact_hash(f) & (unsigned)(D.hcap - 1);
    while (D.hash[h] >= 0) h = (h + 1) & (unsigned)(D.hcap - 1);
    D.hash[h] = i;
}

/* A live table or derived fact for indicator+dim (hash_key hk), or NULL. */
static fact *find_fact_h(const char *ind, const char *dim, unsigned hk)
{
    if (!D.hcap) return NULL;
    unsigned h = hk & (unsigned)(D.hcap - 1);
    while (D.hash[h] >= 0) {
        fact *f = &D.facts[D.hash[h]];
        if (!f->dead && strcmp(F(f->ind), ind) == 0 && strcmp(F(f->dim), dim) == 0) return f;
        h = (h + 1) & (unsigned)(D.hcap - 1);
    }
    return NULL;
}


static fact *new_fact(int source, const char *ind, const char *dim)
{
    if (D.nfacts == D.fcap) {
        D.fcap = D.fcap ? D.fcap * 2 : 256;
        D.facts = gx_xrealloc(D.facts, (size_t)D.fcap * sizeof *D.facts);
    }
    fact *f = &D.facts[D.nfacts++];
    memset(f, 0, sizeof *f);
    f->source = source;
    f->ind = puts0(&D.fa, ind);
    f->dim = puts0(&D.fa, dim);
    f->val = NONE;
    f->tab = -1;
    return f;
}

/* ---- tables: kind and layout ----------------------------------------------- */

static tinfo *tab_of(long num)
{
    if (D.ntabs && D.tabs[D.ntabs - 1].num == num) return &D.tabs[D.ntabs - 1];
    for (int i = 0; i < D.ntabs; i++) if (D.tabs[i].num == num) return &D.tabs[i];
    if (D.ntabs == D.tcap) {
        D.tcap = D.tcap ? D.tcap * 2 : 8;
        D.tabs = gx_xrealloc(D.tabs, (size_t)D.tcap * sizeof *D.tabs);
    }
    tinfo *t = &D.tabs[D.ntabs++];
    memset(t, 0, sizeof *t);
    t->num = num;
    t->first = -1;
    return t;
}

/* The lines of a table's text (detect_tables), each kept once: a marker
 * has no line break (keys have no whitespace), so it is in the text if and
 * only if it is in one of its distinct lines, and a table's cells repeat
 * their column heads row after row. A set of the lines so far (offsets in
 * D.tmp, by hash), for the current table. */
static struct { size_t off, n; uint64_t h; } *tl_set;
static size_t tl_cap;

static void lines_reset(size_t nlines)
{
    size_t need = 16;
    while (need < 2 * nlines + 16) need *= 2;
    if (need > tl_cap) { free(tl_set); tl_set = gx_xmalloc(need * sizeof *tl_set); tl_cap = need; }
    for (size_t k = 0; k < tl_cap; k++) tl_set[k].n = (size_t)-1;
}

/* The line D.tmp[start..) is done: ended by a line break, or dropped when
 * the same line is there already. */
static void line_end(size_t start)
{
    const char *t = D.tmp.data ? D.tmp.data + start : "";
    size_t n = D.tmp.len - start;
    uint64_t h = 1469598103934665603ull ^ n, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) { memcpy(&w, t + i, 8); h = (h ^ w) * 0x9E3779B97F4A7C15ull; h ^= h >> 29; }
    if (i < n) { w = 0; memcpy(&w, t + i, n - i); h = (h ^ w) * 0x9E3779B97F4A7C15ull; h ^= h >> 29; }
    size_t k = (size_t)h & (tl_cap - 1);
    for (; tl_set[k].n != (size_t)-1; k = (k + 1) & (tl_cap - 1))
        if (tl_set[k].h == h && tl_set[k].n == n && memcmp(D.tmp.data + tl_set[k].off, t, n) == 0) {
            D.tmp.len = start;
            if (D.tmp.data) D.tmp.data[start] = 0;
            return;
        }
    tl_set[k].off = start;
    tl_set[k].n = n;
    tl_set[k].h = h;
    gx_buf_addc(&D.tmp, '\n');
}

/* Can a marker be in the key of a text whose characters are set? (First:
 * does the text hold a character of any marker at all?) */
static bool marker_possible(uint64_t set)
{
    if (!(set & markers_any)) return false;
    for (int m = 0; m < KN.nmarkers; m++)
        if (*KN.markers[m].key && !(KN.markers[m].chars & ~set)) return true;
    return false;
}

static void detect_tables(void)
{
    /* table text: raw lines and cell label paths, as label keys */
    for (int i = 0; i < D.nrows; i++) {
        row *r = &D.rows[i];
        if ((r->role != R_TABLE && r->role != R_CELL) || r->table <= 0) continue;
        tinfo *t = tab_of(r->table);
        if (t->first < 0) t->first = i;
        t->last = i;
    }
    for (int t = 0; t < D.ntabs; t++) {
        tinfo *ti = &D.tabs[t];
        gx_buf_reset(&D.tmp);
        lines_reset((size_t)(ti->last - ti->first + 1));
        /* the raw lines of the table, and the cells' label paths: a marker
         * may be cut by the line breaks of a narrow cell ("未经复议直接" /
         * "起诉" in pdftotext -layout) and whole in the joined heads */
        for (int i = ti->first; i <= ti->last; i++) {
            row *r = &D.rows[i];
            if (r->table != ti->num || r->role != R_TABLE) continue;
            /* a line no marker can be in is left out (no key made) */
            const char *txt = A(r->text);
            size_t tn = strlen(txt);
            uint64_t set;
            if (plain_chars(txt, tn, &set) && !marker_possible(set)) continue;
            size_t start = D.tmp.len;
            nz_label_key(txt, tn, &D.tmp, NULL, 0);
            line_end(start);
        }
        size_t last_rh = 0, last_ch = 0;
        for (int i = ti->first; i <= ti->last; i++) {
            row *r = &D.rows[i];
            if (r->table != ti->num || r->role != R_CELL) continue;
            bool new_rh = r->rowhead != last_rh && strcmp(A(r->rowhead), A(last_rh)) != 0;
            bool new_ch = r->colhead != last_ch && strcmp(A(r->colhead), A(last_ch)) != 0;
            last_rh = r->rowhead;
            last_ch = r->colhead;
            /* the line: the keys of the heads that changed; left out when
             * no marker can be in it */
            const char *rh = A(r->rowhead), *ch = A(r->colhead);
            size_t rhn = new_rh ? strlen(rh) : 0, chn = new_ch ? strlen(ch) : 0;
            uint64_t s1 = 0, s2 = 0;
            if ((!new_rh || plain_chars(rh, rhn, &s1)) && (!new_ch || plain_chars(ch, chn, &s2)) &&
                !marker_possible(s1 | s2))
                continue;
            size_t start = D.tmp.len;
            if (new_rh) nz_label_key(rh, rhn, &D.tmp, NULL, 0);
            if (new_ch) nz_label_key(ch, chn, &D.tmp, NULL, 0);
            line_end(start);
        }
        if (!D.tmp.data) { gx_buf_reserve(&D.tmp, 0); D.tmp.data[0] = 0; }
        for (int m = 0; m < KN.nmarkers; m++) {
            marker *mk = &KN.markers[m];
            if (!*mk->key || !strstr(D.tmp.data, mk->key)) continue;
            int k = nz_kind_index(mk->kind);
            ti->kinds |= mk->kind;
            ti->votes[k][mk->layout == 2019 ? 1 : mk->layout == 2021 ? 2 : 0]++;
        }
        for (int k = 0; k < 4; k++) {
            if (!(ti->kinds & (1 << k))) continue;
            if (k == 0 || k == 3) { ti->layout[k] = 0; continue; } /* L1, T4: one layout */
            ti->layout[k] = ti->votes[k][2] >= ti->votes[k][1] && ti->votes[k][2] ? 2021 : 2019;
        }
    }
    bool modern = false, l1 = false, y2021 = false;
    for (int t = 0; t < D.ntabs; t++) {
        tinfo *ti = &D.tabs[t];
        if (ti->kinds & (NZ_K_T2 | NZ_K_T3 | NZ_K_T4)) modern = true;
        if (ti->kinds & NZ_K_L1) l1 = true;
        if (((ti->kinds & NZ_K_T2) && ti->layout[1] == 2021) ||
            ((ti->kinds & NZ_K_T3) && ti->layout[2] == 2021)) y2021 = true;
    }
    D.m2021 = y2021;
    if (y2021) D.schema = "modern-2021";
    else if (modern) D.schema = "modern-2019";
    else if (l1) D.schema = "legacy-table";
    else D.schema = "legacy-narrative";
    D.schema_class = modern ? 2 : 1;
}

/* The flag layout=KIND[-YEAR] of each kind index for table ti, made once
 * per table: lf[k], lfn[k] bytes. */
typedef struct layout_flags { char lf[4][48]; size_t lfn[4]; } layout_flags;

static void layout_flags_make(const tinfo *ti, layout_flags *L)
{
    for (int k = 0; k < 4; k++) {
        char *o = L->lf[k];
        const char *name = nz_kind_name(1 << k);
        memcpy(o, "layout=", 7);
        o += 7;
        memcpy(o, name, strlen(name));   /* a short name of our own */
        o += strlen(name);
        if (k == 1 || k == 2) { *o++ = '-'; o = put_digits(o, ti->layout[k]); }
        L->lfn[k] = (size_t)(o - L->lf[k]);
    }
}

static void layout_flag(const layout_flags *L, int kind, gx_buf *b)
{
    int k = nz_kind_index(kind);
    if (b->len) gx_buf_addc(b, ',');
    gx_buf_add(b, L->lf[k], L->lfn[k]);
}

/* ---- table facts ------------------------------------------------------------ */

/* Column paths of the current table, by header text (a table has few). */
#define NZ_COLCACHE 64
static struct {
    char *head;
    nz_path p;
    bool init;
    /* nz_map_best of a rowless type for this column (best_for_col) */
    bool done[4], amb[4];
    const nz_entry *best[4];
} colc[NZ_COLCACHE];
static int ncolc;

static void col_cache_reset(void)
{
    for (int i = 0; i < ncolc; i++) { free(colc[i].head); colc[i].head = NULL; }
    ncolc = 0;
}

static int colc_last;   /* the entry found last */

static const nz_path *col_path(const char *head)
{
    /* the cells of a row come column after column: the entry after the
     * last one found is tried first (entries are distinct: any order of
     * search finds the same one) */
    int g = colc_last + 1 < ncolc ? colc_last + 1 : 0;
    if (g < ncolc && strcmp(colc[g].head, head) == 0) { colc_last = g; return &colc[g].p; }
    for (int i = 0; i < ncolc; i++)
        if (strcmp(colc[i].head, head) == 0) { colc_last = i; return &colc[i].p; }
    int i = ncolc < NZ_COLCACHE ? ncolc++ : NZ_COLCACHE - 1;
    if (!colc[i].init) { nz_path_init(&colc[i].p); colc[i].init = true; }
    free(colc[i].head);
    colc[i].head = gx_xstrdup(head);
    nz_path_set(&colc[i].p, head, strlen(head));
    memset(colc[i].done, 0, sizeof colc[i].done);
    colc_last = i;
    return &colc[i].p;
}

/* nz_map_best of the given type for the column col_path gave last (in->col)
 * in the current table: when no entry of the type has a row label, the
 * answer depends on the column alone (the kinds and layouts are the
 * table's), and is kept with the column. */
static const nz_entry *best_for_col(int type, const nz_match_in *in, bool *amb)
{
    if (!KN.map.rowless[type] || in->col != &colc[colc_last].p) return nz_map_best(&KN.map, type, in, amb);
    int c = colc_last;
    if (!colc[c].done[type]) {
        colc[c].best[type] = nz_map_best(&KN.map, type, in, &colc[c].amb[type]);
        colc[c].done[type] = true;
    }
    *amb = colc[c].amb[type];
    return colc[c].best[type];
}

/* Split off a trailing unit part of a row path ("label | 条"). */
static size_t strip_unit_part(const char *s, size_t n, char *unit, size_t cap)
{
    const char *bar = NULL;
    for (size_t i = n; i > 0; i--) if (s[i - 1] == '|') { bar = s + i - 1; break; }
    if (!bar) return n;
    size_t tn = n - (size_t)(bar + 1 - s);
    const char *tail = gx_trim(bar + 1, &tn);
    if (tn && nz_is_unit(tail, tn) && tn < cap) {
        memcpy(unit, tail, tn);
        unit[tn] = 0;
        return (size_t)(bar - s);
    }
    return n;
}

static void table_facts(tinfo *ti)
{
    static nz_path rp;
    static bool init;
    if (!init) { nz_path_init(&rp); init = true; }
    /* context: keys of the rows above, nearest first (kept as arena offsets) */
    size_t *ctxo = NULL; int nctx = 0, ctxcap = 0;
    const char *ctx[48];
    int ctx_n = 0, ctx_for = -1;
    const char *ctx_base = NULL;
    long last_row = -1;
    /* units per grid row, from a unit column */
    typedef struct { long row; char unit[32]; } runit;
    runit *units = NULL; int nunits = 0, ucap = 0;

    int first = -1;
    for (int i = ti->first; i <= ti->last; i++)
        if (D.rows[i].role == R_CELL && D.rows[i].table == ti->num) { first = i; break; }
    if (first < 0) return;

    nz_match_in in = {0};
    char rowunit[32] = "";
    size_t last_rh = 0;
    nz_path_set(&rp, "", 0);
    col_cache_reset();
    in.kinds = ti->kinds;
    for (int k = 0; k < 4; k++) in.layout[k] = ti->layout[k];
    in.row = &rp;

    /* pass 1: unit cells */
    for (int i = first; i <= ti->last; i++) {
        row *r = &D.rows[i];
        if (r->role != R_CELL || r->table != ti->num) continue;
        const char *txt = A(r->text);
        const nz_path *colp = col_path(A(r->colhead));
        in.col = colp;
        bool amb;
        const nz_entry *u = ti->kinds ? best_for_col(NZ_E_UNIT, &in, &amb) : NULL;
        bool is_unit = (u && colp->key.len) || ((ti->kinds & NZ_K_L1) && nz_is_unit(txt, strlen(txt)));
        if (!is_unit) continue;
        if (nunits == ucap) { ucap = ucap ? ucap * 2 : 32; units = gx_xrealloc(units, (size_t)ucap * sizeof *units); }
        units[nunits].row = r->row;
        size_t tn = strlen(txt);
        const char *t = gx_trim(txt, &tn);
        if (tn >= sizeof units[nunits].unit) tn = 0;
        memcpy(units[nunits].unit, t, tn);
        units[nunits].unit[tn] = 0;
        nunits++;
        r->role = R_UNITCELL;
    }

    gx_buf flags, rawb;
    gx_buf_init(&flags);
    gx_buf_init(&rawb);
    layout_flags lfl;
    layout_flags_make(ti, &lfl);
    for (int i = first; i <= ti->last; i++) {
        row *r = &D.rows[i];
        if (r->table != ti->num || (r->role != R_CELL && r->role != R_UNITCELL)) continue;
        if (r->role == R_UNITCELL) {
            /* kept in the stream (every cell is somewhere): flagged, no value */
            fact *u = new_fact(S_TABLE, "unmapped", "total");
            u->tab = (int)ti->num;
            u->line = r->line;
            size_t un = strlen(A(r->text));
            gx_trim(A(r->text), &un);
            u->state = un ? NZ_TEXT : NZ_EMPTY;
            u->unit = puts0(&D.fa, A(r->text));
            u->flags = puts0(&D.fa, "unit_cell");
            u->raw = puts0(&D.fa, A(r->text));
            u->ref = put_cell_ref(ti->num, r->row, r->col);
            r->role = R_CELL;
            continue;
        }
        /* label paths repeat along a row and down a column: keep the last */
        const char *rh = A(r->rowhead);
        if (r->rowhead != last_rh && strcmp(rh, A(last_rh)) != 0) {
            rowunit[0] = 0;
            size_t rhn = strip_unit_part(rh, strlen(rh), rowunit, sizeof rowunit);
            nz_path_set(&rp, rh, rhn);
        }
        last_rh = r->rowhead;
        const nz_path *colp = col_path(A(r->colhead));
        in.col = colp;
        /* the rows above, nearest first: rebuilt when a row joined them
         * (or the arena moved) */
        if (nctx != ctx_for || D.arena.data != ctx_base) {
            ctx_n = 0;
            for (int c = nctx - 1; c >= 0 && ctx_n < 48; c--) ctx[ctx_n++] = A(ctxo[c]);
            ctx_for = nctx;
            ctx_base = D.arena.data;
        }
        in.ctx = ctx;
        in.nctx = ctx_n;

        nz_value v;
        nz_value_parse(A(r->text), strlen(A(r->text)), &v);
        bool amb = false, dimamb = false;
        const nz_entry *e = ti->kinds ? nz_map_best(&KN.map, NZ_E_FACT, &in, &amb) : NULL;
        const char *dim = "total";
        gx_buf_reset(&flags);
        gx_buf_reset(&rawb);
        const char *why = NULL;
        bool cut = false;
        if (!e && ti->kinds && (e = nz_map_cut(&KN.map, NZ_E_FACT, &in))) cut = true;
        if (e && strcmp(e->dim, "*") == 0) {
            const nz_entry *d = best_for_col(NZ_E_DIM, &in, &dimamb);
            if (d) dim = d->dim;
            else { why = "unknown_column"; e = NULL; }
        } else if (e && *e->dim) {
            dim = e->dim;
        }
        if (!e && !why && ti->kinds) {
            bool gamb;
            const nz_entry *g = nz_map_best(&KN.map, NZ_E_GROUP, &in, &gamb);
            why = g ? "group_label" : "unknown_label";
        }
        if (!ti->kinds) why = "not_a_template_table";
        fact *f;
        unsigned eh = 0;   /* hash_key of e's indicator and dim (table strings) */
        if (e) {
            eh = hash_key_fixed(e->indicator, dim);
            fact *prev = find_fact_h(e->indicator, dim, eh);
            if (prev && (prev->tab != ti->num || prev->source != S_TABLE)) prev = NULL;
            if (prev && (prev->state == NZ_NUMBER || v.state != NZ_NUMBER)) {
                /* a second cell for the same indicator: keep the first with a value */
                why = "duplicate";
                e = NULL;
            } else if (prev) {
                size_t pi = prev->ind;
                prev->ind = puts0(&D.fa, "unmapped");
                size_t fl = prev->flags;
                gx_buf_reset(&D.tmp2);
                gx_buf_printf(&D.tmp2, "%s%sduplicate_of=%s", F(fl), *F(fl) ? "," : "", F(pi));
                prev->flags = put(&D.fa, D.tmp2.data, D.tmp2.len);
            }
        }
        if (e) {
            f = new_fact(S_TABLE, e->indicator, dim);
            f->h = eh;
            f->h_ind = f->ind;
            f->h_dim = f->dim;
            layout_flag(&lfl, e->kind, &flags);
            if (amb || dimamb) gx_buf_adds(&flags, ",ambiguous_label");
            if (cut) gx_buf_adds(&flags, ",label_cut");
            gx_buf_adds(&rawb, A(r->text));
        } else {
            f = new_fact(S_TABLE, "unmapped", "total");
            gx_buf_adds(&flags, why ? why : "unmapped");
            gx_buf_adds(&rawb, A(r->rowhead));
            gx_buf_adds(&rawb, " // ");
            gx_buf_adds(&rawb, A(r->colhead));
            gx_buf_adds(&rawb, " // ");
            gx_buf_adds(&rawb, A(r->text));
        }
        f->tab = (int)ti->num;
        f->line = r->line;
        f->state = v.state;
        if (v.state == NZ_NUMBER) f->val = puts0(&D.fa, v.num);
        const char *unit = v.unit[0] ? v.unit : "";
        if (!*unit) {
            for (int u = 0; u < nunits; u++) if (units[u].row == r->row) { unit = units[u].unit; break; }
        }
        if (!*unit && rowunit[0]) unit = rowunit;
        if (!*unit && colp->unit[0]) unit = colp->unit;
        if (!*unit && rp.unit[0]) unit = rp.unit;
        bool inferred = false;
        if (!*unit && e) unit = e->unit, inferred = *unit && unit[strlen(unit) - 1] == '?';
        f->unit = inferred ? put(&D.fa, unit, strlen(unit) - 1) : puts0(&D.fa, unit);
        if (inferred && v.state == NZ_NUMBER) gx_buf_adds(&flags, ",unit_inferred");
        size_t before = flags.len;
        gx_buf tmpf;
        gx_buf_init(&tmpf);
        nz_value_flags(&v, &tmpf);
        if (tmpf.len) { if (before) gx_buf_addc(&flags, ','); gx_buf_add(&flags, tmpf.data, tmpf.len); }
        if (v.note[0]) { gx_buf_adds(&flags, ",note="); gx_buf_adds(&flags, v.note); }
        if (r->cflags) {
            /* how gx-tables read the cell (shifted, wrapped, ...), as cell:WORD */
            const char *c = A(r->cflags);
            while (*c) {
                size_t l = strcspn(c, ",");
                if (l) {
                    if (flags.len) gx_buf_addc(&flags, ',');
                    gx_buf_adds(&flags, "cell:");
                    gx_buf_add(&flags, c, l);
                }
                c += l + (c[l] == ',');
            }
        }
        gx_buf_free(&tmpf);
        f->flags = put(&D.fa, flags.data ? flags.data : "", flags.len);
        f->raw = put(&D.fa, rawb.data ? rawb.data : "", rawb.len);
        f->ref = put_cell_ref(ti->num, r->row, r->col);
        if (e) hash_insert((int)(f - D.facts));

        /* this row's key joins the context once the row changes */
        if (r->row != last_row) {
            if (nctx == ctxcap) { ctxcap = ctxcap ? ctxcap * 2 : 32; ctxo = gx_xrealloc(ctxo, (size_t)ctxcap * sizeof *ctxo); }
            ctxo[nctx++] = put(&D.arena, rp.key.data, rp.key.len);
            last_row = r->row;
        }
    }
    gx_buf_free(&flags);
    gx_buf_free(&rawb);
    free(ctxo);
    free(units);
}

/* ---- narrative -------------------------------------------------------------- */

typedef struct narr {
    const cue *c;
    size_t at;           /* offset of the figure in the body */
    int    rank;         /* 0: a whole-body word before it in its sentence */
    char   value[64], unit[32], flags[96];
    long   line;
    size_t raw_a, raw_b;
    bool   set;
} narr;

static bool ends_sentence(const char *s, size_t n)
{
    if (!n) return true;
    static const char *const ends[] = {"。", ";", "!", "?", ":", "」", "\""};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        size_t l = strlen(ends[i]);
        if (n >= l && memcmp(s + n - l, ends[i], l) == 0) return true;
    }
    return false;
}

static void build_body(void)
{
    gx_buf_reset(&D.body);
    gx_buf_reserve(&D.body, 0);
    D.nseg = 0;
    int prev = -1;
    bool valid = true;   /* every line valid UTF-8: so is the body */
    for (int i = 0; i < D.nrows; i++) {
        row *r = &D.rows[i];
        if (r->role != R_TEXT && r->role != R_HEADING) continue;
        const char *t = A(r->text);
        size_t tn = strlen(t);
        /* boilerplate lines recur across reports: their normalised form
         * (and whether they were valid UTF-8) is remembered */
        static nz_memo lines;
        size_t vn = 0, at = 0;
        uint64_t h = 0;
        const char *hit = nz_memo_get(&lines, t, tn, 0, &vn, &h, &at);
        if (hit) {
            gx_buf_reset(&D.tmp);
            gx_buf_add(&D.tmp, hit + 1, vn - 1);
            if (!hit[0]) valid = false;
        } else {
            gx_norm_keep_space(t, tn, &D.tmp);
            bool ok = gx_norm_input_valid();
            if (!ok) valid = false;
            gx_buf_reset(&D.tmp2);
            gx_buf_addc(&D.tmp2, ok);
            gx_buf_add(&D.tmp2, D.tmp.data, D.tmp.len);
            nz_memo_put(&lines, t, tn, 0, h, at, D.tmp2.data, D.tmp2.len);
        }
        /* markdown emphasis */
        size_t w = D.tmp.len;
        const char *star = D.tmp.len ? memchr(D.tmp.data, '*', D.tmp.len) : NULL;
        if (star) w = (size_t)(star - D.tmp.data);   /* bytes before it stay */
        for (size_t j = w; star && j < D.tmp.len; j++) {
            if (D.tmp.data[j] == '*' && j + 1 < D.tmp.len && D.tmp.data[j + 1] == '*') { j++; continue; }
            D.tmp.data[w++] = D.tmp.data[j];
        }
        D.tmp.len = w;
        if (!w) continue;
        if (prev >= 0) {
            row *p = &D.rows[prev];
            bool join = (p->para >= 0 && p->para == r->para) ||
                        (p->role == R_TEXT && r->role == R_TEXT &&
                         !ends_sentence(D.body.data, D.body.len));
            if (!join) gx_buf_addc(&D.body, '\n');
        }
        if (D.nseg == D.segcap) {
            D.segcap = D.segcap ? D.segcap * 2 : 128;
            D.seg_off = gx_xrealloc(D.seg_off, (size_t)D.segcap * sizeof *D.seg_off);
            D.seg_line = gx_xrealloc(D.seg_line, (size_t)D.segcap * sizeof *D.seg_line);
            D.seg_kind = gx_xrealloc(D.seg_kind, (size_t)D.segcap * sizeof *D.seg_kind);
        }
        D.seg_kind[D.nseg] = r->kind;
        D.seg_off[D.nseg] = D.body.len;
        D.seg_line[D.nseg++] = r->line;
        gx_buf_add(&D.body, D.tmp.data, w);
        prev = i;
    }
    if (!D.body.data) { gx_buf_reserve(&D.body, 0); D.body.data[0] = 0; }
    gx_rx_pad(&D.body);
    rx_subject(D.body.data, D.body.len, valid);
    body_runs(D.body.data, D.body.len);
}

static long line_at(size_t off)
{
    int lo = 0, hi = D.nseg - 1, best = 0;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (D.seg_off[mid] <= off) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return D.nseg ? D.seg_line[best] : 0;
}

static bool is_sentence_end(const char *s, size_t i, size_t *len)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || c == ';' || c == '!' || c == '?') { *len = 1; return true; }
    if (c == 0xE3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82) { *len = 3; return true; }
    return false;
}

static size_t sentence_start(const char *s, size_t at)
{
    size_t i = at;
    while (i > 0) {
        size_t l;
        if (is_sentence_end(s, i - 1, &l)) return i;
        /* 。 is 3 bytes: check its first byte at i-3 */
        if (i >= 3 && is_sentence_end(s, i - 3, &l) && l == 3) return i;
        i--;
    }
    return 0;
}

static size_t sentence_end(const char *s, size_t n, size_t at)
{
    for (size_t i = at; i < n; i++) {
        size_t l;
        if (is_sentence_end(s, i, &l)) return i + l;
    }
    return n;
}

/* Is word nd (nn bytes) in h[0..hn)? The words are a few CJK characters
 * and the text a sentence: memchr finds the word's last byte (a
 * continuation byte, rarer than a lead byte), then the word is compared. */
static bool contains_n(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0) return true;
    if (nn > hn) return false;
    char last = nd[nn - 1];
    const char *p = h + nn - 1, *end = h + hn;
    while (p < end) {
        const char *f = memchr(p, last, (size_t)(end - p));
        if (!f) return false;
        if (memcmp(f - (nn - 1), nd, nn - 1) == 0) return true;
        p = f + 1;
    }
    return false;
}

static long cjk_year(const char *s, size_t n)
{
    long y = 0;
    int digits = 0;
    size_t i = 0;
    while (i < n) {
        int32_t cp;
        int k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 0) return -1;
        int d = -1;
        if (cp >= '0' && cp <= '9') d = cp - '0';
        else switch (cp) {
            case 0x3007: case 0x96F6: case 0x25CB: d = 0; break;
            case 0x4E00: d = 1; break; case 0x4E8C: d = 2; break; case 0x4E09: d = 3; break;
            case 0x56DB: d = 4; break; case 0x4E94: d = 5; break; case 0x516D: d = 6; break;
            case 0x4E03: d = 7; break; case 0x516B: d = 8; break; case 0x4E5D: d = 9; break;
            default: return -1;
        }
        y = y * 10 + d;
        digits++;
        i += (size_t)k;
    }
    return digits == 4 ? y : -1;
}

static void narrative(void)
{
    if (KN.o->no_narrative) return;
    load_cues();
    const char *s = D.body.data;
    size_t n = D.body.len;
    /* only set is read before a slot is written whole (best[ci] = cand) */
    narr *best = gx_xmalloc(((size_t)KN.ncues + 1) * sizeof *best);
    for (int j = 0; j <= KN.ncues; j++) best[j].set = false;
    for (int ci = 0; ci < KN.ncues; ci++) {
        cue *c = &KN.cues[ci];
        if (c->schema && c->schema != D.schema_class) continue;
        /* an earlier cue of the same indicator already found something earlier? checked at the end */
        size_t start = 0;
        while (start <= n) {
            rx *m;
            int rc = rx_find(&c->r, &c->w, s, n, start, &m);
            if (rc <= 0) break;
            size_t m0, m1, ga, gb;
            rx_group(m, 0, &m0, &m1);
            ga = m0; gb = m1;
            if (c->group > 0 && c->group < rc) rx_group(m, c->group, &ga, &gb);
            if (ga == GX_RX_UNSET) ga = m0, gb = m1;
            size_t next = m1 > m0 ? m1 : m0 + 1;
            size_t ss = sentence_start(s, m0);
            const nz_words *W = nz_words_get();
            if (c->whole && W->breakdown_n && ga - ss >= W->breakdown_n &&
                memmem(s + ss, ga - ss, W->breakdown, W->breakdown_n)) { start = next; continue; }
            narr cand = {0};
            cand.c = c;
            cand.at = ga;
            cand.line = line_at(ga);
            cand.raw_a = ss;
            cand.raw_b = sentence_end(s, n, m1);
            if (c->group == 0) {
                snprintf(cand.value, sizeof cand.value, "%s", c->value);
            } else {
                /* the figure: ASCII digits (separators dropped) or Chinese numerals */
                char num[40];
                size_t k = 0;
                bool ascii = ga < gb && s[ga] >= '0' && s[ga] <= '9';
                if (ascii) {
                    for (size_t j = ga; j < gb && k < sizeof num - 1; j++) if (s[j] != ',') num[k++] = s[j];
                    num[k] = 0;
                } else {
                    long x = gx_cjk_number(s + ga, gb - ga);
                    if (x < 0) { start = next; continue; }
                    snprintf(num, sizeof num, "%ld", x);
                }
                /* a multiplier after the figure (万, not the unit 万元) */
                size_t w = gb;
                while (w < n && s[w] == ' ') w++;
                if (W->multiplier_n && w + W->multiplier_n <= n &&
                    memcmp(s + w, W->multiplier, W->multiplier_n) == 0 && !nz_unit_prefix(s + w, n - w)) {
                    double x = atof(num) * W->multiplier_value;
                    if (x == (double)(long long)x) snprintf(cand.value, sizeof cand.value, "%lld", (long long)x);
                    else snprintf(cand.value, sizeof cand.value, "%.4f", x);
                } else {
                    snprintf(cand.value, sizeof cand.value, "%s", num);
                }
            }
            /* unit */
            if (c->unit[0] == '$') {
                int g = atoi(c->unit + 1);
                size_t ua, ub;
                if (g > 0 && g < rc) { rx_group(m, g, &ua, &ub);
                    if (ua != GX_RX_UNSET && ub - ua < sizeof cand.unit) { memcpy(cand.unit, s + ua, ub - ua); cand.unit[ub - ua] = 0; } }
            } else {
                snprintf(cand.unit, sizeof cand.unit, "%s", c->unit);
            }
            /* bounds */
            if (c->group > 0) {
                for (int b = 0; b < KN.nbounds; b++) {
                    bound *bd = &KN.bounds[b];
                    bool hit = false;
                    if (bd->before) {
                        size_t a = ga;
                        while (a > 0 && s[a - 1] == ' ') a--;
                        hit = a >= bd->n && memcmp(s + a - bd->n, bd->word, bd->n) == 0;
                    } else {
                        size_t a = gb;
                        while (a < n && s[a] == ' ') a++;
                        if (W->multiplier_n && a + W->multiplier_n <= n &&
                            memcmp(s + a, W->multiplier, W->multiplier_n) == 0)
                            a += W->multiplier_n;
                        if (!(a + bd->n <= n && memcmp(s + a, bd->word, bd->n) == 0)) {
                            size_t u = nz_unit_prefix(s + a, n - a);
                            if (u) { a += u; while (a < n && s[a] == ' ') a++; }
                        }
                        hit = a + bd->n <= n && memcmp(s + a, bd->word, bd->n) == 0;
                    }
                    if (hit && !strstr(cand.flags, bd->flag)) {
                        size_t l = strlen(cand.flags);
                        snprintf(cand.flags + l, sizeof cand.flags - l, "%s%s", l ? "," : "", bd->flag);
                    }
                }
            }
            cand.set = true;
            cand.rank = 1;
            for (int k = 0; k < KN.nscopes; k++)
                if (contains_n(s + ss, ga - ss, KN.scopes[k].word, KN.scopes[k].n)) { cand.rank = 0; break; }
            /* a whole-body figure first, then document order */
            narr *slot = NULL;
            for (int j = 0; j < KN.ncues; j++)
                if (best[j].set && strcmp(best[j].c->indicator, c->indicator) == 0) { slot = &best[j]; break; }
            if (!slot) best[ci] = cand;
            else if (cand.rank < slot->rank || (cand.rank == slot->rank && cand.at < slot->at)) *slot = cand;
            if (cand.rank == 0) break; /* later matches of this cue cannot win */
            start = next;
        }
    }
    for (int j = 0; j < KN.ncues; j++) {
        narr *b = &best[j];
        if (!b->set) continue;
        fact *f = new_fact(S_NARRATIVE, b->c->indicator, "total");
        f->state = NZ_NUMBER;
        f->val = puts0(&D.fa, b->value);
        f->unit = puts0(&D.fa, b->unit);
        f->line = b->line;
        gx_buf_reset(&D.tmp2);
        gx_buf_printf(&D.tmp2, "L%ld", b->line);
        f->ref = put(&D.fa, D.tmp2.data, D.tmp2.len);
        gx_buf_reset(&D.tmp2);
        gx_buf_adds(&D.tmp2, b->flags);
        if (b->c->group == 0) gx_buf_adds(&D.tmp2, D.tmp2.len ? ",in_words" : "in_words");
        f->flags = put(&D.fa, D.tmp2.data ? D.tmp2.data : "", D.tmp2.len);
        size_t ra = b->raw_a, rb = b->raw_b;
        while (rb > ra && D.body.data[rb - 1] == '\n') rb--;
        if (rb - ra > 600) { /* keep the figure's neighbourhood */
            ra = b->at > 300 + ra ? b->at - 300 : ra;
            while (ra < rb && ((unsigned char)D.body.data[ra] & 0xC0) == 0x80) ra++;
            if (rb - ra > 600) { rb = ra + 600; while (rb > ra && ((unsigned char)D.body.data[rb] & 0xC0) == 0x80) rb--; }
        }
        f->raw = put(&D.fa, D.body.data + ra, rb - ra);
    }
    free(best);
}

/* ---- document facts (doc.*, normalize_docfacts.tsv) ----------------------------- */

static const char *kind_at(size_t off)
{
    int lo = 0, hi = D.nseg - 1, best = 0;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (D.seg_off[mid] <= off) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return D.nseg ? A(D.seg_kind[best]) : "";
}

static bool kind_ok(const docfact *d, size_t off)
{
    if (!d->kinds) return true;
    const char *k = kind_at(off);
    size_t l = strlen(k);
    if (!l) return false;
    for (const char *p = strstr(d->kinds, k); p; p = strstr(p + 1, k))
        if (p > d->kinds && p[-1] == '|' && p[l] == '|') return true;
    return false;
}

/* A number of ASCII digits (separators dropped) at s[a..b) into out. */
static bool df_number(const char *s, size_t a, size_t b, char *out, size_t cap)
{
    size_t k = 0;
    if (a == GX_RX_UNSET || a >= b) return false;
    for (size_t j = a; j < b && k < cap - 1; j++) {
        if (s[j] == ',') continue;
        if ((s[j] < '0' || s[j] > '9') && s[j] != '.') return false;
        out[k++] = s[j];
    }
    out[k] = 0;
    return k > 0;
}

static fact *df_fact(const docfact *d, int state, const char *val, const char *unit,
                     const char *flags, size_t at, size_t ra, size_t rb)
{
    fact *f = new_fact(S_NARRATIVE, d->fact, "total");
    f->state = state;
    f->val = val ? puts0(&D.fa, val) : NONE;
    f->unit = puts0(&D.fa, unit);
    f->line = line_at(at);
    gx_buf_reset(&D.tmp2);
    gx_buf_printf(&D.tmp2, "L%ld", f->line);
    f->ref = put(&D.fa, D.tmp2.data, D.tmp2.len);
    f->flags = puts0(&D.fa, flags);
    while (rb > ra && D.body.data[rb - 1] == '\n') rb--;
    if (rb - ra > 600) {
        ra = at > 300 + ra ? at - 300 : ra;
        while (ra < rb && ((unsigned char)D.body.data[ra] & 0xC0) == 0x80) ra++;
        if (rb - ra > 600) { rb = ra + 600; while (rb > ra && ((unsigned char)D.body.data[rb] & 0xC0) == 0x80) rb--; }
    }
    f->raw = put(&D.fa, D.body.data + ra, rb - ra);
    return f;
}

/* The parts of a 其中 list: numbers in s[a..e) followed by exactly the unit u.
 * Stops at a nested 其中. Returns the count, or -1 when a part is a bound. */
static int df_parts(const char *s, size_t a, size_t e, const char *u, gx_buf *parts)
{
    const nz_words *W = nz_words_get();
    size_t ul = strlen(u);
    int n = 0;
    for (size_t i = a; i < e;) {
        if (W->breakdown_n && i + W->breakdown_n <= e && memcmp(s + i, W->breakdown, W->breakdown_n) == 0)
            break;
        bool start = s[i] >= '0' && s[i] <= '9' &&
                     (i == a || !((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '.' || s[i - 1] == ','));
        if (!start) { i++; continue; }
        size_t j = i;
        while (j < e && ((s[j] >= '0' && s[j] <= '9') || (s[j] == ',' && j + 1 < e && s[j + 1] >= '0' && s[j + 1] <= '9'))) j++;
        size_t k = j;
        while (k < e && s[k] == ' ') k++;
        size_t ulen = nz_unit_prefix(s + k, e - k);
        if (!(j < e && s[j] == '.') && ulen == ul && memcmp(s + k, u, ul) == 0) {
            size_t w = k + ul;
            for (int b = 0; b < KN.nbounds; b++)   /* "12件余", "5件以上": a bound, not a part */
                if (!KN.bounds[b].before && w + KN.bounds[b].n <= e &&
                    memcmp(s + w, KN.bounds[b].word, KN.bounds[b].n) == 0)
                    return -1;
            char num[40];
            if (!df_number(s, i, j, num, sizeof num)) return -1;
            if (n) gx_buf_addc(parts, '+');
            gx_buf_adds(parts, num);
            n++;
        }
        i = j;
        while (i < e && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) i++;
    }
    return n;
}

static void doc_facts(void)
{
    if (KN.o->no_narrative) return;
    load_docfacts();
    const char *s = D.body.data;
    size_t n = D.body.len;
    gx_buf fl;
    gx_buf_init(&fl);
    for (int di = 0; di < KN.ndfs; di++) KN.dfs[di].hit = false;
    for (int di = 0; di < KN.ndfs; di++) {
        docfact *d = &KN.dfs[di];
        bool found = false;   /* DF_FIRST: an earlier row of the fact matched */
        for (int k = 0; k < di && d->mode == DF_FIRST; k++)
            if (KN.dfs[k].mode == DF_FIRST && strcmp(KN.dfs[k].fact, d->fact) == 0 && KN.dfs[k].hit) found = true;
        if (found) continue;
        size_t start = 0;
        while (start <= n) {
            rx *m;
            int rc = rx_find(&d->r, &d->w, s, n, start, &m);
            if (rc <= 0) break;
            size_t m0, m1;
            rx_group(m, 0, &m0, &m1);
            start = m1 > m0 ? m1 : m0 + 1;
            if (!kind_ok(d, m0)) continue;
            size_t ss = sentence_start(s, m0), se = sentence_end(s, n, m1);
            size_t ga[3] = {m0, m0, m0}, gb[3] = {m1, m1, m1};
            for (int g = 0; g < 3; g++)
                if (d->g[g] > 0 && d->g[g] < rc) rx_group(m, d->g[g], &ga[g], &gb[g]);
            char v[3][40];
            gx_buf_reset(&fl);
            if (d->mode == DF_FIRST || d->mode == DF_ALL) {
                if (d->g[0] == 0 || !df_number(s, ga[0], gb[0], v[0], sizeof v[0]))
                    df_fact(d, NZ_TEXT, NULL, "", "unparsed", m0, ss, se);
                else
                    df_fact(d, NZ_NUMBER, v[0], "", "", ga[0], ss, se);
                d->hit = true;
                if (d->mode == DF_FIRST) break;
            } else if (d->mode == DF_SUM) {
                char unit[32];
                if (!df_number(s, ga[0], gb[0], v[0], sizeof v[0]) || gb[1] - ga[1] >= sizeof unit) continue;
                memcpy(unit, s + ga[1], gb[1] - ga[1]);
                unit[gb[1] - ga[1]] = 0;
                gx_buf_adds(&fl, "parts=");
                size_t e = sentence_end(s, n, m1);
                if (df_parts(s, m1, e, unit, &fl) < 2) continue;
                if (d->has_unless) {
                    if (d->unless_uses < GX_RX_JIT_AFTER && ++d->unless_uses == GX_RX_JIT_AFTER)
                        d->unless.flags &= ~(unsigned)GX_RX_NOJIT;
                    int u = rx_match(&d->unless, s, e, ss);
                    size_t u0 = 0, u1 = 0;
                    if (u > 0) rx_group(&d->unless, 0, &u0, &u1);
                    if (u > 0 && u0 < e) continue;
                }
                gx_buf_addc(&fl, 0);
                df_fact(d, NZ_NUMBER, v[0], unit, fl.data, ga[0], ss, e);
            } else {
                if (!df_number(s, ga[0], gb[0], v[0], sizeof v[0]) || !df_number(s, ga[1], gb[1], v[1], sizeof v[1]) ||
                    !df_number(s, ga[2], gb[2], v[2], sizeof v[2]) || atof(v[0]) <= 0) continue;
                gx_buf_printf(&fl, "num=%s,den=%s", v[1], v[0]);
                gx_buf_addc(&fl, 0);
                df_fact(d, NZ_NUMBER, v[2], "%", fl.data, ga[2], ss, se);
            }
        }
    }
    gx_buf_free(&fl);
}

/* ---- document fields ---------------------------------------------------------- */

/* A title is a line, an issuer a name: longer text is neither (bytes). */
#define NZ_TITLE_MAX 300
#define NZ_ORG_MAX   120

static void doc_fields(void)
{
    load_docpats();
    /* the title: role=title lines, else the first non-blank line */
    gx_buf title;
    gx_buf_init(&title);
    for (int i = 0; i < D.nrows; i++) {
        if (D.rows[i].role != R_TITLE) continue;
        gx_norm_keep_space(A(D.rows[i].text), strlen(A(D.rows[i].text)), &D.tmp);
        if (title.len) gx_buf_addc(&title, ' ');
        gx_buf_add(&title, D.tmp.data, D.tmp.len);
    }
    if (!title.len) {
        for (int i = 0; i < D.nrows; i++) {
            row *r = &D.rows[i];
            if (r->role == R_CELL || r->role == R_NOISE || r->role == R_TABLE) continue;
            gx_norm_keep_space(A(r->text), strlen(A(r->text)), &D.tmp);
            if (!D.tmp.len) continue;
            if (D.tmp.len <= NZ_TITLE_MAX) gx_buf_add(&title, D.tmp.data, D.tmp.len);
            break;   /* a long first line is text, not a title */
        }
    }
    if (!title.data) { gx_buf_reserve(&title, 0); title.data[0] = 0; }
    gx_rx_pad(&title);
    /* year */
    for (int pass = 0; pass < 2 && !D.year[0]; pass++) {
        const char *s = pass == 0 ? title.data : D.body.data;
        size_t n = pass == 0 ? title.len : D.body.len;
        for (int i = 0; i < KN.ndps && !D.year[0]; i++) {
            docpat *d = &KN.dps[i];
            if (d->field != (pass == 0 ? DP_YEAR : DP_YEAR_BODY)) continue;
            int rc = rx_match(&d->r, s, n, 0);
            if (rc <= d->group) continue;
            size_t a, b;
            rx_group(&d->r, d->group, &a, &b);
            long y = cjk_year(s + a, b - a);
            if (y >= 1900 && y < 2200) snprintf(D.year, sizeof D.year, "%ld", y);
        }
    }
    /* org: the title without year and report name */
    gx_buf_reset(&D.org);
    gx_buf_add(&D.org, title.data, title.len);
    for (int i = 0; i < KN.ndps; i++) {
        docpat *d = &KN.dps[i];
        if (d->field != DP_ORG_STRIP) continue;
        gx_rx_pad(&D.org);
        int rc = gx_rx_replace(&d->r, D.org.data, D.org.len, "", &D.tmp2, GX_RX_PADDED);
        if (rc >= 0) { gx_buf_reset(&D.org); gx_buf_add(&D.org, D.tmp2.data, D.tmp2.len); }
    }
    for (int i = 0; i < KN.ndps && !D.org.len; i++) {
        /* the compiling office named in the preamble */
        docpat *d = &KN.dps[i];
        if (d->field != DP_ORG_BODY) continue;
        int rc = rx_match(&d->r, D.body.data, D.body.len, 0);
        if (rc <= d->group) continue;
        size_t a, b;
        rx_group(&d->r, d->group, &a, &b);
        if (b - a <= NZ_ORG_MAX) gx_buf_add(&D.org, D.body.data + a, b - a);
    }
    if (D.org.len > NZ_ORG_MAX) gx_buf_reset(&D.org);   /* a sentence, not an issuer */
    if (!D.org.len) {
        /* a signature block near the end */
        int seen = 0;
        for (int i = D.nrows - 1; i >= 0 && seen < 40 && !D.org.len; i--) {
            row *r = &D.rows[i];
            if (r->role == R_CELL || r->role == R_TABLE || r->role == R_BLANK) continue;
            seen++;
            gx_norm_keep_space(A(r->text), strlen(A(r->text)), &D.tmp);
            gx_rx_pad(&D.tmp);
            for (int j = 0; j < KN.ndps; j++) {
                docpat *d = &KN.dps[j];
                if (d->field != DP_ORG_SIGN) continue;
                int rc = rx_match(&d->r, D.tmp.data, D.tmp.len, 0);
                if (rc <= d->group) continue;
                size_t a, b;
                rx_group(&d->r, d->group, &a, &b);
                gx_buf_add(&D.org, D.tmp.data + a, b - a);
                break;
            }
        }
    }
    gx_buf_free(&title);
}

/* ---- T4: a value row shifted right (spec §8.4 point 4) ------------------------- */

static const char *const t4_groups[3] = {"review", "litigation.direct", "litigation.after_review"};
static const char *const t4_cols[5] = {"upheld", "corrected", "other", "pending", "total"};

static bool num_of(const fact *cf, double *x)
{
    if (!cf || cf->dead || cf->state != NZ_NUMBER || cf->val == NONE) return false;
    fact *f = (fact *)cf;   /* the number is kept with the fact (atof is dear) */
    if (f->x_for != f->val) {
        /* plain digits (most values): exact as a long, so the same double
         * atof gives; anything else through atof */
        const char *v = F(f->val);
        long iv = 0;
        int k = 0;
        while (k < 15 && v[k] >= '0' && v[k] <= '9') iv = iv * 10 + (v[k++] - '0');
        f->x = k && !v[k] ? (double)iv : atof(v);
        f->x_for = f->val;
    }
    *x = f->x;
    return true;
}

static const fact *narr_fact(const char *ind)
{
    for (int i = 0; i < D.nfacts; i++) {
        const fact *f = &D.facts[i];
        if (f->source == S_NARRATIVE && strcmp(F(f->ind), ind) == 0) return f;
    }
    return NULL;
}

/* Score of a reading slot[0..14]: identities that hold + narrative agreement. */
static int t4_score(fact *const *slot)
{
    int s = 0;
    for (int g = 0; g < 3; g++) {
        double v[5], sum = 0;
        bool all = true;
        for (int c = 0; c < 5; c++) { if (!num_of(slot[g * 5 + c], &v[c])) all = false; }
        if (!all) continue;
        for (int c = 0; c < 4; c++) sum += v[c];
        if (sum == v[4]) s++;
    }
    double x, y, z;
    const fact *nr = narr_fact("review.total"), *nl = narr_fact("litigation.all.total");
    if (nr && num_of(nr, &x) && num_of(slot[4], &y) && x == y) s++;
    if (nl && num_of(nl, &x)) {
        double lit = 0;
        bool any = false;
        if (num_of(slot[9], &y)) { lit += y; any = true; }
        if (num_of(slot[14], &z)) { lit += z; any = true; }
        if (any && lit == x) s++;
    }
    return s;
}

static void t4_shift(tinfo *ti)
{
    if (!(ti->kinds & NZ_K_T4)) return;
    fact *slot[15] = {0};
    char ind[64];
    static char names[15][64];   /* group.column, made once */
    if (!names[0][0])
        for (int k = 0; k < 15; k++) snprintf(names[k], sizeof names[k], "%s.%s", t4_groups[k / 5], t4_cols[k % 5]);
    for (int g = 0; g < 3; g++)
        for (int c = 0; c < 5; c++) {
            const char *want = names[g * 5 + c];
            for (int i = 0; i < D.nfacts; i++) {
                fact *f = &D.facts[i];
                if (f->tab == ti->num && f->source == S_TABLE && !f->dead && strcmp(F(f->ind), want) == 0) {
                    slot[g * 5 + c] = f;
                    break;
                }
            }
        }
    /* the shape: first five empty or absent, at least five numbers after them */
    int nums = 0;
    for (int i = 0; i < 5; i++) if (slot[i] && slot[i]->state != NZ_EMPTY) return;
    for (int i = 5; i < 15; i++) if (slot[i] && slot[i]->state == NZ_NUMBER) nums++;
    if (nums < 5) return;
    fact *shifted[15];
    for (int i = 0; i < 15; i++) shifted[i] = i + 5 < 15 ? slot[i + 5] : NULL;
    int sp = t4_score(slot), ss = t4_score(shifted);
    if (ss <= sp) return;
    /* rewrite: the printed cells keep their ref and raw; the indicator moves */
    long line = 0;
    for (int i = 5; i < 15; i++) if (slot[i]) { line = slot[i]->line; break; }
    fact saved[15];
    bool have[15];
    for (int i = 0; i < 15; i++) { have[i] = slot[i] != NULL; if (slot[i]) saved[i] = *slot[i]; }
    for (int i = 5; i < 15; i++) if (slot[i]) slot[i]->dead = true;
    for (int i = 0; i < 5; i++) {
        /* the printed blank cells before the values: kept, read as nothing */
        if (!slot[i]) continue;
        fact *o = slot[i];
        gx_buf_reset(&D.tmp2);
        gx_buf_printf(&D.tmp2, "%s,shifted,blank_before_values,printed_as=%s", F(o->flags), F(o->ind));
        o->flags = put(&D.fa, D.tmp2.data, D.tmp2.len);
        o->ind = puts0(&D.fa, "unmapped");
    }
    for (int g = 0; g < 3; g++)
        for (int c = 0; c < 5; c++) {
            int i = g * 5 + c;
            snprintf(ind, sizeof ind, "%s.%s", t4_groups[g], t4_cols[c]);
            fact *f = new_fact(S_TABLE, ind, "total");
            f->tab = (int)ti->num;
            gx_buf_reset(&D.tmp2);
            if (i + 5 < 15 && have[i + 5]) {
                fact *o = &saved[i + 5];
                f->state = o->state;
                f->val = o->val;
                f->unit = o->unit;
                f->raw = o->raw;
                f->ref = o->ref;
                f->line = o->line;
                gx_buf_printf(&D.tmp2, "%s,shifted,printed_as=%s", F(o->flags), F(o->ind));
            } else {
                f->state = NZ_EMPTY;
                f->unit = 0;
                for (int j = 5; j < 15; j++) if (have[j]) { f->unit = saved[j].unit; break; }
                f->raw = puts0(&D.fa, "");
                f->line = have[i] ? saved[i].line : line;
                f->ref = puts0(&D.fa, ""); /* printed nowhere */
                gx_buf_printf(&D.tmp2, "layout=t4,shifted,unprinted");
            }
            gx_buf_printf(&D.tmp2, ",shift_score=%d:%d", ss, sp);
            f->flags = put(&D.fa, D.tmp2.data, D.tmp2.len);
        }
}

/* ---- derived ------------------------------------------------------------------ */

static const char *const applicant_dims[] = {"natural_person", "commercial", "research",
                                             "social_welfare", "legal_service", "other", "total"};

/* gx_buf_adds, inline (the describing of derived sums appends many short names) */
static inline void add_str(gx_buf *b, const char *s) { gx_buf_add(b, s, strlen(s)); }

/* One derived fact: ind[dim] = sum of the parts pind[i][pdim[i]], unless
 * printed; written only when at least one part is present. */
static void derive_one(const char *ind, const char *dim, char *const *pind,
                       const char *const *pdim, int np, const char *flags, const unsigned *hk)
{
    unsigned h0 = hk ? hk[0] : hash_key(ind, dim);
    if (find_fact_h(ind, dim, h0)) return;
    /* the parts first: most derived facts have none in a report, and then
     * nothing is written (the description below is not needed) */
    fact *part[64];
    bool any = false;
    for (int p = 0; p < np; p++)
        any |= (part[p] = find_fact_h(pind[p], pdim[p], hk ? hk[1 + p] : hash_key(pind[p], pdim[p]))) != NULL;
    if (!any) return;
    double sum = 0;
    int have = 0, numbers = 0;
    size_t unit = 0;    /* the unit of the parts */
    gx_buf_reset(&D.tmp2);
    for (int p = 0; p < np; p++) {
        fact *f = part[p];
        if (D.tmp2.len) add_str(&D.tmp2, " + ");
        add_str(&D.tmp2, pind[p]);
        if (strcmp(pdim[p], dim) != 0) { gx_buf_addc(&D.tmp2, '['); add_str(&D.tmp2, pdim[p]); gx_buf_addc(&D.tmp2, ']'); }
        gx_buf_addc(&D.tmp2, '=');
        if (!f) { add_str(&D.tmp2, "absent"); continue; }
        if (!have) unit = f->unit;
        have++;
        double x;
        if (num_of(f, &x)) { sum += x; numbers++; add_str(&D.tmp2, F(f->val)); }
        else add_str(&D.tmp2, nz_state_names[f->state]);
    }
    if (!have) return;
    size_t raw = put(&D.fa, D.tmp2.data, D.tmp2.len);
    fact *f = new_fact(S_DERIVED, ind, dim);
    f->h = h0;
    f->h_ind = f->ind;
    f->h_dim = f->dim;
    f->raw = raw;
    f->unit = unit;
    f->ref = puts0(&D.fa, "");
    gx_buf_reset(&D.tmp2);
    add_str(&D.tmp2, "sum");
    if (*flags) { gx_buf_addc(&D.tmp2, ','); add_str(&D.tmp2, flags); }
    if (numbers == np) {
        f->state = NZ_NUMBER;
        char v[48];
        if (sum == (long long)sum) *put_digits(v, (long)(long long)sum) = 0;   /* as %lld */
        else {
            snprintf(v, sizeof v, "%.10f", sum);   /* then drop trailing zeros */
            char *e = v + strlen(v);
            while (e > v && e[-1] == '0') *--e = 0;
            if (e > v && e[-1] == '.') *--e = 0;
        }
        f->val = puts0(&D.fa, v);
    } else {
        f->state = NZ_EMPTY;
        gx_buf_printf(&D.tmp2, ",partial=%d/%d", numbers, np);
    }
    f->flags = put(&D.fa, D.tmp2.data, D.tmp2.len);
    hash_insert((int)(f - D.facts));
}

static void derived(void)
{
    if (KN.o->no_derived) return;
    hash_rebuild();
    const char *dims[64];
    for (int i = 0; i < KN.nders; i++) {
        derive *d = &KN.ders[i];
        if (d->schema == 1 && D.schema_class != 1) continue;
        if (d->schema == 2 && D.schema_class != 2) continue;
        if (d->schema == 3 && !D.m2021) continue;
        int np = d->nparts < 64 ? d->nparts : 64;
        if (d->dimsum) {
            /* a dimension summed from others, for every indicator printed
             * with the first of them (legal_entity of T3) */
            int n0 = D.nfacts;
            for (int j = 0; j < n0; j++) {
                fact *q = &D.facts[j];
                if (q->dead || q->source != S_TABLE || strcmp(F(q->dim), d->parts[0]) != 0 ||
                    strcmp(F(q->ind), "unmapped") == 0) continue;
                char *ind = gx_xstrdup(F(q->ind));
                char *inds[64];
                for (int p = 0; p < np; p++) { inds[p] = ind; dims[p] = d->parts[p]; }
                derive_one(ind, d->dim, inds, dims, np, d->flags, NULL);
                free(ind);
            }
            continue;
        }
        int nd = d->applicant ? 7 : 1;
        if (!d->h) {   /* the same names in every report: hashed once */
            d->h = gx_xmalloc((size_t)nd * (size_t)(np + 1) * sizeof *d->h);
            for (int k = 0; k < nd; k++) {
                const char *dim = d->applicant ? applicant_dims[k] : "total";
                unsigned *hk = d->h + (size_t)k * (size_t)(np + 1);
                hk[0] = hash_key(d->indicator, dim);
                for (int p = 0; p < np; p++) hk[1 + p] = hash_key(d->parts[p], dim);
            }
        }
        for (int k = 0; k < nd; k++) {
            const char *dim = d->applicant ? applicant_dims[k] : "total";
            for (int p = 0; p < np; p++) dims[p] = dim;
            derive_one(d->indicator, dim, d->parts, dims, np, d->flags, d->h + (size_t)k * (size_t)(np + 1));
        }
    }
}

/* ---- output -------------------------------------------------------------------- */

/* Append s[0..n) escaped as one gx-TSV field, as gx_out_field writes it
 * (backslash, TAB, LF, CR), eight bytes a step where none is there. The
 * fact rows are made whole in a buffer and written at once: a call per
 * field cost more than most fields. */
static const char esc_of[256] = { ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r' };

/* Does the 8-byte word hold a byte below 0x0E (TAB, LF, CR, ...) or a
 * backslash? (SWAR "has less than" and "has zero byte" tests) */
static inline bool word_may_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t bs = w ^ (ones * 0x5C);
    return (((w - ones * 0x0E) & ~w) | ((bs - ones) & ~bs)) & highs;
}

static void add_field(gx_buf *b, const char *s, size_t n)
{
    gx_buf_reserve(b, 2 * n);
    char *d = b->data + b->len;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
#ifdef __SSE2__
        /* sixteen bytes a step: none at or below 0x0D, no backslash */
        if (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)p);
            __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x0D)), x);
            __m128i bs = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
            if (!_mm_movemask_epi8(_mm_or_si128(low, bs))) {
                _mm_storeu_si128((__m128i *)d, x);
                d += 16;
                p += 16;
                continue;
            }
        }
#endif
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!word_may_escape(w)) { memcpy(d, p, 8); d += 8; p += 8; continue; }
        }
        char e = esc_of[*p];
        if (e) { *d++ = '\\'; *d++ = e; }
        else *d++ = (char)*p;
        p++;
    }
    b->len = (size_t)(d - b->data);
    b->data[b->len] = 0;
}

static inline void add_fieldz(gx_buf *b, const char *s) { add_field(b, s, strlen(s)); }

static void emit(void)
{
    /* doc, year, org and schema are the same on every row: escaped once */
    static gx_buf pre, line;
    gx_buf_reset(&pre);
    add_field(&pre, D.name.data, D.name.len);
    gx_buf_addc(&pre, '\t');
    if (D.year[0]) add_field(&pre, D.year, strlen(D.year)); else gx_buf_adds(&pre, GX_NULL_FIELD);
    gx_buf_addc(&pre, '\t');
    if (D.org.len) add_field(&pre, D.org.data, D.org.len); else gx_buf_adds(&pre, GX_NULL_FIELD);
    gx_buf_addc(&pre, '\t');
    add_field(&pre, D.schema, strlen(D.schema));
    gx_buf_addc(&pre, '\t');
    for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < D.nfacts; i++) {
            fact *f = &D.facts[i];
            if (f->dead || f->source != pass) continue;
            gx_buf_reset(&line);
            gx_buf_add(&line, pre.data, pre.len);
            add_fieldz(&line, F(f->ind)); gx_buf_addc(&line, '\t');
            add_fieldz(&line, F(f->dim)); gx_buf_addc(&line, '\t');
            if (f->state == NZ_NUMBER && f->val != NONE) add_fieldz(&line, F(f->val)); else add_str(&line, GX_NULL_FIELD);
            gx_buf_addc(&line, '\t');
            add_fieldz(&line, F(f->unit)); gx_buf_addc(&line, '\t');
            /* names of our own, nothing to escape */
            add_str(&line, nz_state_names[f->state]); gx_buf_addc(&line, '\t');
            add_str(&line, source_names[f->source]); gx_buf_addc(&line, '\t');
            if (f->line > 0) add_long(&line, f->line); else add_str(&line, GX_NULL_FIELD);
            gx_buf_addc(&line, '\t');
            add_str(&line, F(f->ref)); gx_buf_addc(&line, '\t');   /* T1:r2:c3, L12 or empty: nothing to escape */
            add_fieldz(&line, F(f->flags)); gx_buf_addc(&line, '\t');
            add_fieldz(&line, F(f->raw)); gx_buf_addc(&line, '\n');
            gx_out(line.data, line.len);
        }
    }
}

static void finish_doc(void)
{
    if (!D.nrows) return;
    load_knowledge(KN.o);   /* on the first document: empty input loads nothing */
    detect_tables();
    build_body();
    doc_fields();
    narrative();
    doc_facts();
    hash_rebuild();
    for (int t = 0; t < D.ntabs; t++) table_facts(&D.tabs[t]);
    for (int t = 0; t < D.ntabs; t++) t4_shift(&D.tabs[t]);
    derived();
    emit();
    doc_reset();
}

int nz_run(const nz_opts *o, int argc, char **argv, const char *files0)
{
    KN.o = o;
    if (o->map_file) load_knowledge(o);   /* the user's table: report a bad one now */
    doc_reset();
    gx_tsv_in in;
    gx_tsv_in_init(&in, argc, argv, files0, gx_doc_columns, GX_DOC_NCOL);
    if (!o->no_header) gx_out_header(gx_fact_columns, GX_FACT_NCOL);
    gx_record *rec;
    const char *hdr = NULL;
    int flags_col = -1;
    while ((rec = gx_tsv_next(&in))) {
        if (in.header_line != hdr) {   /* a new operand: gx-tables adds a flags column */
            hdr = in.header_line;
            flags_col = in.file_ncol > GX_DOC_NCOL ? header_col(hdr, "flags") : -1;
        }
        const char *doc = rec->f[DOC_DOC];
        size_t dn = rec->len[DOC_DOC];
        if (D.nrows && (dn != D.name.len || memcmp(doc, D.name.data, dn) != 0)) finish_doc();
        if (!D.nrows) { gx_buf_reset(&D.name); gx_buf_add(&D.name, doc, dn); }
        add_row(rec, flags_col);
    }
    finish_doc();
    gx_tsv_in_free(&in);
    gx_out_flush();
    return gx_error_count() ? GX_EXIT_ERROR : GX_EXIT_OK;
}

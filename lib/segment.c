/* segment.c - the document structure of a report: title, headings (level,
 * section path, kind), table blocks, paragraphs, noise.
 *
 * The knowledge (numbering styles, section keywords, noise patterns) is in
 * share/gx/headings.tsv, sections.tsv and segment_noise.tsv; this file holds
 * the mechanisms. Work is done on the whole decoded document, in passes:
 *   1. line classes (blank, text, TAB row, one-cell TAB row, pipe row,
 *      space-aligned row);
 *   2. table blocks (rows, blank lines and wrapped continuation lines),
 *      chart residue after the last table;
 *   3. noise lines (page footers, attachment lists);
 *   4. title lines;
 *   5. headings: numbering style -> rank, restarts and bulletin phrases ->
 *      noise, open headings -> depth and dotted path;
 *   6. kinds (containers, generic headings, inheritance);
 *   7. paragraphs.
 */
#include "segment.h"
#include "text.h"

#include "rx.h"
#include "rxlite.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* ---- line classes ---------------------------------------------------- */

enum {
    C_BLANK = 1, C_TEXT,
    C_TAB,      /* a line with TABs */
    C_TAB1,     /* one-cell TAB row: ^\t[^\t]*$ */
    C_PIPE,     /* markdown pipe row */
    C_SPACE,    /* space-aligned row with a number, 3+ fields */
    C_SPACE2,   /* 2 space-separated fields, the last a number */
    C_SPACEW,   /* 3+ space-separated fields, no number (header row) */
    C_TABE      /* TABs and whitespace only: an empty row inside a table */
};

static bool is_row(int c) { return c >= C_TAB; }
static int family(int c)
{
    if (c == C_TAB || c == C_TAB1 || c == C_TABE) return 1;
    if (c == C_PIPE) return 2;
    if (c >= C_SPACE && c <= C_SPACEW) return 3;
    return 0;
}

/* ---- knowledge tables ------------------------------------------------ */

/* Patterns are gx_rx (rx.h): compiled on their first match, JIT-compiled
 * only once a stream has used them often, so a small report pays for the
 * patterns it needs and nothing else. The tables are PCRE2 with Unicode
 * properties (\d, \s and \p{Han} over all of Unicode: full-width digits,
 * U+3000), so each pattern is compiled as "(*UCP)" + its text. Every subject
 * is valid UTF-8 (decoded) and padded (a slice of the padded document text
 * or of a padded scratch buffer). */
#define RXM (GX_RX_VALID | GX_RX_PADDED)

/* A table pattern. Two cheap paths keep pcre2 away from most lines:
 *   - a pattern without regex syntax (apart from a leading ^ and a trailing
 *     $) is a literal: compared with memcmp, never compiled (most section
 *     keywords);
 *   - a pattern anchored with ^ remembers, per first character of the
 *     subject, whether any match can begin with it (pcre2 partial matching
 *     on that character alone); a line whose first character cannot start
 *     a match is answered at once (page footers, numbering styles).
 * Neither changes an answer. */
enum { L_REGEX, L_ANY, L_PREFIX, L_WHOLE, L_SUFFIX };
typedef struct spat {
    gx_rx re;
    const char *lit; size_t lit_n; int lmode;
    bool anchored;
    int req;                 /* a byte every match holds (pcre2's first or
                                last code unit), -1 if none, -2 not known yet */
    const char *need[4]; size_t need_n[4];   /* literals every match holds */
    int nneed;               /* how many, -1 until read from the pattern */
    struct fset *first;      /* anchored: the characters a match can begin
                                with, read from the pattern text (NULL:
                                not known) */
    bool first_done;
    struct cpmemo *memo;     /* first characters seen, and the answer */
    gx_rxl *rxl;             /* the pattern for rxlite.h, NULL if it is
                                outside that subset (pcre2 matches it) */
    bool rxl_done;           /* rxl was tried */
    bool rxl_last;           /* the last match was answered by rxl */
    size_t caps[2 * GX_RXL_GROUPS];   /* its groups */
} spat;

/* A direct-mapped cache of answers per code point (a collision only costs
 * the answer being worked out again). */
#define CPMEMO 512
typedef struct cpmemo { uint32_t key[CPMEMO]; unsigned char yes[CPMEMO]; } cpmemo;

static int memo_get(const cpmemo *m, int32_t cp)
{
    size_t i = (size_t)cp % CPMEMO;
    return m->key[i] == (uint32_t)cp + 1 ? m->yes[i] : -1;
}

/* Memos come from a zero-initialised static pool (no allocation and no
 * clearing for the first few dozen patterns). */
static cpmemo *memo_new(void)
{
    static cpmemo pool[32];
    static int used;
    if (used < 32) return &pool[used++];
    return gx_xcalloc(1, sizeof(cpmemo));
}

static void memo_put(cpmemo *m, int32_t cp, bool yes)
{
    size_t i = (size_t)cp % CPMEMO;
    m->key[i] = (uint32_t)cp + 1;
    m->yes[i] = yes;
}

typedef struct hstyle {
    int rank, max_chars;
    const char *style;
    spat re;
    int g_num, g_title;      /* group numbers, -2 until the pattern has run */
} hstyle;

enum { K_PLAIN, K_CONTAINER, K_ONCE };
/* fh: for a literal found anywhere (L_ANY), the hash of its first
   character; a title none of whose characters has that hash cannot hold
   it (classify). */
typedef struct kindrule { const char *kind; spat re; int rule; unsigned fh; } kindrule;

enum { N_LINE, N_ATTACH, N_BULLETIN, N_CHART, N_CAPTION, N_SEPARATOR };
typedef struct noiserule { int scope; spat re; } noiserule;

/* The tables are read on first need: headings.tsv by the first line that
 * might be a heading or a title, sections.tsv by the first heading,
 * segment_noise.tsv by the first noise test. */
static struct {
    bool h_loaded, k_loaded, n_loaded;
    gx_table th, ts, tn;
    hstyle *hs; int nhs;
    spat title_re; bool has_title; int title_max;
    spat start_re; bool has_start;
    cpmemo *start_memo;     /* the start pattern per first character */
    kindrule *ks; int nks;
    noiserule *ns; int nns;
    int *byscope;           /* rule indexes grouped by scope, in table order */
    int nscope[N_SEPARATOR + 2];   /* scope k: byscope[nscope[k] .. nscope[k + 1]) */
} R;

static void set_rx(spat *r, const char *pat, const char *table, int row)
{
    size_t n = strlen(pat);
    memset(r, 0, sizeof *r);
    size_t a = pat[0] == '^', b = n;
    bool dollar = n > a && pat[n - 1] == '$';
    if (dollar) b--;
    static const unsigned char META[256] = {
        ['\\'] = 1, ['^'] = 1, ['$'] = 1, ['.'] = 1, ['|'] = 1, ['?'] = 1, ['*'] = 1, ['+'] = 1,
        ['('] = 1, [')'] = 1, ['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1,
    };
    bool lit = b > a;
    for (size_t i = a; i < b && lit; i++)
        if (META[(unsigned char)pat[i]]) lit = false;
    if (lit) {
        r->lit = pat + a;
        r->lit_n = b - a;
        r->lmode = a ? (dollar ? L_WHOLE : L_PREFIX) : (dollar ? L_SUFFIX : L_ANY);
        return;
    }
    r->anchored = a;
    r->req = -2;
    r->nneed = -1;
    /* the "(*UCP)" copies are carved from 4 KiB blocks (one allocation for
       a whole table, not one per pattern) */
    static char *arena;
    static size_t left;
    if (left < n + 7) {
        left = n + 7 > 4096 ? n + 7 : 4096;
        arena = gx_xmalloc(left);
    }
    char *p = arena;
    arena += n + 7;
    left -= n + 7;
    memcpy(p, "(*UCP)", 6);
    memcpy(p + 6, pat, n + 1);
    gx_rx_set(&r->re, p, 0, table, row);
}

/* Does s hold w (k > 0 bytes)? memchr looks for the LAST byte of w: in
 * Chinese text the lead bytes of characters (E4-E9) are everywhere, their
 * last bytes spread over 64 values. */
static bool has_sub(const char *s, size_t n, const char *w, size_t k)
{
    if (k > n) return false;
    const char *e = s + n;
    char z = w[k - 1];
    for (const char *p = s + k - 1; p < e; p++) {
        p = memchr(p, z, (size_t)(e - p));
        if (!p) return false;
        if (memcmp(p - (k - 1), w, k - 1) == 0) return true;
    }
    return false;
}

/* Can a match of anchored r begin with the first character of s? */
/* gx_utf8_next, with the common characters (ASCII, a three-byte one with
 * no special range) decoded here. */
static inline int first_char(const char *s, size_t n, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80) { *cp = (int32_t)c; return 1; }
    if (c >= 0xE1 && c <= 0xEF && c != 0xED && n >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *cp = (int32_t)((c & 0x0F) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu));
        return 3;
    }
    return gx_utf8_next(s, n, cp);
}

/* ---- the characters an anchored pattern can begin with ----------------
 *
 * Read from the pattern text for the simple forms of the tables (after ^:
 * literals, classes of literals and ranges, \d, groups and alternatives,
 * optional items), so that a line whose first character is not among them
 * is answered without compiling the pattern or running pcre2 (most lines,
 * most patterns). Anything else gives "not known" and pcre2 decides, as
 * before. A "may begin" is only ever used where the full match follows. */
#define FSET_MAX 48
typedef struct fset {
    int32_t lo[FSET_MAX], hi[FSET_MAX];   /* ranges of code points */
    int n;
    bool digit;              /* \d (Unicode Nd: gx_rxl_digit) */
    bool han;                /* \p{Han} (likewise) */
    bool single;             /* the whole pattern is ^ and one character of
                                the set: a one-character subject matches
                                exactly when its character is in it */
} fset;

static bool fset_add(fset *f, int32_t lo, int32_t hi)
{
    if (f->n == FSET_MAX) return false;
    f->lo[f->n] = lo;
    f->hi[f->n] = hi;
    f->n++;
    return true;
}

/* 1: cp may begin a match; 0: it cannot; -1: not known. */
static int fset_has(const fset *f, int32_t cp)
{
    for (int i = 0; i < f->n; i++) if (cp >= f->lo[i] && cp <= f->hi[i]) return 1;
    /* \d with (*UCP): all of Unicode Nd; \p{Han}: the Han script. What
       gx_rxl_digit and gx_rxl_han answer as pcre2. */
    if (f->digit && gx_rxl_digit(cp)) return 1;
    if (f->han && gx_rxl_han(cp)) return 1;
    return 0;
}

/* The code point of the UTF-8 character at p (*k its length), or -1. */
static int32_t pat_char(const char *p, int *k)
{
    int32_t cp;
    *k = gx_utf8_next(p, strnlen(p, 4), &cp);
    return *k < 1 ? -1 : cp;
}

/* Index after a quantifier at p[i] (none: i); *opt: it allows zero. */
static size_t fs_quant(const char *p, size_t i, bool *opt)
{
    *opt = false;
    if (p[i] == '?' || p[i] == '*') { *opt = true; i++; }
    else if (p[i] == '+') i++;
    else if (p[i] == '{') {
        size_t j = i + 1;
        if (!(p[j] >= '0' && p[j] <= '9')) return i;     /* a literal { */
        *opt = p[j] == '0';
        while ((p[j] >= '0' && p[j] <= '9') || p[j] == ',') j++;
        if (p[j] != '}') return i;
        i = j + 1;
    } else return i;
    if (p[i] == '?' || p[i] == '+') i++;
    return i;
}

/* Skip one escape at p[i] == '\\'; 0 if not understood. */
static size_t fs_skip_escape(const char *p, size_t i)
{
    char e = p[i + 1];
    if (!e) return 0;
    if (strchr("pPxNgko", e) && p[i + 2] == '{') {
        const char *b = strchr(p + i, '}');
        return b ? (size_t)(b - p) + 1 : 0;
    }
    if (e == 'Q' || e == 'E' || e == 'c' || e == 'x' || e == 'p' || e == 'P') return 0;
    int k = 1;
    if ((unsigned char)e >= 0x80) pat_char(p + i + 1, &k);
    return i + 1 + (size_t)(k < 1 ? 1 : k);
}

/* Skip a class at p[i] == '['; 0 if not understood. */
static size_t fs_skip_class(const char *p, size_t i)
{
    i++;
    if (p[i] == '^') i++;
    if (p[i] == ']') i++;
    while (p[i] && p[i] != ']') {
        if (p[i] == '\\') { i = fs_skip_escape(p, i); if (!i) return 0; }
        else if (p[i] == '[' && p[i + 1] == ':') return 0;
        else i++;
    }
    return p[i] == ']' ? i + 1 : 0;
}

/* Index of the '|' or ')' that ends the alternative holding p[i] (or of
 * the end of the pattern); 0 on something not understood. */
static size_t fs_skip_alt(const char *p, size_t i)
{
    int depth = 0;
    while (p[i]) {
        char c = p[i];
        if (c == '\\') { i = fs_skip_escape(p, i); if (!i) return 0; continue; }
        if (c == '[') { i = fs_skip_class(p, i); if (!i) return 0; continue; }
        if (c == '(') { if (p[i + 1] == '*') return 0; depth++; }
        else if (c == ')') { if (depth == 0) return i; depth--; }
        else if (c == '|' && depth == 0) return i;
        i++;
    }
    return i;
}

static int fs_seq(const char *p, size_t *ip, fset *f, bool *one);

/* One atom at p[*ip]: its first characters into f, *null: it can match the
 * empty string, *single: it always matches exactly one character. false:
 * not understood. */
static bool fs_atom(const char *p, size_t *ip, fset *f, bool *null, bool *single)
{
    size_t i = *ip;
    char c = p[i];
    *null = false;
    *single = true;
    if (c == '(') {
        i++;
        if (p[i] == '?') {
            if (p[i + 1] == ':') i += 2;
            else if (p[i + 1] == '<' && p[i + 2] != '=' && p[i + 2] != '!') {
                const char *e = strchr(p + i, '>');
                if (!e) return false;
                i = (size_t)(e - p) + 1;
            } else return false;           /* look-arounds, options, ... */
        } else if (p[i] == '*') return false;
        bool any_null = false;
        for (;;) {
            bool one;
            int r = fs_seq(p, &i, f, &one);
            if (r < 0) return false;
            if (r) any_null = true;
            if (!one) *single = false;
            if (p[i] == '|') { i++; continue; }
            if (p[i] != ')') return false;
            i++;
            break;
        }
        *null = any_null;
    } else if (c == '[') {
        i++;
        if (p[i] == '^') return false;
        bool first = true;
        while (p[i] && (p[i] != ']' || first)) {
            first = false;
            int32_t lo;
            int k = 1;
            if (p[i] == '\\') {
                char e = p[i + 1];
                if (e == 'd') { f->digit = true; i += 2; continue; }
                if (!e || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9') ||
                    (unsigned char)e >= 0x80)
                    return false;
                lo = (unsigned char)e;
                i += 2;
            } else if (p[i] == '[') {
                return false;                   /* [:alpha:] and the like */
            } else {
                lo = pat_char(p + i, &k);
                if (lo < 0) return false;
                i += (size_t)k;
            }
            int32_t hi = lo;
            if (p[i] == '-' && p[i + 1] && p[i + 1] != ']') {
                if (p[i + 1] == '\\') return false;
                hi = pat_char(p + i + 1, &k);
                if (hi < lo) return false;
                i += 1 + (size_t)k;
            }
            if (!fset_add(f, lo, hi)) return false;
        }
        if (p[i] != ']') return false;
        i++;
    } else if (c == '\\') {
        char e = p[i + 1];
        if (e == 'd') { f->digit = true; i += 2; }
        else if (strncmp(p + i, "\\p{Han}", 7) == 0) { f->han = true; i += 7; }
        else if (e && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) &&
                 (unsigned char)e < 0x80) {
            if (!fset_add(f, (unsigned char)e, (unsigned char)e)) return false;
            i += 2;
        } else return false;
    } else if (c == '.' || c == '^' || c == '$' || c == '|' || c == ')' || c == '?' || c == '*' ||
               c == '+' || c == '{' || c == ']' || c == 0) {
        return false;
    } else {
        int k;
        int32_t cp = pat_char(p + i, &k);
        if (cp < 0 || !fset_add(f, cp, cp)) return false;
        i += (size_t)k;
    }
    bool opt;
    size_t q = fs_quant(p, i, &opt);
    if (q != i) *single = false;
    if (opt) *null = true;
    *ip = q;
    return true;
}

/* A sequence up to '|' or ')' (or the end): its first characters into f.
 * 1: it can match the empty string, 0: it cannot, -1: not understood.
 * *ip ends on the '|', ')' or NUL; *one: the sequence is one atom that
 * matches exactly one character. */
static int fs_seq(const char *p, size_t *ip, fset *f, bool *one)
{
    size_t i = *ip;
    *one = false;
    bool first = true;
    while (p[i] && p[i] != '|' && p[i] != ')') {
        bool null, single;
        if (!fs_atom(p, &i, f, &null, &single)) return -1;
        if (!null) {                   /* the rest cannot start a match */
            size_t e = fs_skip_alt(p, i);
            if (!e) return -1;
            *one = first && single && e == i;
            *ip = e;
            return 0;
        }
        first = false;
    }
    *ip = i;
    return 1;
}

/* The first-character set of anchored pattern p ("(*UCP)^..."), or NULL. */
static fset *first_set(const char *p)
{
    size_t i = 0;
    while (p[i] == '(' && p[i + 1] == '*') {
        const char *e = strchr(p + i, ')');
        if (!e) return NULL;
        i = (size_t)(e - p) + 1;
    }
    if (p[i] != '^') return NULL;
    i++;
    fset f;
    memset(&f, 0, sizeof f);
    bool one;
    if (fs_seq(p, &i, &f, &one) != 0 || p[i] != 0) return NULL;   /* empty, ^a|b, ... */
    f.single = one;
    fset *r = gx_xmalloc(sizeof *r);
    *r = f;
    return r;
}

/* May a match of anchored r begin with cp? 0 when the pattern text says no. */
static int first_known(spat *r, int32_t cp)
{
    if (!r->first_done) {
        r->first_done = true;
        r->first = first_set(r->re.pattern);
    }
    return r->first ? fset_has(r->first, cp) : -1;
}

/* The rxlite.h program of regex r (compiled on first need), or NULL
 * when pcre2 must match it. The pattern text follows the "(*UCP)" that
 * set_rx put before it. */
static gx_rxl *spat_rxl(spat *r)
{
    if (!r->rxl_done) {
        r->rxl_done = true;
        r->rxl = gx_rxl_new(r->re.pattern + 6, strlen(r->re.pattern + 6), false);
    }
    return r->rxl;
}

/* first_ok with the first character of s given: k bytes, code point cp. */
static bool first_ok(spat *r, const char *s, int k, int32_t cp)
{
    static pcre2_match_data *md;
    if (k < 1 || cp < 0) return true;
    if (!r->memo) r->memo = memo_new();
    int v = memo_get(r->memo, cp);
    if (v < 0) {
        /* the pattern text decides when it can: first_ok is only a filter
           before the full match, so a "may" is as good as pcre2's */
        v = first_known(r, cp);
        if (v >= 0) memo_put(r->memo, cp, v);
    }
    if (v < 0 && spat_rxl(r)) return true;   /* matching is cheap: no filter */
    if (v < 0) {
        char err[300];
        if (!gx_rx_compile(&r->re, err, sizeof err))
            gx_die(GX_EXIT_ERROR, "%s: row %d: %s", r->re.where, r->re.row, err);
        /* a pattern that starts with ^ but is not anchored as a whole
           (^a|b): no memo */
        uint32_t all = 0;
        pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_ALLOPTIONS, &all);
        if (!(all & PCRE2_ANCHORED)) { r->anchored = false; return true; }
        if (!md) md = pcre2_match_data_create(16, NULL);
        int rc = pcre2_match((pcre2_code *)r->re.re, (PCRE2_SPTR)s, (size_t)k, 0,
                             PCRE2_PARTIAL_HARD | PCRE2_NO_UTF_CHECK, md, NULL);
        v = rc >= 0 || rc == PCRE2_ERROR_PARTIAL;
        memo_put(r->memo, cp, v);
    }
    return v;
}

/* Does pattern p turn on options inside ((?i) changes which bytes match)? */
static bool sets_options(const char *p)
{
    for (const char *q = strstr(p, "(?"); q; q = strstr(q + 2, "(?")) {
        char c = q[2];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '^' || c == '-') return true;
    }
    return false;
}

/* A byte that every match of r contains, or -1: the first or last code
 * unit pcre2 found when compiling (a subject without it cannot match, and
 * memchr says so faster than a pcre2 call). Not for patterns that turn on
 * options inside. */
static int required_byte(spat *r)
{
    char err[300];
    if (!gx_rx_compile(&r->re, err, sizeof err))
        gx_die(GX_EXIT_ERROR, "%s: row %d: %s", r->re.where, r->re.row, err);
    if (sets_options(r->re.pattern)) return -1;
    uint32_t all = 0, type = 0, unit = 0;
    pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_ALLOPTIONS, &all);
    if (all & PCRE2_CASELESS) return -1;
    pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_FIRSTCODETYPE, &type);
    if (type == 1) {
        pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_FIRSTCODEUNIT, &unit);
        return (int)(unit & 0xFF);
    }
    pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_LASTCODETYPE, &type);
    if (type == 1) {
        pcre2_pattern_info((pcre2_code *)r->re.re, PCRE2_INFO_LASTCODEUNIT, &unit);
        return (int)(unit & 0xFF);
    }
    return -1;
}

/* The runs of literal characters that every match of pattern p must hold
 * (up to max of them; returns how many): characters at the top level of
 * the pattern (not inside a group or a class), not made optional or
 * repeated by a quantifier, in a pattern without a top-level alternative.
 * Conservative: anything it does not know ends a run, or gives none. */
static int needed_literals(const char *p, const char **lit, size_t *len, int max)
{
    size_t i = 0, run_a = 0, run_n = 0;
    int nl = 0;
    if (p[0] == '(' && p[1] == '*') {            /* leading verbs: (*UCP) */
        while (p[i] == '(' && p[i + 1] == '*') {
            const char *e = strchr(p + i, ')');
            if (!e) return 0;
            i = (size_t)(e - p) + 1;
        }
    }
#define END_RUN() do { if (run_n && nl < max) lit[nl] = p + run_a, len[nl++] = run_n; run_n = 0; } while (0)
    while (p[i]) {
        unsigned char c = (unsigned char)p[i];
        size_t cl = 0;                           /* length of a literal character here */
        size_t adv = 0;                          /* or of a non-literal atom */
        if (c == '|') return 0;
        if (c == '(') {
            if (p[i + 1] == '?' && p[i + 2] != ':' && p[i + 2] != '<' && p[i + 2] != '=' &&
                p[i + 2] != '!' && p[i + 2] != '>' && p[i + 2] != 'P')
                return 0;                        /* options or other group forms */
            int depth = 0;
            size_t j = i;
            bool cls = false;
            for (; p[j]; j++) {
                if (p[j] == '\\' && p[j + 1]) { j++; continue; }
                if (cls) { if (p[j] == ']') cls = false; continue; }
                if (p[j] == '[') { cls = true; if (p[j + 1] == '^') j++; if (p[j + 1] == ']') j++; continue; }
                if (p[j] == '(') depth++;
                else if (p[j] == ')' && --depth == 0) break;
            }
            if (!p[j]) return 0;
            adv = j + 1 - i;
        } else if (c == '[') {
            size_t j = i + 1;
            if (p[j] == '^') j++;
            if (p[j] == ']') j++;
            while (p[j] && p[j] != ']') j += p[j] == '\\' && p[j + 1] ? 2 : 1;
            if (!p[j]) return 0;
            adv = j + 1 - i;
        } else if (c == '\\') {
            unsigned char e = (unsigned char)p[i + 1];
            if (!e) return 0;
            if (e < 0x80 && !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')))
                cl = 2;                          /* an escaped punctuation character */
            else if (strchr("dDsSwWhHvVRNXbBAzZGK", e) && e)
                adv = 2;
            else
                return 0;                        /* \p{..}, \x.., \Q, back references... */
        } else if (c == '^' || c == '$' || c == '.') {
            adv = 1;
        } else if (c == ')' || c == '?' || c == '*' || c == '+' || c == '{' || c == '}' || c == ']') {
            return 0;                            /* not where this walk expects it */
        } else if (c < 0x80) {
            cl = 1;
        } else {
            cl = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            for (size_t k = 1; k < cl; k++) if (!p[i + k]) return 0;
        }
        size_t j = i + (cl ? cl : adv);
        bool quant = p[j] == '?' || p[j] == '*' || p[j] == '+' || p[j] == '{';
        if (cl && !quant) {
            if (run_n == 0) run_a = i;
            if (cl == 2 && c == '\\') {
                /* an escaped character: the run holds its text, not the
                   backslash; only as a run of its own */
                END_RUN();
                run_a = i + 1;
                run_n = 1;
                END_RUN();
            } else {
                run_n += cl;
            }
        } else {
            END_RUN();
        }
        i = j;
        if (quant) {
            if (p[i] == '{') {
                const char *e = strchr(p + i, '}');
                if (!e) return 0;
                i = (size_t)(e - p) + 1;
            } else {
                i++;
            }
            if (p[i] == '?' || p[i] == '+') i++;
        }
    }
    END_RUN();
#undef END_RUN
    return nl;
}

/* Match r against s[0..n): > 0 on a match (groups readable with
 * gx_rx_group for a regex), 0 if none. */
static int spat_match_at(spat *r, const char *s, size_t n, int k, int32_t cp);

static int spat_match(spat *r, const char *s, size_t n)
{
    return spat_match_at(r, s, n, 0, 0);
}

static int spat_match_rest(spat *r, const char *s, size_t n);

/* spat_match; k > 0: the first character of s is k bytes, code point cp
 * (worked out once by a caller that tries many patterns on s). */
static int spat_match_at(spat *r, const char *s, size_t n, int k, int32_t cp)
{
    if (r->lmode == L_REGEX && r->anchored && n) {
        if (k == 0) k = first_char(s, n, &cp);
        if (!first_ok(r, s, k, cp)) return 0;
    }
    return spat_match_rest(r, s, n);
}

/* spat_match for a subject whose first character r may begin with (or r
 * is not anchored). */
static int spat_match_rest(spat *r, const char *s, size_t n)
{
    switch (r->lmode) {
    case L_ANY:    return has_sub(s, n, r->lit, r->lit_n);
    case L_PREFIX: return n >= r->lit_n && memcmp(s, r->lit, r->lit_n) == 0;
    case L_WHOLE:  return n == r->lit_n && memcmp(s, r->lit, r->lit_n) == 0;
    case L_SUFFIX: return n >= r->lit_n && memcmp(s + n - r->lit_n, r->lit, r->lit_n) == 0;
    default: break;
    }
    /* the literals are read from the pattern text: a subject without them
       costs no compile */
    if (r->nneed < 0)
        r->nneed = sets_options(r->re.pattern) ? 0 : needed_literals(r->re.pattern, r->need, r->need_n, 4);
    for (int j = 0; j < r->nneed; j++)
        if (!has_sub(s, n, r->need[j], r->need_n[j])) return 0;
    /* most patterns: the small matcher, unless it cannot tell */
    if (spat_rxl(r)) {
        int v = gx_rxl_match(r->rxl, s, n, r->caps, 2 * GX_RXL_GROUPS);
        if (v >= 0) {
            r->rxl_last = true;
            return v;
        }
    }
    r->rxl_last = false;
    if (r->req == -2) r->req = required_byte(r);
    if (r->req >= 0 && !memchr(s, r->req, n)) return 0;
    int rc = gx_rx_match(&r->re, s, n, 0, RXM);
    return rc > 0 ? rc : 0;
}

/* Group g of the last match of regex r. */
static void spat_group(const spat *r, int g, size_t *a, size_t *b)
{
    if (!r->rxl_last) gx_rx_group(&r->re, g, a, b);
    else if (g >= 0 && g < GX_RXL_GROUPS) { *a = r->caps[2 * g]; *b = r->caps[2 * g + 1]; }
    else *a = *b = GX_RX_UNSET;
}

/* ---- pattern sets ------------------------------------------------------
 *
 * The patterns a caller tries in turn on one subject (the numbering styles
 * on a line, the noise patterns of one scope), with, per first character
 * of the subject, the set of those a match can begin with (first_ok, and
 * for the styles the start pattern as a gate): a line then costs one look
 * in a small cache instead of one test per pattern. */
#define SETMEMO 256
typedef struct pset {
    spat **p;
    int n;
    bool gate;               /* the start pattern of headings.tsv must pass */
    uint32_t key[SETMEMO], mask[SETMEMO];
} pset;

static bool start_ok(const char *s, size_t n);

static void pset_init(pset *ps, int cap, bool gate)
{
    memset(ps, 0, sizeof *ps);
    ps->p = gx_xmalloc(((size_t)cap + 1) * sizeof *ps->p);
    ps->gate = gate;
}

static void pset_add(pset *ps, spat *r) { ps->p[ps->n++] = r; }

/* Bit i: pattern i may match s (n bytes, first character k bytes, code
 * point cp). A set of more than 32 patterns is not filtered here
 * (pset_match then tests each pattern's first character itself). */
static uint32_t pset_mask(pset *ps, const char *s, size_t n, int k, int32_t cp)
{
    if (ps->n > 32) return ps->gate && n && !start_ok(s, n) ? 0 : UINT32_MAX;
    uint32_t all = ps->n == 32 ? UINT32_MAX : (1u << ps->n) - 1;
    if (n == 0) return all;                  /* nothing to filter on */
    size_t slot = (size_t)(uint32_t)cp % SETMEMO;
    if (cp >= 0 && ps->key[slot] == (uint32_t)cp + 1) return ps->mask[slot];
    uint32_t m = 0;
    if (!ps->gate || start_ok(s, n))
        for (int i = 0; i < ps->n; i++) {
            spat *r = ps->p[i];
            if (r->lmode != L_REGEX || !r->anchored || first_ok(r, s, k, cp)) m |= 1u << i;
        }
    if (cp >= 0) {
        ps->key[slot] = (uint32_t)cp + 1;
        ps->mask[slot] = m;
    }
    return m;
}

/* Pattern i of the set on s, given that bit i of pset_mask is set. */
static int pset_match(const pset *ps, int i, const char *s, size_t n, int k, int32_t cp)
{
    return ps->n > 32 ? spat_match_at(ps->p[i], s, n, k, cp) : spat_match_rest(ps->p[i], s, n);
}

/* the numbering styles (gated by the start pattern); the noise patterns
   by scope */
static pset HS, NS[N_SEPARATOR + 1];
static uint32_t HS_top;      /* the styles of rank 1 and 2 in HS (all when more than 32) */

static int col(const gx_table *t, const char *name)
{
    int c = gx_table_col(t, name);
    if (c < 0) gx_die(GX_EXIT_ERROR, "%s: no column %s", t->name, name);
    return c;
}

static void headings_load(void)
{
    if (R.h_loaded) return;
    R.h_loaded = true;
    gx_table_load(&R.th, "headings.tsv", NULL);
    int cr = col(&R.th, "rank"), cs = col(&R.th, "style"), cm = col(&R.th, "max_chars"),
        cp = col(&R.th, "pattern");
    /* not cleared: every field of an entry in use is set below (set_rx
       clears its pattern), and clearing costs a store per byte */
    R.hs = gx_xmalloc(((size_t)R.th.nrows + 1) * sizeof *R.hs);
    for (int i = 0; i < R.th.nrows; i++) {
        char **row = R.th.rows[i];
        int rank = atoi(row[cr]);
        if (rank < 0) {
            set_rx(&R.start_re, row[cp], "headings.tsv", i + 1);
            R.has_start = true;
            continue;
        }
        if (rank == 0) {
            set_rx(&R.title_re, row[cp], "headings.tsv", i + 1);
            R.has_title = true;
            R.title_max = atoi(row[cm]);
            continue;
        }
        hstyle *h = &R.hs[R.nhs++];
        h->rank = rank < GX_SEG_MAXDEPTH ? rank : GX_SEG_MAXDEPTH - 1;
        h->style = row[cs];
        h->max_chars = atoi(row[cm]);
        set_rx(&h->re, row[cp], "headings.tsv", i + 1);
        h->g_num = h->g_title = -2;
    }
    pset_init(&HS, R.nhs, R.has_start);
    for (int i = 0; i < R.nhs; i++) pset_add(&HS, &R.hs[i].re);
    HS_top = R.nhs > 32 ? UINT32_MAX : 0;
    for (int i = 0; i < R.nhs && i < 32; i++) if (R.hs[i].rank <= 2) HS_top |= 1u << i;
}

/* A hash (0..255) of the UTF-8 character at s (n bytes left): its lead
 * byte and up to two more of its bytes. */
static unsigned char_hash(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = u[0] < 0xC0 ? 1 : u[0] < 0xE0 ? 2 : 3;
    if (len > n) len = n;
    unsigned h = u[0] * 7u;
    if (len > 1) h += u[1] * 131u;
    if (len > 2) h += u[2];
    return (h ^ (h >> 8)) & 255;
}

static void kinds_load(void)
{
    if (R.k_loaded) return;
    R.k_loaded = true;
    gx_table_load(&R.ts, "sections.tsv", NULL);
    int ck = col(&R.ts, "kind"), cq = col(&R.ts, "pattern"), cu = col(&R.ts, "rule");
    R.ks = gx_xmalloc(((size_t)R.ts.nrows + 1) * sizeof *R.ks);   /* set below */
    for (int i = 0; i < R.ts.nrows; i++) {
        char **row = R.ts.rows[i];
        kindrule *k = &R.ks[R.nks++];
        k->kind = row[ck];
        set_rx(&k->re, row[cq], "sections.tsv", i + 1);
        k->fh = k->re.lmode == L_ANY ? char_hash(k->re.lit, k->re.lit_n) : 0;
        k->rule = strcmp(row[cu], "container") == 0 ? K_CONTAINER
                : strcmp(row[cu], "once") == 0 ? K_ONCE : K_PLAIN;
    }
}

static void noise_load(void)
{
    if (R.n_loaded) return;
    R.n_loaded = true;
    gx_table_load(&R.tn, "segment_noise.tsv", NULL);
    int cn = col(&R.tn, "scope"), cnp = col(&R.tn, "pattern");
    R.ns = gx_xmalloc(((size_t)R.tn.nrows + 1) * sizeof *R.ns);   /* set below */
    for (int i = 0; i < R.tn.nrows; i++) {
        char **row = R.tn.rows[i];
        const char *s = row[cn];
        int scope = strcmp(s, "line") == 0 ? N_LINE : strcmp(s, "attach") == 0 ? N_ATTACH
                  : strcmp(s, "bulletin") == 0 ? N_BULLETIN : strcmp(s, "chart") == 0 ? N_CHART
                  : strcmp(s, "caption") == 0 ? N_CAPTION
                  : strcmp(s, "separator") == 0 ? N_SEPARATOR : -1;
        if (scope < 0) gx_die(GX_EXIT_ERROR, "segment_noise.tsv: row %d: unknown scope %s", i + 1, s);
        R.ns[R.nns].scope = scope;
        set_rx(&R.ns[R.nns].re, row[cnp], "segment_noise.tsv", i + 1);
        R.nns++;
    }
    R.byscope = gx_xcalloc((size_t)R.nns + 1, sizeof *R.byscope);
    int k = 0;
    for (int sc = 0; sc <= N_SEPARATOR; sc++) {
        R.nscope[sc] = k;
        for (int i = 0; i < R.nns; i++) if (R.ns[i].scope == sc) R.byscope[k++] = i;
    }
    R.nscope[N_SEPARATOR + 1] = k;
    for (int sc = 0; sc <= N_SEPARATOR; sc++) {
        pset_init(&NS[sc], R.nscope[sc + 1] - R.nscope[sc], false);
        for (int j = R.nscope[sc]; j < R.nscope[sc + 1]; j++) pset_add(&NS[sc], &R.ns[R.byscope[j]].re);
    }
}

static bool rx(spat *x, const char *s, size_t n)
{
    return spat_match(x, s, n) > 0;
}

static bool noise_match(int scope, const char *s, size_t n)
{
    noise_load();
    pset *ps = &NS[scope];
    if (ps->n == 0) return false;
    int32_t cp = 0;
    int k = n ? first_char(s, n, &cp) : 0;
    uint32_t mask = pset_mask(ps, s, n, k, cp);
    for (int j = 0; j < ps->n && mask; j++)
        if ((j >= 32 || (mask >> j & 1)) && pset_match(ps, j, s, n, k, cp) > 0) return true;
    return false;
}

/* ---- small text helpers --------------------------------------------- */

static size_t nchars(const char *s, size_t n)
{
    /* characters = bytes - continuation bytes (10xxxxxx), 8 bytes at a time */
    size_t cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* one bit per continuation byte (bit 7), summed by a multiply */
        uint64_t c = (w & ~(w << 1) & 0x8080808080808080ULL) >> 7;
        cont += (size_t)((c * 0x0101010101010101ULL) >> 56);
    }
    for (; i < n; i++) cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return n - cont;
}

/* nchars(s, n) > lim, answered from the length alone when it can be (a
 * character is 1 to 4 bytes). */
static bool nchars_over(const char *s, size_t n, size_t lim)
{
    if (n <= lim) return false;
    if (n > 4 * lim) return true;
    return nchars(s, n) > lim;
}

/* Whitespace code point at s? Returns its byte length, 0 if none: ASCII
 * whitespace, NBSP, U+1680, U+180E, U+2000-U+200D, U+2028/9, U+202F, U+205F,
 * U+2060, U+3000, U+FEFF (the set of gx_is_space_cp, on the bytes). */
static const unsigned char SP_LEAD[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
    [0xC2] = 1, [0xE1] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* The bytes from a byte to the next character (valid UTF-8: a lead byte
 * skips its whole sequence, any other byte itself); set by bytes_init(). */
static unsigned char U8LEN[256];

static int space_at_mb(const char *p, size_t n);

static inline int space_at(const char *p, size_t n)
{
    if (n == 0 || !SP_LEAD[(unsigned char)p[0]]) return 0;   /* most characters */
    if ((unsigned char)p[0] < 0x80) return 1;
    return space_at_mb(p, n);
}

static int space_at_mb(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    unsigned char c = s[0];
    if (c < 0x80) return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (c == 0xC2) return n >= 2 && s[1] == 0xA0 ? 2 : 0;
    if (n < 3) return 0;
    switch (c) {
    case 0xE3: return s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
    case 0xE2:
        if (s[1] == 0x80) return (s[2] <= 0x8D || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF) ? 3 : 0;
        if (s[1] == 0x81) return (s[2] == 0x9F || s[2] == 0xA0) ? 3 : 0;
        return 0;
    case 0xE1: return ((s[1] == 0x9A && s[2] == 0x80) || (s[1] == 0xA0 && s[2] == 0x8E)) ? 3 : 0;
    case 0xEF: return s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
    default: return 0;
    }
}

static size_t dwidth_cap(const char *p, size_t n, size_t cap);
/* Display width, CJK wide = 2 (close enough for the thresholds here). */
static size_t dwidth(const char *p, size_t n) { return dwidth_cap(p, n, SIZE_MAX); }

/* The display width, or some width >= cap once it reaches cap (for tests
 * against a threshold). */
static size_t dwidth_cap(const char *p, size_t n, size_t cap)
{
    /* a character at a time (the text is valid UTF-8; a continuation byte
       adds nothing, so the width at each character is as byte by byte) */
    const unsigned char *s = (const unsigned char *)p;
    size_t w = 0, i = 0;
    while (i < n && w < cap) {
        unsigned char c = s[i];
        if ((unsigned)(c - 0xE3) <= 0xED - 0xE3) { w += 2; i += 3; continue; }   /* U+3000..U+DFFF */
        if (c < 0x80) { w += c >= 0x20 || c == '\t'; i++; continue; }
        if (c < 0xC0) { i++; continue; }              /* continuation byte */
        if (c < 0xE0) { w++; i += 2; continue; }
        if (c >= 0xF0) { w += 2; i += c < 0xF8 ? 4 : 1; continue; }
        unsigned char c1 = i + 1 < n ? s[i + 1] : 0;
        if (c == 0xE0 || c == 0xE1 || c == 0xEE) w++;
        else if (c == 0xE2) w += c1 >= 0xBA ? 2 : 1;  /* U+2E80.. CJK radicals */
        else w += (c1 == 0xBC || (c1 == 0xBD && i + 2 < n && s[i + 2] <= 0xA0) ||
                   c1 == 0xB8 || c1 == 0xB9) ? 2 : 1;   /* 0xEF: full-width forms */
        i += 3;
    }
    return w;
}

static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0) return true;
    return false;
}

/* pcre2's JIT code may read a few bytes past the end of the subject: every
 * buffer handed to it gets defined bytes there. */
#define RX_PAD 64
static void rx_pad(gx_buf *b)
{
    gx_buf_reserve(b, RX_PAD);
    memset(b->data + b->len, 0, RX_PAD);
}

static bool is_blank(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        int k = space_at(s + i, n - i);
        if (!k) return false;
        i += (size_t)k;
    }
    return true;
}

/* The last bytes of the white space of space_at (ASCII, NBSP and the
 * three-byte ones): a string ending in no such byte has none at its end. */
static const unsigned char END_WS[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
    [0x80] = 1, [0x81] = 1, [0x82] = 1, [0x83] = 1, [0x84] = 1, [0x85] = 1, [0x86] = 1,
    [0x87] = 1, [0x88] = 1, [0x89] = 1, [0x8A] = 1, [0x8B] = 1, [0x8C] = 1, [0x8D] = 1,
    [0x8E] = 1, [0x9F] = 1, [0xA0] = 1, [0xA8] = 1, [0xA9] = 1, [0xAF] = 1, [0xBF] = 1,
};

static const char *trim_slow(const char *s, size_t *np)
{
    size_t n = *np;
    int k;
    while (n && (k = space_at(s, n)) > 0) { s += k; n -= (size_t)k; }
    for (;;) {
        if (n && space_at(s + n - 1, 1)) { n--; continue; }
        if (n >= 2 && space_at(s + n - 2, 2) == 2) { n -= 2; continue; }
        if (n >= 3 && space_at(s + n - 3, 3) == 3) { n -= 3; continue; }
        break;
    }
    *np = n;
    return s;
}

/* Trim whitespace (incl. U+3000, NBSP) at both ends; most strings have
 * none, which their first and last bytes tell. */
static inline const char *trim(const char *s, size_t *np)
{
    size_t n = *np;
    if (n == 0 || (!SP_LEAD[(unsigned char)s[0]] && !END_WS[(unsigned char)s[n - 1]])) return s;
    return trim_slow(s, np);
}

/* A cleaned copy for heading matching: trimmed, "**" removed, markdown '#'
 * marks removed. */
static void clean(const char *s, size_t n, gx_buf *out)
{
    gx_buf_reset(out);
    s = trim(s, &n);
    if (n && s[0] == '#') {
        size_t k = 0;
        while (k < n && k < 6 && s[k] == '#') k++;
        if (k < n && (s[k] == ' ' || s[k] == '\t')) { s += k; n -= k; s = trim(s, &n); }
    }
    size_t start = 0;
    const char *star = n ? memchr(s, '*', n) : NULL;
    for (size_t i = star ? (size_t)(star - s) : n; i + 1 < n; i++) {
        if (s[i] == '*' && s[i + 1] == '*') {
            gx_buf_add(out, s + start, i - start);
            i++;
            start = i + 1;
        }
    }
    if (start < n) gx_buf_add(out, s + start, n - start);
    size_t m = out->len;
    const char *t = trim(out->data ? out->data : "", &m);
    if (out->data && t != out->data) memmove(out->data, t, m);
    out->len = m;
    rx_pad(out);
}

static bool is_numeric(const char *s, size_t n)
{
    s = trim(s, &n);
    if (!n) return false;
    size_t i = 0;
    if (s[0] == '+' || s[0] == '-') i++;
    else if (n >= 3 && (memcmp(s, "\xE5\x87\x8F", 3) == 0 || memcmp(s, "\xE5\xA2\x9E", 3) == 0)) {
        i = 3;   /* 减 / 增 */
        while (i < n && s[i] == ' ') i++;
    }
    bool digit = false;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9') digit = true;
        else if (c == ',' || c == '.') continue;
        else if (c == '%' && i + 1 == n) continue;
        else return false;
    }
    return digit;
}

/* A field is numeric if it is a number, or ends with one after a single
 * space ("万元 0": a unit and its value that pdftotext did not separate). */
static bool field_numeric(const char *s, size_t n)
{
    if (is_numeric(s, n)) return true;
    /* a number ends with a digit, ',', '.' or '%' (is_numeric) */
    size_t m = n;
    const char *t = trim(s, &m);
    if (!m) return false;
    unsigned char z = (unsigned char)t[m - 1];
    if (!((z >= '0' && z <= '9') || z == ',' || z == '.' || z == '%')) return false;
    size_t e = n;
    while (e > 0 && s[e - 1] != ' ') e--;
    return e > 0 && e < n && is_numeric(s + e, n - e);
}

/* Sentence-final: the line ends a sentence (last char after closing quotes). */
static bool ends_sentence(const char *s, size_t n)
{
    s = trim(s, &n);
    while (n >= 2 && s[n - 1] == '*' && s[n - 2] == '*') { n -= 2; s = trim(s, &n); }
    /* closing quotes ” ’ 」 』 " ' (any run of them), then a sentence mark
       。！？；：… . ! ? ; : — compared byte by byte (no calls) */
    const unsigned char *u = (const unsigned char *)s;
    while (n) {
        unsigned char z = u[n - 1];
        if (z == '"' || z == '\'') { n--; continue; }
        if (n >= 3 && ((u[n - 3] == 0xE2 && u[n - 2] == 0x80 && (z == 0x9D || z == 0x99)) ||
                       (u[n - 3] == 0xE3 && u[n - 2] == 0x80 && (z == 0x8D || z == 0x8F)))) {
            n -= 3;
            continue;
        }
        break;
    }
    if (!n) return true;
    unsigned char z = u[n - 1];
    if (z == '.' || z == '!' || z == '?' || z == ';' || z == ':') return true;
    if (n < 3) return false;
    unsigned char a = u[n - 3], b = u[n - 2];
    return (a == 0xE3 && b == 0x80 && z == 0x82) ||
           (a == 0xEF && b == 0xBC && (z == 0x81 || z == 0x9F || z == 0x9B || z == 0x9A)) ||
           (a == 0xE2 && b == 0x80 && z == 0xA6);
}

/* Fields of a space-aligned line: runs of whitespace of display width >= 2
 * separate fields. Returns the count; *numeric counts numeric fields,
 * *last_num tells whether the last one is numeric. */
static int space_fields(const char *s, size_t n, int *numeric, bool *last_num, bool *first_num)
{
    s = trim(s, &n);
    int nf = 0;
    *numeric = 0;
    *last_num = *first_num = false;
    size_t i = 0, start = 0;
    for (;;) {
        /* the next byte that can start white space (never a continuation byte) */
        while (i < n && !SP_LEAD[(unsigned char)s[i]]) i += U8LEN[(unsigned char)s[i]];
        if (i > n) i = n;
        size_t gap = 0, w = 0;
        int k;
        while (i + gap < n && (k = space_at(s + i + gap, n - i - gap)) > 0) {
            w += (k == 1) ? 1 : 2;
            gap += (size_t)k;
        }
        if (i >= n || (gap && w >= 2 && i + gap < n)) {
            size_t e = i < n ? i : n;
            bool num = field_numeric(s + start, e - start);
            if (num) (*numeric)++;
            if (nf == 0) *first_num = num;
            *last_num = num;
            nf++;
            if (i >= n) break;
            i += gap;
            start = i;
            continue;
        }
        i += gap ? gap : 1;     /* a narrow gap, or a lead byte that is no space */
    }
    return nf;
}

/* ---- heading candidates ------------------------------------------------ */

typedef struct cand {
    const hstyle *st;
    long num;                /* -1 if none */
    bool runin;
    const char *title;       /* into the line or the scratch buffer */
    size_t tlen;
    const char *clean;       /* the cleaned line (the same) */
    size_t clen;
    bool copied;             /* clean is in the scratch buffer */
} cand;

static long parse_num(const char *s, size_t n)
{
    if (!n) return -1;
    int32_t cp;
    int k = gx_utf8_next(s, n, &cp);
    if (k == (int)n && cp >= 0x2460 && cp <= 0x2473) return cp - 0x2460 + 1;
    long v = 0;
    bool dig = true;
    for (size_t i = 0; i < n;) {
        k = gx_utf8_next(s + i, n - i, &cp);
        if (k < 1) k = 1;
        if (cp >= '0' && cp <= '9') v = v * 10 + (cp - '0');
        else if (cp >= 0xFF10 && cp <= 0xFF19) v = v * 10 + (cp - 0xFF10);
        else { dig = false; break; }
        i += (size_t)k;
    }
    if (dig) return v;
    return gx_cjk_number(s, n);
}

/* Does the cleaned line match a numbering style at all (title length not
 * checked)? Returns the style or NULL. */
static bool start_ok(const char *s, size_t n);

static const hstyle *numbered(const char *s, size_t n)
{
    if (!n) return NULL;
    headings_load();
    int32_t cp;
    int k = first_char(s, n, &cp);
    uint32_t mask = pset_mask(&HS, s, n, k, cp);
    for (int i = 0; i < R.nhs && mask; i++)
        if ((i >= 32 || (mask >> i & 1)) && pset_match(&HS, i, s, n, k, cp) > 0) return &R.hs[i];
    return NULL;
}

static const char *const stops[] = { "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F", "\xEF\xBC\x9B",
                                     NULL };   /* 。！？； (3 bytes each, lead E3 or EF) */

/* The start pattern decides on the first character of the cleaned line
 * alone (headings.tsv), so its answer is remembered per character. */
static bool start_ok(const char *s, size_t n)
{
    headings_load();
    if (!R.has_start) return true;
    int32_t cp;
    int k = first_char(s, n, &cp);
    if (k < 1) k = 1;
    if (cp < 0) return rx(&R.start_re, s, (size_t)k);
    if (!R.start_memo) R.start_memo = memo_new();
    int v = memo_get(R.start_memo, cp);
    if (v < 0 && R.start_re.lmode == L_REGEX && R.start_re.anchored) {
        /* the pattern text says no, or (one character) yes */
        int f = first_known(&R.start_re, cp);
        if (f == 0 || (f == 1 && R.start_re.first->single)) {
            v = f;
            memo_put(R.start_memo, cp, f);
        }
    }
    if (v < 0) {
        v = rx(&R.start_re, s, (size_t)k);
        memo_put(R.start_memo, cp, v);
    }
    return v;
}

static int group_no(spat *r, const char *name)
{
    /* the small matcher numbers groups as pcre2 does */
    int g = spat_rxl(r) ? gx_rxl_group(r->rxl, name) : gx_rx_group_number(&r->re, name);
    return g > 0 ? g : -1;
}

static bool is_stop(const char *p)
{
    for (int k = 0; stops[k]; k++)
        if (memcmp(p, stops[k], 3) == 0) return true;
    return false;
}

/* s lies in the padded document text (every caller passes a line): when
 * cleaning changes nothing but the ends, the cleaned text is that slice of
 * the line, with no copy. */
static bool heading_cand(const char *s, size_t n, gx_buf *scratch, cand *c)
{
    /* a line that cannot start a heading is rejected before it is cleaned:
       cleaning keeps the first character unless it is a markdown mark */
    size_t m0 = n;
    const char *s0 = trim(s, &m0);
    if (!m0) return false;
    headings_load();
    bool checked = s0[0] != '#' && s0[0] != '*';
    int32_t cp0 = 0;
    int k0 = 0;
    uint32_t mask = 0;        /* the styles that may match */
    if (checked) {
        k0 = first_char(s0, m0, &cp0);
        if (!(mask = pset_mask(&HS, s0, m0, k0, cp0))) return false;
    }
    const char *t = s0;
    size_t tn = m0;
    if (t[0] == '#') {          /* as clean() does */
        size_t k = 0;
        while (k < tn && k < 6 && t[k] == '#') k++;
        if (k < tn && (t[k] == ' ' || t[k] == '\t')) { t += k; tn -= k; t = trim(t, &tn); }
    }
    if (tn && memchr(t, '*', tn)) {
        clean(s, n, scratch);
        t = scratch->data;
        tn = scratch->len;
        c->copied = true;
    } else {
        c->copied = false;
    }
    c->clean = t;
    c->clen = tn;
    if (!tn) return false;
    if (t != s0 || !checked) {
        k0 = first_char(t, tn, &cp0);
        if (!(mask = pset_mask(&HS, t, tn, k0, cp0))) return false;
    }
    for (int i = 0; i < R.nhs; i++) {
        hstyle *h = &R.hs[i];
        if (i < 32 && !(mask >> i & 1)) continue;
        int rc = pset_match(&HS, i, t, tn, k0, cp0);
        if (rc <= 0) continue;
        if (h->g_num == -2) {
            h->g_num = h->re.lmode == L_REGEX ? group_no(&h->re, "num") : -1;
            h->g_title = h->re.lmode == L_REGEX ? group_no(&h->re, "title") : -1;
        }
        c->st = h;
        c->num = -1;
        size_t a, b;
        if (h->g_num > 0) {
            spat_group(&h->re, h->g_num, &a, &b);
            if (a != GX_RX_UNSET) c->num = parse_num(t + a, b - a);
        }
        const char *ti = t;
        size_t tl = tn;
        if (h->g_title > 0) {
            spat_group(&h->re, h->g_title, &a, &b);
            if (a != GX_RX_UNSET) { ti = t + a; tl = b - a; }
        }
        /* run-in: the title ends at the first sentence stop, or at a wide
           gap (two spaces, an ideographic space) with text after it; one
           walk finds the first of either (only white space and stop leads
           need a look) */
        size_t cut = tl;
        for (size_t j = 0; j < tl;) {
            unsigned char b0 = (unsigned char)ti[j];
            if (!SP_LEAD[b0]) { j++; continue; }
            if ((b0 == 0xE3 || b0 == 0xEF) && j + 3 <= tl && is_stop(ti + j)) { cut = j; break; }
            if (!space_at(ti + j, tl - j)) { j++; continue; }
            size_t e = j, w = 0;
            int k2;
            while (e < tl && (k2 = space_at(ti + e, tl - e)) > 0) { w += k2 == 1 ? 1 : 2; e += (size_t)k2; }
            if (w >= 2 && e < tl) { cut = j; break; }
            j = e;
        }
        c->runin = false;
        if (cut < tl) {
            size_t rest = tl - cut;
            const char *r = ti + cut;
            /* skip the stop itself */
            int32_t cp;
            int k = gx_utf8_next(r, rest, &cp);
            r += k; rest -= (size_t)k;
            r = trim(r, &rest);
            c->runin = rest > 0;
        }
        c->title = ti;
        c->tlen = cut;
        size_t ch = nchars(ti, cut);
        if (ch == 0 || (h->max_chars > 0 && ch > (size_t)h->max_chars)) return false;
        return true;
    }
    return false;
}

/* Is line i a heading candidate? Remembered per line, with the rank of its
 * style and its numeral (for the callers that need no more), and the whole
 * candidate when its text is a slice of the line. */
static const char *LTT(const gx_seg_doc *d, size_t i, size_t *n);

static bool line_is_cand(gx_seg_doc *d, size_t i, gx_buf *scratch, int *rank, long *num)
{
    gx_seg_line *l = &d->lines[i];
    if (l->hc == 0) {
        cand c;
        const char *s = d->text.data + l->off;
        size_t tn;
        const char *t = LTT(d, i, &tn);
        bool yes = heading_cand(t, tn, scratch, &c);     /* it trims first */
        l->hc = yes ? 2 : 1;
        l->hrank = yes ? (signed char)c.st->rank : 0;
        l->hnum = yes && c.num < 1000000 ? (int)c.num : -1;
        l->hstyle = 0;
        if (yes && !c.copied && c.num == l->hnum) {
            l->hstyle = (unsigned char)(c.st - R.hs + 1);
            l->hrunin = c.runin;
            l->tl_off = (uint32_t)(c.title - s);
            l->tl_len = (uint32_t)c.tlen;
            l->cl_off = (uint32_t)(c.clean - s);
            l->cl_len = (uint32_t)c.clen;
        }
    }
    if (rank) *rank = l->hrank;
    if (num) *num = l->hnum;
    return l->hc == 2;
}

/* heading_cand on line i, with the full result (title) when it is one. */
static bool line_cand(gx_seg_doc *d, size_t i, gx_buf *scratch, cand *c)
{
    if (!line_is_cand(d, i, scratch, NULL, NULL)) return false;
    const gx_seg_line *l = &d->lines[i];
    if (l->hstyle) {
        const char *s = d->text.data + l->off;
        c->st = &R.hs[l->hstyle - 1];
        c->num = l->hnum;
        c->runin = l->hrunin;
        c->title = s + l->tl_off;
        c->tlen = l->tl_len;
        c->clean = s + l->cl_off;
        c->clen = l->cl_len;
        c->copied = false;
        return true;
    }
    size_t tn;
    const char *t = LTT(d, i, &tn);
    return heading_cand(t, tn, scratch, c);
}

static const kindrule *classify(const char *title, size_t n, gx_buf *tmp)
{
    kinds_load();
    gx_norm_match(title, n, tmp);
    rx_pad(tmp);
    /* the hashes of the title's characters: most keywords (literals) are
       ruled out by their first character without a search */
    uint64_t has[4] = {0, 0, 0, 0};
    const char *t = tmp->data ? tmp->data : "";
    for (size_t i = 0; i < tmp->len; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80) {
            unsigned h = char_hash(t + i, tmp->len - i);
            has[h >> 6] |= 1ULL << (h & 63);
        }
    for (int i = 0; i < R.nks; i++) {
        const kindrule *k = &R.ks[i];
        if (k->re.lmode == L_ANY && !(has[k->fh >> 6] >> (k->fh & 63) & 1)) continue;
        if (rx(&R.ks[i].re, t, tmp->len)) return &R.ks[i];
    }
    return NULL;
}

/* ---- document ------------------------------------------------------------ */

void gx_seg_doc_init(gx_seg_doc *d)
{
    memset(d, 0, sizeof *d);
    gx_buf_init(&d->text);
    gx_buf_init(&d->page_title);
}

void gx_seg_doc_free(gx_seg_doc *d)
{
    gx_buf_free(&d->text);
    gx_buf_free(&d->page_title);
    free(d->lines);
    free(d->heads);
    memset(d, 0, sizeof *d);
}

static gx_seg_line *add_line(gx_seg_doc *d)
{
    if (d->nlines == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->lines = gx_xrealloc(d->lines, d->cap * sizeof *d->lines);
    }
    gx_seg_line *l = &d->lines[d->nlines++];
    memset(l, 0, sizeof *l);
    l->heading = -1;
    return l;
}

static const char *LT(const gx_seg_doc *d, size_t i) { return d->text.data + d->lines[i].off; }

/* Line i trimmed (as trim() does), from pass 1 on: worked out once, as
 * many passes ask (an indented paragraph begins with white space). */
static const char *LTT(const gx_seg_doc *d, size_t i, size_t *n)
{
    const gx_seg_line *l = &d->lines[i];
    *n = l->t_len;
    return d->text.data + l->off + l->t_off;
}

/* For split_lines: the length of the UTF-8 character a byte starts, or 0
 * for a byte that needs a look (line and page ends, white space, the leads
 * of zero-width characters, of U+3000 and of other white space).
 * split_vstep is the same for text not yet known to be valid UTF-8: 0 also
 * for control bytes and for every byte that cannot start a character, or
 * starts one whose second byte has a narrower range than 0x80-0xBF (E0, ED,
 * F0-F4): those are checked in full. */
static unsigned char split_step[256], split_vstep[256];

static void bytes_init(void)
{
    if (U8LEN['a']) return;
    for (int c = 0; c < 256; c++)
        U8LEN[c] = split_step[c] = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF8 ? 4 : 1;
    static const unsigned char look[] = { '\n', '\r', '\f', ' ', '\t', '\v', '\\', 0xC2, 0xE1, 0xE2, 0xE3, 0xEF };
    for (size_t k = 0; k < sizeof look; k++) split_step[look[k]] = 0;
    split_step[0] = 0;
    for (int c = 0; c < 256; c++)
        split_vstep[c] = (c >= 0x20 && c < 0x7F) || (c >= 0xC3 && c <= 0xDF) ||
                         (c >= 0xE4 && c <= 0xEC) || c == 0xEE ? split_step[c] : 0;
}

enum { SPLIT_ERROR = 0, SPLIT_OK = 1, SPLIT_RETRY = -1 };

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SPLIT_WORDS 1
#else
#define SPLIT_WORDS 0
#endif

/* Split decoded text into lines: LF, CRLF and CR end lines; a form feed
 * starts a new page (the FF itself is not kept); zero-width characters are
 * dropped. html_tables (may be NULL) gives the HTML table of each line.
 * With validate, the text is report bytes not yet decoded: the walk also
 * checks that they are UTF-8 without control bytes, and answers
 * SPLIT_RETRY (nothing reported) when they are not, or when a line is too
 * long, so that the caller decodes them the long way (one walk over the
 * bytes instead of two for the common case). */
static int split_lines(gx_seg_doc *d, const char *s, size_t n, const char *name,
                       const int *html_tables, size_t html_cap, bool validate)
{
    bytes_init();
    const unsigned char *step = validate ? split_vstep : split_step;
    gx_buf_reset(&d->text);
    gx_buf_reserve(&d->text, n + RX_PAD + 1);   /* with the padding: no copy at the end */
    int page = 1;
    size_t i = 0;
    while (i < n || (i == n && d->nlines == 0 && n == 0)) {
        gx_seg_line *l = add_line(d);
        size_t idx = d->nlines - 1;
        l->html_table = (html_tables && idx < html_cap) ? html_tables[idx] : 0;
        l->off = d->text.len;
        /* form feeds at the start of the line put the line on the next page */
        while (i < n && s[i] == '\f') { page++; i++; }
        l->page = page;
        int later_pages = 0;
        bool ws = false, tab = false, esc = false;
        /* white space between two characters that are not (inner): without
           it the trimmed line is one field (classify_lines). text: a
           character that is not white space was seen; gap: white space
           after it. NBSP and U+1680/180E are told from other characters
           with the same lead byte by classify_lines, not here: they count
           as both. */
        bool text = false, gap = false, inner = false;
        size_t span = i;          /* start of the bytes not yet copied */
        while (i < n) {
            size_t i0 = i;
            /* a character at a time up to a byte that ends the line, starts
               a page or a dropped character, or may start white space
               (which the line classes look for) */
            unsigned k;
            if (validate) {
                const unsigned char *u = (const unsigned char *)s;
                /* two CJK characters at a time (leads that step 3, four
                   continuation bytes) while eight bytes are there (the
                   byte order of the word: little-endian) */
                while (SPLIT_WORDS && i + 8 <= n) {
                    uint64_t w;
                    memcpy(&w, u + i, 8);
                    if (step[(unsigned char)w] != 3 || step[(unsigned char)(w >> 24)] != 3 ||
                        (w & 0x0000C0C000C0C000ULL) != 0x0000808000808000ULL)
                        break;
                    i += 6;
                }
                while ((k = step[u[i]]) != 0) {
                    if (k == 3) {              /* most: a CJK character */
                        uint16_t v;
                        if (i + 3 > n) return SPLIT_RETRY;
                        memcpy(&v, u + i + 1, 2);
                        if ((v & 0xC0C0) != 0x8080) return SPLIT_RETRY;
                    } else if (k == 2 && (i + 2 > n || (u[i + 1] & 0xC0) != 0x80)) {
                        return SPLIT_RETRY;
                    }
                    if ((i += k) >= n) break;
                }
            } else {
                while ((k = step[(unsigned char)s[i]]) != 0 && (i += k) < n) {}
            }
            if (i > i0) {               /* characters that are not white space */
                text = true;
                inner |= gap;
            }
            if (i >= n) { i = n; break; }
            unsigned char c = (unsigned char)s[i];
            if (c == '\n' || c == '\r') break;
            if (c == ' ') {             /* a run of spaces (page layout): at once */
                ws = true;
                gap |= text;
                do i++; while (i < n && s[i] == ' ');
                continue;
            }
            const unsigned char *u = (const unsigned char *)s + i;
            size_t clen = 1;
            if (c >= 0x80) {
                if (!validate) {
                    clen = U8LEN[c];
                } else if (c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF) {
                    if (i + 3 > n || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80) return SPLIT_RETRY;
                    clen = 3;
                } else {
                    clen = (size_t)gx_seg_utf8_seq(u, n - i);
                    if (!clen) return SPLIT_RETRY;
                }
            } else if (validate && ((c < 0x20 && c != '\t' && c != '\v' && c != '\f') || c == 0x7F)) {
                return SPLIT_RETRY;
            }
            size_t drop = 0;
            int sp = 0;                 /* 1 white space, 2 maybe, 0 neither */
            if (c == '\f') drop = 1, later_pages++;
            else if (c == ' ') ws = true, sp = 1;
            else if (c == '\v') ws = true, sp = 1;
            else if (c == '\t') ws = tab = esc = true, sp = 1;
            else if (c == '\\') esc = true;
            else if (c == 0xC2 || c == 0xE1) {               /* maybe NBSP, U+1680, U+180E */
                ws = true;
                sp = 2;
            }
            else if (c == 0xE3) { if (i + 2 < n && u[1] == 0x80 && u[2] == 0x80) ws = true, sp = 1; }
            else if (c == 0xE2 && i + 2 < n) {
                if ((u[1] == 0x80 && (u[2] == 0x8B || u[2] == 0x8C || u[2] == 0x8D)) ||
                    (u[1] == 0x81 && u[2] == 0xA0)) drop = 3;
                else if ((u[1] == 0x80 && (u[2] <= 0x8A || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF)) ||
                         (u[1] == 0x81 && u[2] == 0x9F)) {
                    ws = true;
                    sp = 1;
                }
            } else if (c == 0xEF && i + 2 < n && u[1] == 0xBB && u[2] == 0xBF) drop = 3;
            if (!drop) {
                if (sp == 1) {
                    gap |= text;
                } else {
                    if (sp == 2 && text) gap = true;
                    text = true;
                    inner |= gap;
                }
            }
            if (drop) {
                gx_buf_add(&d->text, s + span, i - span);
                i += drop;
                span = i;
                continue;
            }
            i += clen;
        }
        if (i > n) i = n;
        gx_buf_add(&d->text, s + span, i - span);
        page += later_pages;
        l->len = d->text.len - l->off;
        l->ws = ws;
        l->tab = tab;
        l->esc = esc;
        l->inner = inner;
        if (l->len > GX_SEG_MAX_LINE) {
            if (validate) return SPLIT_RETRY;
            gx_error_at(name, (long)d->nlines, "line too long (%zu bytes, limit %u)",
                        l->len, GX_SEG_MAX_LINE);
            return SPLIT_ERROR;
        }
        if (i < n && s[i] == '\r') { i++; if (i < n && s[i] == '\n') i++; }
        else if (i < n && s[i] == '\n') i++;
        if (n == 0) break;
    }
    rx_pad(&d->text);
    return SPLIT_OK;
}

/* ---- pass 1: line classes -------------------------------------------- */

static void classify_lines(gx_seg_doc *d)
{
    for (size_t i = 0; i < d->nlines; i++) {
        gx_seg_line *l = &d->lines[i];
        const char *s = LT(d, i);
        size_t n = l->len;
        if (l->ws) {
            size_t m = n;
            const char *t = trim(s, &m);
            l->t_off = (uint32_t)(t - s);
            l->t_len = (uint32_t)m;
        } else {
            l->t_off = 0;                /* no white space: nothing to trim */
            l->t_len = (uint32_t)n;
        }
        if (l->html_table) { l->cls = C_TAB; continue; }
        if (!l->ws) {
            /* no white space: not blank (unless empty), one field, no gap */
            if (n == 0) l->cls = C_BLANK;
            else if (n >= 2 && s[0] == '|' && s[n - 1] == '|') l->cls = C_PIPE;
            else l->cls = C_TEXT;
            continue;
        }
        const char *tab = l->tab ? memchr(s, '\t', n) : NULL;
        if (is_blank(s, n)) { l->cls = tab ? C_TABE : C_BLANK; continue; }
        if (tab) {
            if (s[0] == '\t' && !memchr(s + 1, '\t', n - 1)) { l->cls = C_TAB1; continue; }
            /* one non-empty cell holding a long sentence: an indented paragraph */
            int nonempty = 0;
            size_t longest = 0;
            const char *p = s, *e = s + n;
            while (p <= e) {
                const char *q = memchr(p, '\t', (size_t)(e - p));
                if (!q) q = e;
                size_t m = (size_t)(q - p);
                const char *t = trim(p, &m);
                (void)t;
                if (m) { nonempty++; if (m > longest) longest = m; }
                p = q + 1;
            }
            if (nonempty == 1 && nchars_over(s, n, 60) && contains(s, n, "\xE3\x80\x82")) {
                l->cls = C_TEXT;
                continue;
            }
            l->cls = C_TAB;
            continue;
        }
        size_t m = l->t_len;
        const char *t = s + l->t_off;
        if (m >= 2 && t[0] == '|' && t[m - 1] == '|') { l->cls = C_PIPE; continue; }
        /* no white space inside the trimmed line: one field, which ends
           the tests below as text (a lone field is numeric exactly when
           is_numeric says so, which C_SPACE2 excludes) */
        if (!l->inner) { l->cls = C_TEXT; continue; }
        int num;
        bool last_num, first_num;
        int nf = space_fields(s, n, &num, &last_num, &first_num);
        if (nf >= 3 && num > 0) l->cls = C_SPACE;
        else if (nf == 2 && last_num && !first_num) l->cls = C_SPACE2;
        else if (nf == 1 && last_num && dwidth(s, (size_t)(t - s)) >= 8 && !is_numeric(t, m))
            l->cls = C_SPACE2;      /* "          万元 0": a row whose label wrapped */
        else if (nf >= 3) l->cls = C_SPACEW;
        else l->cls = C_TEXT;
    }
}

/* ---- pass 2: table blocks -------------------------------------------- */

typedef struct block { size_t first, last; bool chart; int fam, rows; } block;

static bool cell_chart(const char *s, size_t n)
{
    const char *p = s, *e = s + n;
    while (p <= e) {
        const char *q = memchr(p, '\t', (size_t)(e - p));
        if (!q) q = e;
        size_t m = (size_t)(q - p);
        const char *t = trim(p, &m);
        if (m && noise_match(N_CHART, t, m)) return true;
        p = q + 1;
    }
    return false;
}

/* Index of the next non-blank line at or after i within `within` lines, or -1. */
static long next_nonblank(const gx_seg_doc *d, size_t i, size_t within)
{
    for (size_t k = i; k < d->nlines && k < i + within; k++)
        if (d->lines[k].cls != C_BLANK) return (long)k;
    return -1;
}

static bool heading_like(const char *s, size_t n, gx_buf *scratch)
{
    clean(s, n, scratch);
    return numbered(scratch->data, scratch->len) != NULL;
}

static long h1_num(gx_seg_doc *d, size_t k, gx_buf *scratch);

static void find_blocks(gx_seg_doc *d, block **out, int *nout, gx_buf *scratch)
{
    block *bs = NULL;
    int nb = 0, cap = 0;
    size_t i = 0;
    while (i < d->nlines) {
        gx_seg_line *l = &d->lines[i];
        if (!is_row(l->cls) || l->cls == C_TABE || (family(l->cls) == 3 && !l->html_table)) {
            i++;
            continue;
        }
        int fam = family(l->cls);
        int html = l->html_table;
        size_t last = i;
        int rows = 1, one = l->cls == C_TAB1, strong3 = l->cls == C_SPACE, strong = 0;
        if (l->cls == C_SPACE || l->cls == C_SPACE2) strong = 1;
        long seq = html ? -1 : h1_num(d, i, scratch);  /* the table's own 一、二、… rows */
        size_t k = i + 1;
        while (k < d->nlines) {
            gx_seg_line *m = &d->lines[k];
            if (html) {
                if (m->html_table == html) { last = k; k++; continue; }
                break;
            }
            if (m->html_table) break;
            if (is_row(m->cls) && family(m->cls) == fam) {
                bool gap = k > last + 1;
                bool onecell = rows >= 3 && one * 5 >= rows * 4;
                bool one_row = m->cls == C_TAB1 ||
                               (m->cls == C_TABE && m->len == 1);
                if (gap && onecell && !one_row) break;
                rows++;
                one += one_row;
                strong += m->cls == C_SPACE || m->cls == C_SPACE2;
                strong3 += m->cls == C_SPACE;
                long v = h1_num(d, k, scratch);
                if (v > 0) seq = v;
                last = k++;
                continue;
            }
            if (m->cls == C_BLANK) {
                /* a blank run: bridge it only if a row follows soon on the same page */
                size_t e = k;
                while (e < d->nlines && d->lines[e].cls == C_BLANK) e++;
                if (e >= d->nlines) break;
                if (e - k > 2 && d->lines[e].page == m->page) break;
                k = e;
                continue;
            }
            /* a text line: a wrapped cell or a page footer inside the table? */
            const char *s = LT(d, k);
            size_t n = m->len;
            long nx = next_nonblank(d, k + 1, 4);
            bool row_follows = nx >= 0 && is_row(d->lines[nx].cls) &&
                               family(d->lines[nx].cls) == fam && !d->lines[nx].html_table;
            if (row_follows && k == last + 1 && (size_t)nx <= k + 2) { last = k++; continue; }
            size_t tn;
            const char *t = LTT(d, k, &tn);
            /* a group row whose empty cells a converter dropped (一、主动公开情况
               without its TABs): it goes on the table's own numbering */
            long v = h1_num(d, k, scratch);
            if (row_follows && v > 0 && seq > 0 && v == seq + 1 && !ends_sentence(t, tn)) {
                seq = v;
                last = k++;
                continue;
            }
            if (row_follows && (noise_match(N_LINE, t, tn) ||
                                (fam == 3 && !nchars_over(t, tn, 30) && !ends_sentence(t, tn) &&
                                 !heading_like(s, n, scratch)))) {
                last = k++;
                continue;
            }
            break;
        }
        /* space-aligned runs need real numbers to count as a table */
        if (fam == 3 && strong3 == 0 && strong < 2) {
            for (size_t j = i; j <= last; j++)
                if (is_row(d->lines[j].cls)) d->lines[j].cls = C_TEXT;
            i = last + 1;
            continue;
        }
        if (nb == cap) { cap = cap ? cap * 2 : 16; bs = gx_xrealloc(bs, (size_t)cap * sizeof *bs); }
        bs[nb].first = i;
        bs[nb].last = last;
        bs[nb].fam = fam;
        bs[nb].chart = false;           /* looked at later, for the last blocks only */
        bs[nb].rows = html ? -rows : rows;
        nb++;
        i = last + 1;
    }
    *out = bs;
    *nout = nb;
}

/* ---- space-aligned tables (pdftotext -layout) --------------------------- */

static bool is_strong(const gx_seg_line *l) { return l->cls == C_SPACE || l->cls == C_SPACE2; }

static bool has_gap(const char *s, size_t n)
{
    s = trim(s, &n);
    for (size_t i = 0; i < n;) {
        int k = space_at(s + i, n - i);
        if (!k) {
            int32_t cp;
            int m = (unsigned char)s[i] < 0x80 ? 1 : gx_utf8_next(s + i, n - i, &cp);
            i += (size_t)(m < 1 ? 1 : m);
            continue;
        }
        size_t w = 0;
        while (i < n && (k = space_at(s + i, n - i)) > 0) { w += k == 1 ? 1 : 2; i += (size_t)k; }
        if (w >= 2) return true;
    }
    return false;
}

/* The numeral of line k if it opens with top-level numbering (一、…), else -1. */
static long h1_num(gx_seg_doc *d, size_t k, gx_buf *scratch)
{
    int rank;
    long num;
    gx_seg_line *l = &d->lines[k];
    if (l->hc == 0) {
        /* not worked out yet (a table row, mostly): when no style of rank 1
           or 2 can begin with its first character, whatever style matches
           first, the answer is no */
        size_t m = l->len;
        const char *t = trim(d->text.data + l->off, &m);
        if (!m) return -1;
        if (t[0] != '#' && t[0] != '*') {
            headings_load();
            int32_t cp;
            int kb = first_char(t, m, &cp);
            if (!(pset_mask(&HS, t, m, kb, cp) & HS_top)) return -1;
        }
    }
    if (!line_is_cand(d, k, scratch, &rank, &num) || rank > 2) return -1;
    return num;
}

/* May line k sit inside a space-aligned table (a header line, a wrapped
 * label, a page footer)? */
static bool layout_member(const gx_seg_doc *d, size_t k, bool backward, gx_buf *scratch)
{
    const gx_seg_line *l = &d->lines[k];
    if (l->cls != C_TEXT && l->cls != C_SPACEW && !is_strong(l)) return false;
    const char *s = LT(d, k);
    size_t n = l->len;
    size_t tn;
    const char *t = LTT(d, k, &tn);
    if (noise_match(N_LINE, t, tn)) return true;
    if (noise_match(N_CAPTION, t, tn)) return false;
    if (contains(t, tn, "\xE3\x80\x82") || ends_sentence(t, tn)) return false;
    bool indented = space_at(s, n) > 0;
    int rank;
    if (!indented && line_is_cand((gx_seg_doc *)d, k, scratch, &rank, NULL) && (backward || rank <= 2))
        return false;
    if (l->cls == C_SPACEW || has_gap(t, tn)) return true;
    /* a long label wrapped around its row, or a label whose value was lost:
       a row (or a top-level group row) follows */
    if (!backward) {
        long nx = next_nonblank(d, k + 1, 4);
        if (nx >= 0 && (is_strong(&d->lines[nx]) ||
                        h1_num((gx_seg_doc *)d, (size_t)nx, scratch) > 0)) return true;
    }
    return dwidth_cap(t, tn, 41) <= 40;
}

static int cmp_block(const void *a, const void *b)
{
    const block *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* A long line that can head a table: no sentence, not a heading, not a caption. */
static bool header_line(gx_seg_doc *d, size_t k, gx_buf *scratch)
{
    const gx_seg_line *l = &d->lines[k];
    if (l->cls != C_TEXT) return false;
    size_t n = l->len;
    const char *t = LTT(d, k, &n);
    return !contains(t, n, "\xE3\x80\x82") && !ends_sentence(t, n) &&
           !noise_match(N_CAPTION, t, n) && !line_is_cand(d, k, scratch, NULL, NULL);
}

/* Brackets ( （ opened and not closed on line k: > 0 opens a note that
 * goes on; < 0 closes one opened above. */
static int bracket_balance(const gx_seg_doc *d, size_t k)
{
    const char *s = LT(d, k);
    size_t n = d->lines[k].len;
    int bal = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(') bal++;
        else if (s[i] == ')') bal--;
        else if ((unsigned char)s[i] == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBC) {
            if ((unsigned char)s[i + 2] == 0x88) bal++;        /* （ */
            else if ((unsigned char)s[i + 2] == 0x89) bal--;   /* ） */
        }
    }
    return bal;
}

/* A note above a table that pdftotext wrapped around the table's first
 * lines: line j opens a bracket and a line of the block (up to its first
 * row i) closes it. "(本列数据的勾稽关系为：…之" ... "和)" */
static bool wrapped_note(const gx_seg_doc *d, size_t j, size_t i)
{
    if (d->lines[j].cls != C_TEXT || bracket_balance(d, j) <= 0) return false;
    int seen = 0;
    for (size_t k = j + 1; k <= i + 2 && k < d->nlines && seen < 4; k++) {
        if (d->lines[k].cls == C_BLANK) continue;
        seen++;
        if (bracket_balance(d, k) < 0) return true;
    }
    return false;
}

/* A separator row (------  ----): segment_noise.tsv scope "separator". */
static bool separator_row(const gx_seg_doc *d, size_t k)
{
    if (d->lines[k].cls == C_BLANK) return false;
    size_t n = d->lines[k].len;
    const char *t = LTT(d, k, &n);
    return n && noise_match(N_SEPARATOR, t, n);
}

static bool gap_row(const gx_seg_doc *d, size_t k)
{
    size_t n = d->lines[k].len;
    return d->lines[k].cls == C_SPACEW || is_strong(&d->lines[k]) || has_gap(LT(d, k), n);
}

static void find_layout_blocks(gx_seg_doc *d, block **bsp, int *nbp, gx_buf *scratch)
{
    block *bs = *bsp;
    int nb = *nbp, cap = nb;
    unsigned char *cov = gx_xcalloc(d->nlines + 1, 1);
    for (int b = 0; b < nb; b++)
        for (size_t j = bs[b].first; j <= bs[b].last; j++) cov[j] = 1;
    size_t floor_ = 0;           /* lines before this belong to an earlier block */
    for (size_t i = 0; i < d->nlines; i++) {
        if (cov[i]) { floor_ = i + 1; continue; }
        if (!is_strong(&d->lines[i])) continue;
        size_t first = i, last = i;
        /* header lines before the first row; a top-level numbered line
           (一、主动公开情况, a group row of the legacy table) counts only when
           a header row lies beyond it */
        int back = 0;
        bool pending = false;
        for (size_t j = first; j-- > floor_;) {
            if (cov[j]) break;
            if (d->lines[j].cls == C_BLANK) continue;
            if (++back > 20) break;
            if (layout_member(d, j, true, scratch)) {
                if (!pending || gap_row(d, j)) { first = j; pending = false; }
                continue;
            }
            if (!pending && back <= 3 && header_line(d, j, scratch)) {
                first = j;      /* a long header row just above the table */
                continue;
            }
            if (!pending && space_at(LT(d, j), d->lines[j].len) == 0 && h1_num(d, j, scratch) > 0) {
                pending = true;
                continue;
            }
            if (!pending && separator_row(d, j)) {
                first = j;
                continue;
            }
            if (!pending && wrapped_note(d, j, i)) {
                first = j;      /* a note is the top of its table */
                break;
            }
            break;
        }
        /* the table's own top-level numbering (legacy group rows, T3 一、…四、) */
        long seq = -1;
        for (size_t j = first; j <= i; j++)
            if (d->lines[j].cls != C_BLANK) { long v = h1_num(d, j, scratch); if (v > 0) seq = v; }
        int strong = 1, bridge = 0;
        size_t k = i + 1;
        while (k < d->nlines && !cov[k]) {
            gx_seg_line *m = &d->lines[k];
            if (m->cls == C_BLANK) {
                size_t e = k;
                while (e < d->nlines && d->lines[e].cls == C_BLANK && !cov[e]) e++;
                if (e >= d->nlines || cov[e]) break;
                if (e - k > 3 && d->lines[e].page == m->page) break;
                k = e;
                continue;
            }
            long v = h1_num(d, k, scratch);
            if (is_strong(m)) {
                last = k++;
                strong++;
                bridge = 0;
                if (v > 0) seq = v;
                continue;
            }
            if (++bridge > 8) break;
            if (v > 0 && seq > 0 && v == seq + 1 && space_at(LT(d, k), m->len) == 0) {
                seq = v;                /* the next group row of the table */
                k++;
                continue;
            }
            if (!layout_member(d, k, false, scratch)) break;
            if (v > 0) seq = v;
            k++;
        }
        /* wrapped label lines right after the last row; not a header row
           that a top-level group row follows (the next table's head) */
        for (int t = 0; t < 3 && last + 1 < d->nlines && !cov[last + 1] &&
                        d->lines[last + 1].cls != C_BLANK && layout_member(d, last + 1, false, scratch); t++) {
            long nx = next_nonblank(d, last + 2, 3);
            if (gap_row(d, last + 1) && nx >= 0 && space_at(LT(d, nx), d->lines[nx].len) == 0 &&
                h1_num(d, (size_t)nx, scratch) > 0) break;
            last++;
        }
        /* a separator row below the table, after at most two blank lines */
        for (size_t e = last + 1; e < d->nlines && e <= last + 3 && !cov[e]; e++) {
            if (d->lines[e].cls == C_BLANK) continue;
            if (separator_row(d, e)) last = e;
            break;
        }
        /* one row alone must carry three numbers (a justified sentence with
           wide gaps is not a table) */
        if (strong < 2) {
            int num;
            bool ln, fn;
            space_fields(LT(d, i), d->lines[i].len, &num, &ln, &fn);
            if (num < 3) continue;
        }
        if (nb == cap) { cap = cap ? cap * 2 : 16; bs = gx_xrealloc(bs, (size_t)cap * sizeof *bs); }
        bs[nb].first = first;
        bs[nb].last = last;
        bs[nb].fam = 3;
        bs[nb].chart = false;
        bs[nb].rows = strong;
        nb++;
        for (size_t j = first; j <= last; j++) cov[j] = 1;
        floor_ = last + 1;
        i = last;
    }
    free(cov);
    if (nb > 1) qsort(bs, (size_t)nb, sizeof *bs, cmp_block);
    *bsp = bs;
    *nbp = nb;
}

static void mark_tables(gx_seg_doc *d, gx_buf *scratch)
{
    block *bs;
    int nb;
    find_blocks(d, &bs, &nb, scratch);
    find_layout_blocks(d, &bs, &nb, scratch);
    /* chart residue: the chart-like blocks after the last real table */
    /* the tail of small (<= 2 rows) or chart-like blocks; residue starts at
       its first chart-like block */
    int tail = nb;
    while (tail > 0) {
        block *b = &bs[tail - 1];
        if (b->fam == 1 && b->rows > 0)          /* TAB rows, not from HTML */
            for (size_t j = b->first; j <= b->last && !b->chart; j++)
                if (is_row(d->lines[j].cls) && cell_chart(LT(d, j), d->lines[j].len)) b->chart = true;
        if (!b->chart && abs(b->rows) > 2) break;
        tail--;
    }
    int real_end = nb;
    for (int b = tail; b < nb; b++) if (bs[b].chart) { real_end = b; break; }
    int t = 0;
    for (int b = 0; b < nb; b++) {
        bool residue = b >= real_end;
        if (!residue) t++;
        for (size_t j = bs[b].first; j <= bs[b].last; j++) {
            gx_seg_line *l = &d->lines[j];
            if (l->cls == C_BLANK) {
                l->role = ROLE_BLANK;
                if (!residue) l->table = t;
            } else if (residue) {
                l->role = ROLE_NOISE;
            } else {
                l->role = ROLE_TABLE;
                l->table = t;
            }
        }
    }
    if (real_end < nb) {
        /* after the residue starts, short stray lines are part of it */
        for (size_t j = bs[real_end].first; j < d->nlines; j++) {
            gx_seg_line *l = &d->lines[j];
            if (l->cls != C_TEXT || l->role != ROLE_TEXT) continue;
            size_t n = l->len;
            const char *s = LTT(d, j, &n);
            if (!nchars_over(s, n, 20) && !ends_sentence(s, n)) l->role = ROLE_NOISE;
        }
    }
    d->ntables = t;
    free(bs);
}

/* ---- pass 3: noise lines ----------------------------------------------- */

static bool plain_text(const gx_seg_line *l) { return l->role == ROLE_TEXT && l->cls != C_BLANK; }

static void mark_noise_lines(gx_seg_doc *d, gx_buf *scratch)
{
    for (size_t i = 0; i < d->nlines; i++) {
        gx_seg_line *l = &d->lines[i];
        if (!plain_text(l)) continue;
        size_t n = l->len;
        const char *s = LTT(d, i, &n);
        if (noise_match(N_LINE, s, n)) l->role = ROLE_NOISE;
    }
    /* attachment lists: clusters of short lines with two or more file names */
    size_t i = 0;
    while (i < d->nlines) {
        size_t j = i, hits = 0, members = 0;
        while (j < d->nlines) {
            gx_seg_line *l = &d->lines[j];
            if (l->cls == C_BLANK && l->role == ROLE_BLANK) { j++; continue; }
            if (!plain_text(l)) break;
            size_t n = l->len;
            const char *s = LTT(d, j, &n);
            if (nchars_over(s, n, 40) || ends_sentence(s, n) || line_is_cand(d, j, scratch, NULL, NULL)) break;
            members++;
            if (noise_match(N_ATTACH, s, n)) hits++;
            j++;
        }
        if (hits >= 2)
            for (size_t k = i; k < j; k++)
                if (plain_text(&d->lines[k])) d->lines[k].role = ROLE_NOISE;
        i = (j > i && members) ? j : i + 1;
    }
}

/* ---- pass 4: title ------------------------------------------------------ */

static void mark_title(gx_seg_doc *d, gx_buf *scratch)
{
    headings_load();
    if (!R.has_title) return;
    size_t cand_idx[4];
    int nc = 0;
    for (size_t i = 0; i < d->nlines && nc < 4; i++) {
        gx_seg_line *l = &d->lines[i];
        if (l->cls == C_BLANK) continue;
        if (!plain_text(l)) break;
        size_t n = l->len;
        const char *s = LTT(d, i, &n);
        int rank;
        if (line_is_cand(d, i, scratch, &rank, NULL) && rank > 0) break;
        clean(s, n, scratch);
        if (nchars(scratch->data, scratch->len) > (size_t)R.title_max) break;
        /* a title is a name, not a sentence */
        static const char *const puncts[] = { "\xEF\xBC\x8C", "\xE3\x80\x82", "\xEF\xBC\x9B", ", ", "; ", NULL };
        bool sentence = false;
        for (int k = 0; puncts[k]; k++)
            if (contains(scratch->data, scratch->len, puncts[k])) sentence = true;
        if (sentence) break;
        cand_idx[nc++] = i;
        if (rx(&R.title_re, scratch->data, scratch->len)) {
            for (int k = 0; k < nc; k++) d->lines[cand_idx[k]].role = ROLE_TITLE;
            return;
        }
    }
}

/* An HTML page whose body has no title line: its <title> stands in, when it
 * reads as a title (the title pattern, not a noise line such as 无标题文档).
 * It is written as line 0, so the body lines keep their numbers. */
static void page_title(gx_seg_doc *d, gx_buf *scratch)
{
    if (!d->page_title.len) return;
    bool body_title = false;
    for (size_t i = 0; i < d->nlines && !body_title; i++) body_title = d->lines[i].role == ROLE_TITLE;
    size_t n = d->page_title.len;
    const char *t = trim(d->page_title.data, &n);
    headings_load();
    if (!body_title && n && R.has_title && n <= GX_SEG_MAX_LINE) {
        clean(t, n, scratch);
        if (rx(&R.title_re, scratch->data, scratch->len) && !noise_match(N_LINE, scratch->data, scratch->len)) {
            memmove(d->page_title.data, t, n);
            d->page_title.len = n;
            d->page_title.data[n] = 0;
            return;
        }
    }
    gx_buf_reset(&d->page_title);
}

/* ---- pass 5: headings --------------------------------------------------- */

typedef struct open_head { int rank; long num; int head; int nchild; } open_head;

static int add_head(gx_seg_doc *d)
{
    if (d->nheads == d->hcap) {
        d->hcap = d->hcap ? d->hcap * 2 : 32;
        d->heads = gx_xrealloc(d->heads, (size_t)d->hcap * sizeof *d->heads);
    }
    gx_seg_head *h = &d->heads[d->nheads];
    memset(h, 0, sizeof *h);
    return d->nheads++;
}

/* The end of the nearest paragraph before f that is long and unfinished
 * (a sentence that something pasted in interrupts), with at most `within`
 * non-blank lines (none of them headings or tables) in between. A paragraph
 * is a run of non-blank lines; in HTML input every line is one. */
static long open_before(const gx_seg_doc *d, size_t f, int within)
{
    int seen = 0;
    for (size_t k = f; k-- > 0;) {
        const gx_seg_line *l = &d->lines[k];
        if (l->cls == C_BLANK) continue;
        if (l->role == ROLE_TABLE || l->role == ROLE_TITLE) return -1;
        if (l->role == ROLE_HEADING && !l->runin) return -1;
        bool final = k + 1 >= d->nlines || d->lines[k + 1].cls == C_BLANK || d->from == GX_FROM_HTML;
        if (final && (l->role == ROLE_TEXT || l->role == ROLE_HEADING)) {
            size_t n = l->len;
            const char *s = LTT(d, k, &n);
            /* widths capped at the threshold: the sum reaches it all the same */
            size_t w = dwidth_cap(s, n, 60);
            for (size_t j = k; j-- > 0 && d->lines[j].cls != C_BLANK && d->from != GX_FROM_HTML && w < 60;) {
                size_t m = d->lines[j].len;
                const char *t = LTT(d, j, &m);
                w += dwidth_cap(t, m, 60);
            }
            if (w >= 60 && !ends_sentence(s, n)) return (long)k;
        }
        if (++seen > within) return -1;
    }
    return -1;
}

/* Does the heading on line k have the title t (one a prefix of the other,
 * after normalisation)? For a table of contents: "一、总体情况……1". */
static bool same_title(const gx_seg_doc *d, int k, const char *t, size_t tn, gx_buf *tmp)
{
    gx_buf a, b;
    gx_buf_init(&a);
    gx_buf_init(&b);
    gx_norm_match(t, tn, &b);
    cand c;
    bool same = false;
    size_t kn;
    const char *kt = LTT(d, (size_t)k, &kn);
    if (heading_cand(kt, kn, tmp, &c)) {
        gx_norm_match(c.title, c.tlen, &a);
        size_t m = a.len < b.len ? a.len : b.len;
        same = m >= 2 && memcmp(a.data, b.data, m) == 0;
    }
    gx_buf_free(&a);
    gx_buf_free(&b);
    return same;
}

static void mark_headings(gx_seg_doc *d, gx_buf *scratch, gx_buf *tmp)
{
    open_head st[GX_SEG_MAXDEPTH];
    int depth = 0, top_children = 0;
    /* per rank: the numeral of the last top-level heading, and whether the
       last one was an unnumbered attachment heading */
    long last_num[GX_SEG_MAXDEPTH + 1];
    bool last_app[GX_SEG_MAXDEPTH + 1];
    memset(last_num, 0, sizeof last_num);
    memset(last_app, 0, sizeof last_app);
    bool noise_mode = false;
    long sandwich = -1;         /* open paragraph the noise interrupts */
    long content = 0;           /* non-heading lines since the first heading */
    cand c;
    for (size_t i = 0; i < d->nlines; i++) {
        gx_seg_line *l = &d->lines[i];
        if (l->role == ROLE_TABLE && d->nheads > 0) content++;
        if (!plain_text(l)) continue;
        const char *s = LT(d, i);
        size_t n = l->len;
        bool is_c = line_cand(d, i, scratch, &c);
        if (!is_c && d->nheads > 0) content++;
        if (noise_mode && sandwich >= 0 && !is_c) {
            /* inside a pasted block: numbered lines belong to it; the first
               unnumbered line continues the interrupted paragraph */
            bool starts_para = i == 0 || d->lines[i - 1].cls == C_BLANK || d->from == GX_FROM_HTML;
            if (heading_like(s, n, scratch) || !starts_para) { l->role = ROLE_NOISE; continue; }
            noise_mode = false;
            sandwich = -1;
            continue;
        }
        if (!is_c) continue;
        const kindrule *kr = classify(c.title, c.tlen, tmp);
        int rank = c.st->rank;
        bool appendix = c.num < 0 || strcmp(c.st->style, "appendix") == 0;
        bool bulletin = noise_match(N_BULLETIN, c.title, c.tlen) ||
                        noise_match(N_BULLETIN, c.clean, c.clen);
        /* find the open sibling at this rank */
        int sib = -1;
        for (int k = depth - 1; k >= 0; k--) {
            if (st[k].rank == rank) { sib = k; break; }
            if (st[k].rank < rank) break;
        }
        bool top = true;              /* no outer style open */
        for (int k = 0; k < depth; k++) if (st[k].rank < rank) top = false;
        bool accept;
        if (appendix) {
            accept = !(last_app[rank] && c.num <= 0) && !noise_mode;
            if (!accept) continue;            /* stays text */
        } else if (top) {
            bool restart = last_num[rank] > 0 && c.num <= last_num[rank];
            if (restart && content == 0 && !noise_mode && c.num == 1 && d->nheads >= 2 &&
                same_title(d, d->heads[0].line, c.title, c.tlen, tmp)) {
                /* every heading so far came back to back: a table of
                   contents. Those lines are text; the outline starts here. */
                for (int h = 0; h < d->nheads; h++) d->lines[d->heads[h].line].role = ROLE_TEXT;
                d->nheads = 0;
                depth = top_children = 0;
                memset(last_num, 0, sizeof last_num);
                memset(last_app, 0, sizeof last_app);
                restart = false;
            }
            if (restart && last_app[rank]) continue;     /* an attachment's own numbering */
            /* the same numeral twice, on a heading of a known kind, is a typo
               in the numbering rather than a pasted block */
            if (restart && c.num == last_num[rank] && kr && !bulletin && !noise_mode) restart = false;
            if (restart || bulletin) {
                l->role = ROLE_NOISE;
                if (!noise_mode) {
                    noise_mode = true;
                    long p = open_before(d, i, 8);
                    sandwich = p;
                    if (p >= 0)
                        for (size_t k = (size_t)p + 1; k < i; k++)
                            if (plain_text(&d->lines[k])) d->lines[k].role = ROLE_NOISE;
                }
                continue;
            }
            if (noise_mode && (c.num <= last_num[rank] || !kr)) { l->role = ROLE_NOISE; continue; }
            accept = true;
        } else {
            bool restart = sib >= 0 && c.num >= 0 && c.num <= st[sib].num;
            if (noise_mode) {
                bool continues = sib >= 0 && c.num == st[sib].num + 1 && !bulletin;
                if (!continues) { l->role = ROLE_NOISE; continue; }
            } else if (restart || bulletin) {
                continue;                       /* a numbered list item, not a heading */
            }
            accept = true;
        }
        if (!accept) continue;
        noise_mode = false;
        sandwich = -1;
        while (depth > 0 && st[depth - 1].rank >= rank) depth--;
        if (depth >= GX_SEG_MAXDEPTH - 1) continue;
        int h = add_head(d);
        gx_seg_head *hd = &d->heads[h];
        hd->line = (int)i;
        hd->rank = rank;
        hd->parent = depth > 0 ? st[depth - 1].head : -1;
        for (int k = 0; k < depth; k++) hd->path[k] = d->heads[st[k].head].path[k];
        int ord = depth > 0 ? ++st[depth - 1].nchild : ++top_children;
        hd->path[depth] = ord;
        st[depth].rank = rank;
        st[depth].num = c.num;
        st[depth].head = h;
        st[depth].nchild = 0;
        depth++;
        hd->depth = depth;
        hd->own = kr ? kr->kind : NULL;
        hd->kind = NULL;
        hd->generic = false;
        if (kr && kr->rule == K_CONTAINER) hd->kind = "container";
        l->role = ROLE_HEADING;
        l->runin = c.runin;
        if (top) {
            if (!appendix) last_num[rank] = c.num;
            last_app[rank] = appendix;
        }
        for (int r = rank + 1; r <= GX_SEG_MAXDEPTH; r++) { last_num[r] = 0; last_app[r] = false; }
        /* remember the "once" rule in generic (resolved in pass 6) */
        if (kr && kr->rule == K_ONCE) hd->generic = true;
    }
}

/* ---- pass 6: kinds ---------------------------------------------------- */

static void resolve_kinds(gx_seg_doc *d)
{
    bool overview_seen = false;
    for (int h = 0; h < d->nheads; h++) {
        gx_seg_head *hd = &d->heads[h];
        bool once = hd->generic;
        hd->generic = false;
        if (hd->parent < 0) {
            if (hd->kind) continue;   /* container */
            if (once && overview_seen && hd->own) {
                /* a second overview-like heading: the dominant kind of its children */
                const char *best = NULL;
                int bestn = 0;
                for (int c = h + 1; c < d->nheads; c++) {
                    if (d->heads[c].parent != h) continue;
                    const char *k = d->heads[c].own;
                    if (!k || strcmp(k, hd->own) == 0 || strcmp(k, "container") == 0) continue;
                    int cnt = 0;
                    for (int e = h + 1; e < d->nheads; e++)
                        if (d->heads[e].parent == h && d->heads[e].own && strcmp(d->heads[e].own, k) == 0)
                            cnt++;
                    if (cnt > bestn) { best = k; bestn = cnt; }
                }
                hd->kind = best ? best : hd->own;
                hd->generic = best != NULL;
            } else {
                hd->kind = hd->own ? hd->own : "unknown";
            }
            if (once) overview_seen = true;
        } else {
            const gx_seg_head *p = &d->heads[hd->parent];
            /* under a container, or a heading with no kind of its own (第一部分),
               a section is classified on its own keywords */
            if (strcmp(p->kind, "container") == 0 || strcmp(p->kind, "unknown") == 0)
                hd->kind = hd->own ? hd->own : "unknown";
            else hd->kind = p->kind;
        }
    }
}

/* ---- pass 7: paragraphs -------------------------------------------------- */

static void mark_paras(gx_seg_doc *d)
{
    int p = 0, cur = 0;
    int tp = 0, np = 0;
    bool topen = false, nopen = false;
    size_t tprev_w = 0;          /* width of the last text line */
    bool blank_since_text = false;
    int cur_table = 0;
    int h = -1;
    for (size_t i = 0; i < d->nlines; i++) {
        gx_seg_line *l = &d->lines[i];
        size_t n = l->len;
        const char *s = LTT(d, i, &n);
        if (h + 1 < d->nheads && d->heads[h + 1].line == (int)i) h++;
        l->heading = h;
        if (l->table) {
            if (l->table != cur_table) { cur_table = l->table; cur = ++p; }
            l->para = cur;
            topen = false;
            continue;
        }
        cur_table = 0;
        switch (l->role) {
        case ROLE_BLANK:
        case ROLE_TEXT:
            if (l->cls == C_BLANK || l->role == ROLE_BLANK) {
                l->role = ROLE_BLANK;
                l->para = cur;
                blank_since_text = true;
                break;
            }
            if (topen && (!blank_since_text || tprev_w >= 40)) {
                cur = tp;
                tprev_w += dwidth_cap(s, n, 40);   /* only >= 40 is asked */
            } else {
                cur = tp = ++p;
                tprev_w = dwidth_cap(s, n, 40);
            }
            l->para = cur;
            topen = !ends_sentence(s, n);
            blank_since_text = false;
            break;
        case ROLE_NOISE:
            if (!nopen) np = ++p;
            l->para = cur = np;
            nopen = !ends_sentence(s, n);
            break;
        case ROLE_TITLE:
        case ROLE_HEADING:
        default:
            cur = tp = ++p;
            l->para = cur;
            topen = l->runin && !ends_sentence(s, n);
            tprev_w = dwidth_cap(s, n, 40);
            blank_since_text = false;
            nopen = false;
            break;
        }
        if (l->role != ROLE_NOISE && l->role != ROLE_BLANK) nopen = false;
    }
}

/* ---- driver --------------------------------------------------------------- */

static void fill_sec(gx_seg_doc *d);

bool gx_seg_load(gx_seg_doc *d, const char *bytes, size_t n, const char *name, int from)
{
    gx_buf dec, html;
    gx_buf_init(&dec);
    gx_buf_init(&html);
    int *tables = NULL;
    size_t tcap = 0;
    bool ok = false, done = false;
    /* The common case, a UTF-8 text report: split the bytes as they are,
       checking them on the way; anything else (or anything odd) is decoded
       first, the long way. */
    const unsigned char *u = (const unsigned char *)bytes;
    if (n > 3 && from != GX_FROM_HTML && !((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        const char *s = bytes;
        size_t m = n;
        if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) { s += 3; m -= 3; }
        int f = from;
        if (!memchr(s, 0, m) && f == GX_FROM_AUTO)
            f = gx_seg_looks_html(s, m) ? GX_FROM_HTML : GX_FROM_TEXT;
        if (f != GX_FROM_HTML && f != GX_FROM_AUTO) {
            if (split_lines(d, s, m, name, NULL, 0, true) == SPLIT_OK) {
                d->from = f;
                ok = done = true;
            } else {
                d->nlines = 0;
                gx_buf_reset(&d->text);
            }
        }
    }
    if (!done) ok = gx_seg_decode(bytes, n, name, &dec);
    if (ok && !done) {
        if (from == GX_FROM_AUTO)
            from = gx_seg_looks_html(dec.data, dec.len) ? GX_FROM_HTML : GX_FROM_TEXT;
        d->from = from;
        if (from == GX_FROM_HTML) {
            gx_seg_html_title(dec.data, dec.len, &d->page_title);
            gx_seg_html(dec.data, dec.len, &html, &tables, &tcap);
            ok = split_lines(d, html.data, html.len, name, tables, tcap, false) == SPLIT_OK;
        } else {
            ok = split_lines(d, dec.data, dec.len, name, NULL, 0, false) == SPLIT_OK;
        }
    }
    free(tables);
    gx_buf_free(&dec);
    gx_buf_free(&html);
    if (!ok) return false;
    gx_buf scratch, tmp;
    gx_buf_init(&scratch);
    gx_buf_init(&tmp);
    classify_lines(d);
    for (size_t i = 0; i < d->nlines; i++)
        d->lines[i].role = (d->lines[i].cls == C_BLANK || d->lines[i].cls == C_TABE)
                           ? ROLE_BLANK : ROLE_TEXT;
    mark_tables(d, &scratch);
    mark_noise_lines(d, &scratch);
    mark_title(d, &scratch);
    page_title(d, &scratch);
    mark_headings(d, &scratch, &tmp);
    resolve_kinds(d);
    fill_sec(d);
    mark_paras(d);
    gx_buf_free(&scratch);
    gx_buf_free(&tmp);
    return true;
}

/* strlen(gx_seg_role_name(role)), without the call */
static size_t role_len(int role)
{
    static const unsigned char len[] = { 4, 5, 5, 7, 5, 5 };
    return role >= 0 && role <= ROLE_NOISE ? len[role] : 4;
}

const char *gx_seg_role_name(int role)
{
    static const char *const names[] = { "text", "blank", "title", "heading", "table", "noise" };
    return role >= 0 && role <= ROLE_NOISE ? names[role] : "text";
}

/* Decimal digits of v (>= 0) at p; returns the length. */
static size_t utoa_(unsigned long v, char *p)
{
    if (v < 10) { p[0] = (char)('0' + v); return 1; }
    if (v < 100) { p[0] = (char)('0' + v / 10); p[1] = (char)('0' + v % 10); return 2; }
    char t[24];
    size_t k = 0;
    do { t[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    for (size_t j = 0; j < k; j++) p[j] = t[k - 1 - j];
    return k;
}

static void fill_sec(gx_seg_doc *d)
{
    for (int h = 0; h < d->nheads; h++) {
        gx_seg_head *hd = &d->heads[h];
        size_t k = 0;
        for (int j = 0; j < hd->depth && k + 12 < sizeof hd->sec; j++) {
            if (j) hd->sec[k++] = '.';
            k += utoa_((unsigned long)hd->path[j], hd->sec + k);
        }
        hd->sec[k] = 0;
    }
}

void gx_seg_sec(const gx_seg_doc *d, size_t i, gx_buf *out)
{
    gx_buf_reset(out);
    int h = d->lines[i].heading;
    gx_buf_adds(out, h < 0 ? "0" : d->heads[h].sec);
}

int gx_seg_level(const gx_seg_doc *d, size_t i)
{
    int h = d->lines[i].heading;
    return h < 0 ? 0 : d->heads[h].depth;
}

const char *gx_seg_kind(const gx_seg_doc *d, size_t i)
{
    int h = d->lines[i].heading;
    return h < 0 ? "preamble" : d->heads[h].kind;
}

void gx_seg_write(const gx_seg_doc *d, const char *docname)
{
    /* Every row starts with the same escaped doc name, and the sec, level
       and kind columns depend on the enclosing heading only: both are
       formatted once, so a row costs its numbers and its text. */
    gx_buf pre;
    gx_buf_init(&pre);
    size_t dn = strlen(docname);
    bool plain_name = !memchr(docname, '\\', dn) && !memchr(docname, '\t', dn) &&
                      !memchr(docname, '\n', dn) && !memchr(docname, '\r', dn);
    if (d->page_title.len) {
        gx_out_field(docname, dn);
        gx_outs("\t0\t1\t0\t0\t0\tpreamble\ttitle\t\t\t\t\t\t");
        gx_out_field(d->page_title.data, d->page_title.len);
        gx_outc('\n');
    }
    /* per heading (index h + 1; 0 = none): "sec\tlevel\tkind\t" */
    size_t nh = (size_t)d->nheads + 1;
    size_t *hoff = gx_xmalloc((nh + 1) * sizeof *hoff);
    char num[32];
    for (size_t h = 0; h < nh; h++) {
        hoff[h] = pre.len;
        if (h == 0) { gx_buf_add(&pre, "0\t0\tpreamble\t", 13); continue; }
        const gx_seg_head *hd = &d->heads[h - 1];
        gx_buf_adds(&pre, hd->sec);
        num[0] = '\t';
        size_t k = 1 + utoa_((unsigned long)hd->depth, num + 1);
        num[k++] = '\t';
        gx_buf_add(&pre, num, k);
        gx_buf_adds(&pre, hd->kind);
        gx_buf_addc(&pre, '\t');
    }
    hoff[nh] = pre.len;
    char row[1024];
    bool row_named = false;
    char lno[24] = "0";         /* the line number, counted up in decimal */
    size_t lnn = 1;
    for (size_t i = 0; i < d->nlines; i++) {
        const gx_seg_line *l = &d->lines[i];
        size_t k = lnn;
        while (k > 0 && lno[k - 1] == '9') lno[--k] = '0';
        if (k == 0) { memmove(lno + 1, lno, lnn++); lno[0] = '1'; }
        else lno[k - 1]++;
        size_t h = (size_t)(l->heading + 1);
        const char *hs = pre.data + hoff[h];
        size_t hn = hoff[h + 1] - hoff[h];
        const char *role = gx_seg_role_name(l->role);
        size_t rn = role_len(l->role);
        if (!plain_name || dn + hn + rn + 100 > sizeof row) {
            /* an unusual doc name or a very long row head: the general way */
            gx_out_field(docname, dn);
            char *p = num;
            *p++ = '\t'; p += utoa_(i + 1, p);
            *p++ = '\t'; p += utoa_((unsigned long)l->page, p);
            *p++ = '\t'; p += utoa_((unsigned long)l->para, p);
            *p++ = '\t';
            gx_out(num, (size_t)(p - num));
            gx_out(hs, hn);
            gx_out(role, rn);
            gx_outc('\t');
            if (l->table) { p = num; p += utoa_((unsigned long)l->table, p); gx_out(num, (size_t)(p - num)); }
            gx_out("\t\t\t\t\t", 5);
            gx_out_field(LT(d, i), l->len);
            gx_outc('\n');
            continue;
        }
        /* the doc name and its TAB stay at the start of row[] from the
           first row on */
        if (!row_named) {
            memcpy(row, docname, dn);
            row[dn] = '\t';
            row_named = true;
        }
        char *p = row + dn + 1;
        for (size_t j = 0; j < lnn; j++) *p++ = lno[j];
        *p++ = '\t'; p += utoa_((unsigned long)l->page, p);
        *p++ = '\t'; p += utoa_((unsigned long)l->para, p);
        *p++ = '\t';
        memcpy(p, hs, hn); p += hn;
        memcpy(p, role, rn); p += rn;
        *p++ = '\t';
        if (l->table) p += utoa_((unsigned long)l->table, p);
        memcpy(p, "\t\t\t\t\t", 5); p += 5;
        /* a line with nothing to escape (split_lines noted TABs and
           backslashes; line ends are never in a line) goes out as it is */
        if (!l->esc && (size_t)(p - row) + l->len + 1 <= sizeof row) {
            memcpy(p, LT(d, i), l->len); p += l->len;
            *p++ = '\n';
            gx_out(row, (size_t)(p - row));
            continue;
        }
        gx_out(row, (size_t)(p - row));
        if (l->esc) gx_out_field(LT(d, i), l->len);
        else gx_out(LT(d, i), l->len);
        gx_outc('\n');
    }
    free(hoff);
    gx_buf_free(&pre);
}

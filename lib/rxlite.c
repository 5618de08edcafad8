/* rxlite.c - the small matcher of rxlite.h.
 *
 * A pattern is parsed into a syntax tree, then emitted as a program for a
 * backtracking machine: SPLIT tries its first branch and, if that fails,
 * its second, which is the order in which pcre2's interpreter tries the
 * alternatives and repetitions. One character set repeated (\s*, [0-9]{1,4},
 * .*) is one instruction that takes as many as it can and gives them back
 * one at a time.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rx.h"
#include "rxlite.h"
#include "text.h"

enum { OP_CHAR, OP_SET, OP_BOL, OP_GSTART, OP_EOS, OP_EOSNL, OP_SPLIT, OP_JMP, OP_SAVE,
       OP_LOOK, OP_NLOOK, OP_SUBEND, OP_MATCH, OP_REPSET };

/* OP_REPSET: a greedy repeat of one character of set a, b to c times (c
 * -1: no limit), in one step: the run is taken whole and given back one
 * character at a time (no frame per character). */
typedef struct ins { int op; int32_t a, b, c; } ins;
typedef struct range { int32_t lo, hi; } range;
typedef struct cset {
    int      first, n;      /* ranges */
    bool     neg, space, nspace, digit, ndigit, han;
    uint32_t ascii[4];      /* the answer for code points < 128 */
    int32_t  min, max;      /* the ranges lie within [min, max]; sorted by lo */
} cset;

enum { MAX_GROUPS = GX_RXL_GROUPS - 1, MAX_CODE = 2048, MAX_COUNT = 64, MAX_NAME = 32,
       STEP_MAX = 20000, DEPTH_MAX = 600 };

enum { MAX_FIRST = 8 };

struct gx_rxl {
    ins   *code;  int ncode;
    /* the sets one of which the first character of every match is in
     * (a match at offset 0 that cannot be empty); nfirst 0 when unknown */
    struct { bool ch; int32_t v; } first[MAX_FIRST];   /* a character, or a set */
    int    nfirst;
    gx_rxl_first ff;                          /* the same as one filter */
    cset  *sets;  int nsets;
    range *rng;   int nrng;
    int    ngroups;                       /* capturing groups, 0 not counted */
    char   names[MAX_GROUPS + 1][MAX_NAME + 1];   /* names[g], "" when unnamed */
    bool   bol;                           /* matches only at offset 0 */
    bool   gstart;                        /* matches only at the start offset (\G) */
};

/* ---- \s under PCRE2_UCP: pcre2's horizontal and vertical space lists and
 * the Unicode separators (category Z) ---- */
static bool ucp_space(int32_t c)
{
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x180E: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

/* \d under PCRE2_UCP is \p{Nd}; \p{Han} is the Han script. Known here
 * without pcre2: for \d, the full-width digits and the blocks without any
 * decimal digit (Latin to Arabic, general punctuation to CJK and Yi,
 * Hangul, CJK compatibility and the half/full-width forms); for \p{Han},
 * the common unified ideographs (yes) and everything below U+2E80 (no);
 * pcre2 reads \p{Han} by script extensions, so CJK punctuation is Han
 * there and is asked, as is anything else. Any other
 * code point is put to pcre2 once (a one-character pattern) and the
 * answer kept, so the answers are pcre2's whatever its Unicode version. */
static int known_digit(int32_t c)
{
    if (c < 0x80) return c >= '0' && c <= '9';
    if (c >= 0xFF10 && c <= 0xFF19) return 1;
    if (c < 0x660 || (c >= 0x2000 && c <= 0xA61F) || (c >= 0xAC00 && c <= 0xD7FF) ||
        (c >= 0xF900 && c <= 0xFFFF))
        return 0;
    return -1;
}

static int known_han(int32_t c)
{
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) return 1;
    if (c < 0x2E80) return 0;
    return -1;   /* pcre2 takes script extensions: 、 。 「 are Han there */
}

static bool ask_pcre2(int which, int32_t c)
{
    enum { NC = 256 };
    static gx_rx re[2] = {GX_RX_INIT("(*UCP)^\\d$", GX_RX_NOJIT | GX_RX_NOLITE),
                          GX_RX_INIT("(*UCP)^\\p{Han}$", GX_RX_NOJIT | GX_RX_NOLITE)};
    static int32_t key[2][NC];
    static bool val[2][NC];
    size_t slot = (size_t)c % NC;
    if (key[which][slot] == c + 1) return val[which][slot];
    char b[4];
    size_t k;
    if (c < 0x800) { b[0] = (char)(0xC0 | c >> 6); b[1] = (char)(0x80 | (c & 0x3F)); k = 2; }
    else if (c < 0x10000) {
        b[0] = (char)(0xE0 | c >> 12); b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        b[2] = (char)(0x80 | (c & 0x3F)); k = 3;
    } else {
        b[0] = (char)(0xF0 | c >> 18); b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((c >> 6) & 0x3F)); b[3] = (char)(0x80 | (c & 0x3F)); k = 4;
    }
    bool v = gx_rx_match(&re[which], b, k, 0, GX_RX_VALID) > 0;
    key[which][slot] = c + 1;
    val[which][slot] = v;
    return v;
}

bool gx_rxl_digit(int32_t c)
{
    int v = known_digit(c);
    return v >= 0 ? v : ask_pcre2(0, c);
}

bool gx_rxl_han(int32_t c)
{
    int v = known_han(c);
    return v >= 0 ? v : ask_pcre2(1, c);
}

/* . $ \Z take LF as the newline, pcre2's default; a pcre2 built with
 * another default gets those patterns (gx_rxl_new refuses them). */
static bool newline_lf(void)
{
    static int known = -1;
    if (known < 0) {
        uint32_t nl = 0;
        known = pcre2_config(PCRE2_CONFIG_NEWLINE, &nl) >= 0 && nl == PCRE2_NEWLINE_LF;
    }
    return known;
}

/* ---- parse: pattern -> syntax tree ---- */

enum { N_CHAR, N_SET, N_BOL, N_GSTART, N_EOS, N_EOSNL, N_CAT, N_ALT, N_GROUP, N_REP, N_LOOK };

typedef struct node {
    int kind;
    int a, b, c;        /* CHAR: a=cp; SET: a=set; GROUP: a=group (-1 none);
                           REP: a=min, b=max (-1 none), c=lazy; LOOK: a=negative */
    int child, last;    /* first and last child (CAT, ALT, GROUP, REP, LOOK) */
    int next;           /* next sibling */
} node;

typedef struct parser {
    const char *p, *e;
    bool bad;
    bool ucp;           /* \s \d with their PCRE2_UCP meaning, else ASCII */
    node *nd; int nnd, capnd;
    node local[128];
    gx_rxl *P;
    int capsets, caprng;
} parser;

static int new_node(parser *ps, int kind)
{
    if (ps->nnd == ps->capnd) {
        /* the first nodes are on the stack (gx_rxl_new): most patterns
         * need no more */
        node *nd = gx_xmalloc((size_t)ps->capnd * 2 * sizeof *nd);
        memcpy(nd, ps->nd, (size_t)ps->nnd * sizeof *nd);
        if (ps->nd != ps->local) free(ps->nd);
        ps->nd = nd;
        ps->capnd *= 2;
    }
    node *n = &ps->nd[ps->nnd];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->child = n->last = n->next = -1;
    return ps->nnd++;
}

static void add_child(parser *ps, int parent, int child)
{
    node *p = &ps->nd[parent];
    if (p->last < 0) p->child = child;
    else ps->nd[p->last].next = child;
    ps->nd[parent].last = child;
}

/* One UTF-8 character of the pattern (it must be well formed). */
static int32_t pat_char(parser *ps)
{
    int32_t cp;
    int l = gx_utf8_next_fast(ps->p, (size_t)(ps->e - ps->p), &cp);
    if (l <= 0 || (cp == 0xFFFD && l == 1 && (unsigned char)*ps->p >= 0x80)) { ps->bad = true; return 0; }
    ps->p += l;
    return cp;
}

static bool is_alnum(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* An escape after the backslash: a character (>= 0), or -2 for \s, -3
 * for \S, -4 for \d, -5 for \D, -6 for \p{Han}; bad for anything else. */
static int32_t escape_char(parser *ps)
{
    if (ps->p >= ps->e) { ps->bad = true; return 0; }
    unsigned char c = (unsigned char)*ps->p++;
    if (c >= 0x80) { ps->bad = true; return 0; }
    if (!is_alnum(c)) return c;
    switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'e': return 0x1B;
    case 'a': return 0x07;
    case 's': return -2;
    case 'S': return -3;
    case 'd': return -4;
    case 'D': return -5;
    case 'p':
        if (ps->e - ps->p >= 5 && memcmp(ps->p, "{Han}", 5) == 0) { ps->p += 5; return -6; }
        ps->bad = true;
        return 0;
    default: ps->bad = true; return 0;
    }
}

static void set_range(parser *ps, int32_t lo, int32_t hi)
{
    gx_rxl *P = ps->P;
    if (P->nrng == ps->caprng) {
        ps->caprng = ps->caprng ? 2 * ps->caprng : 64;
        P->rng = gx_xrealloc(P->rng, (size_t)ps->caprng * sizeof *P->rng);
    }
    P->rng[P->nrng].lo = lo;
    P->rng[P->nrng].hi = hi;
    P->nrng++;
    P->sets[P->nsets - 1].n++;
}

static int new_set(parser *ps)
{
    gx_rxl *P = ps->P;
    if (P->nsets == ps->capsets) {
        ps->capsets = ps->capsets ? 2 * ps->capsets : 16;
        P->sets = gx_xrealloc(P->sets, (size_t)ps->capsets * sizeof *P->sets);
    }
    cset *c = &P->sets[P->nsets];
    memset(c, 0, sizeof *c);
    c->first = P->nrng;
    return P->nsets++;
}

static bool set_slow(const gx_rxl *P, const cset *c, int32_t cp)
{
    bool in = false;
    if (cp >= c->min && cp <= c->max)
        for (int i = 0; i < c->n && !in; i++) {
            const range *r = &P->rng[c->first + i];
            if (cp < r->lo) break;   /* sorted: no later range holds it */
            in = cp <= r->hi;
        }
    if (!in && c->space) in = ucp_space(cp);
    if (!in && c->nspace) in = !ucp_space(cp);
    if (!in && (c->digit || c->ndigit)) {
        bool d = gx_rxl_digit(cp);
        in = (c->digit && d) || (c->ndigit && !d);
    }
    if (!in && c->han) in = gx_rxl_han(cp);
    return in != c->neg;
}

static void set_done(gx_rxl *P, int si)
{
    cset *c = &P->sets[si];
    /* the ranges sorted by lo (a union: order does not matter to it) */
    range *rg = c->n ? &P->rng[c->first] : NULL;   /* (no ranges yet: none at all) */
    for (int i = 1; i < c->n; i++) {
        range t = rg[i];
        int j = i;
        while (j > 0 && rg[j - 1].lo > t.lo) { rg[j] = rg[j - 1]; j--; }
        rg[j] = t;
    }
    c->min = INT32_MAX;
    c->max = -1;
    for (int i = 0; i < c->n; i++) {
        if (rg[i].lo < c->min) c->min = rg[i].lo;
        if (rg[i].hi > c->max) c->max = rg[i].hi;
    }
    uint32_t in[4] = {0, 0, 0, 0};
    for (int i = 0; i < c->n; i++) {
        const range *r = &P->rng[c->first + i];
        for (int32_t cp = r->lo; cp <= r->hi && cp < 128; cp++) in[cp >> 5] |= 1u << (cp & 31);
    }
    uint32_t sp[4] = {0x3E00u, 1u, 0, 0};   /* TAB LF VT FF CR, space */
    uint32_t dg[4] = {0, 0x03FF0000u, 0, 0};   /* 0-9 */
    for (int w = 0; w < 4; w++) {
        if (c->space) in[w] |= sp[w];
        if (c->nspace) in[w] |= ~sp[w];
        if (c->digit) in[w] |= dg[w];
        if (c->ndigit) in[w] |= ~dg[w];
        c->ascii[w] = c->neg ? ~in[w] : in[w];
    }
}

/* pcre2's check_posix_syntax: does the class starting at p ([ read, *p
 * one of : . =) look like [:name:], [.x.] or [=x=]? pcre2 refuses the
 * last two (and [:name:] outside a class), so such a pattern is left to
 * it. */
static bool posix_like(const char *p, const char *e)
{
    char term = *p++;
    for (; e - p >= 2; p++) {
        if (*p == '\\' && (p[1] == ']' || p[1] == '\\')) p++;
        else if ((*p == '[' && p[1] == term) || *p == ']') return false;
        else if (*p == term && p[1] == ']') return true;
    }
    return false;
}

/* \s \S \d \D \p{Han} (escape_char's -2 .. -6) into set c, the last set
 * made. Without UCP, \s \S \d \D are ASCII classes: ranges. */
static void class_escape(parser *ps, cset *c, int32_t e)
{
    if (!ps->ucp && e >= -5) {
        static const int32_t rg[4][3][2] = {
            {{9, 13}, {32, 32}, {-1, -1}},                 /* \s */
            {{0, 8}, {14, 31}, {33, 0x10FFFF}},            /* \S */
            {{'0', '9'}, {-1, -1}, {-1, -1}},              /* \d */
            {{0, '0' - 1}, {'9' + 1, 0x10FFFF}, {-1, -1}}, /* \D */
        };
        for (int i = 0; i < 3 && rg[-2 - e][i][0] >= 0; i++) set_range(ps, rg[-2 - e][i][0], rg[-2 - e][i][1]);
        return;
    }
    if (e == -2) c->space = true;
    else if (e == -3) c->nspace = true;
    else if (e == -4) c->digit = true;
    else if (e == -5) c->ndigit = true;
    else c->han = true;
}

/* [ has been read. */
static int parse_class(parser *ps)
{
    if (ps->p < ps->e && (*ps->p == ':' || *ps->p == '.' || *ps->p == '=') && posix_like(ps->p, ps->e)) {
        ps->bad = true;
        return 0;
    }
    int si = new_set(ps);
    if (ps->p < ps->e && *ps->p == '^') { ps->P->sets[si].neg = true; ps->p++; }
    bool first = true;
    for (;;) {
        if (ps->p >= ps->e) { ps->bad = true; return 0; }
        char c = *ps->p;
        if (c == ']' && !first) { ps->p++; break; }
        first = false;
        int32_t lo;
        if (c == '[') { ps->bad = true; return 0; }   /* POSIX classes and the like */
        if (c == '\\') { ps->p++; lo = escape_char(ps); }
        else lo = pat_char(ps);
        if (ps->bad) return 0;
        if (lo < 0) {
            if (ps->p < ps->e && *ps->p == '-' && ps->p + 1 < ps->e && ps->p[1] != ']') {
                ps->bad = true;   /* a range from a class: not taken */
                return 0;
            }
            class_escape(ps, &ps->P->sets[si], lo);
            continue;
        }
        int32_t hi = lo;
        if (ps->p + 1 < ps->e && *ps->p == '-' && ps->p[1] != ']') {
            ps->p++;
            if (*ps->p == '[') { ps->bad = true; return 0; }
            if (*ps->p == '\\') { ps->p++; hi = escape_char(ps); }
            else hi = pat_char(ps);
            if (ps->bad || hi < lo) { ps->bad = true; return 0; }
        }
        set_range(ps, lo, hi);
    }
    set_done(ps->P, si);
    int n = new_node(ps, N_SET);
    ps->nd[n].a = si;
    return n;
}

static int parse_alt(parser *ps);

static bool nullable(const parser *ps, int n)
{
    const node *x = &ps->nd[n];
    switch (x->kind) {
    case N_CHAR: case N_SET: return false;
    case N_BOL: case N_GSTART: case N_EOS: case N_EOSNL: case N_LOOK: return true;
    case N_CAT:
        for (int c = x->child; c >= 0; c = ps->nd[c].next) if (!nullable(ps, c)) return false;
        return true;
    case N_ALT:
        for (int c = x->child; c >= 0; c = ps->nd[c].next) if (nullable(ps, c)) return true;
        return false;
    case N_GROUP: return nullable(ps, x->child);
    case N_REP: return x->a == 0 || nullable(ps, x->child);
    }
    return true;
}

/* A group name: letters, digits, underscore, not starting with a digit. */
static bool group_name(parser *ps, char *out)
{
    size_t k = 0;
    while (ps->p < ps->e && *ps->p != '>') {
        char c = *ps->p++;
        if (!(is_alnum((unsigned char)c) || c == '_') || (k == 0 && c >= '0' && c <= '9') || k == MAX_NAME)
            return false;
        out[k++] = c;
    }
    if (ps->p >= ps->e || k == 0) return false;
    ps->p++;
    out[k] = 0;
    for (int g = 1; g <= ps->P->ngroups; g++)
        if (strcmp(ps->P->names[g], out) == 0) return false;   /* duplicate */
    return true;
}

static int parse_atom(parser *ps)
{
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        int kind = N_GROUP, grp = -1, neg = 0;
        char name[MAX_NAME + 1] = "";
        if (ps->p < ps->e && *ps->p == '?') {
            ps->p++;
            char d = ps->p < ps->e ? *ps->p : 0;
            if (d == ':') ps->p++;
            else if (d == '=' || d == '!') { kind = N_LOOK; neg = d == '!'; ps->p++; }
            else if (d == '<' && ps->p + 1 < ps->e && ps->p[1] != '=' && ps->p[1] != '!') {
                ps->p++;
                if (!group_name(ps, name)) { ps->bad = true; return 0; }
                grp = 0;
            } else { ps->bad = true; return 0; }
        } else if (ps->p < ps->e && *ps->p == '*') {
            ps->bad = true;
            return 0;
        } else {
            grp = 0;
        }
        if (grp == 0) {
            if (ps->P->ngroups == MAX_GROUPS) { ps->bad = true; return 0; }
            grp = ++ps->P->ngroups;
            strcpy(ps->P->names[grp], name);
        }
        int n = new_node(ps, kind);
        ps->nd[n].a = kind == N_LOOK ? neg : grp;
        int ch = parse_alt(ps);
        if (ps->bad || ps->p >= ps->e || *ps->p != ')') { ps->bad = true; return 0; }
        ps->p++;
        add_child(ps, n, ch);
        return n;
    }
    if (c == '[') { ps->p++; return parse_class(ps); }
    if (c == '^') { ps->p++; return new_node(ps, N_BOL); }
    if (c == '$') {
        ps->p++;
        if (!newline_lf()) { ps->bad = true; return 0; }
        return new_node(ps, N_EOSNL);
    }
    if (c == '.') {
        /* any character but the newline: [^\n] */
        ps->p++;
        if (!newline_lf()) { ps->bad = true; return 0; }
        int si = new_set(ps);
        ps->P->sets[si].neg = true;
        set_range(ps, '\n', '\n');
        set_done(ps->P, si);
        int n = new_node(ps, N_SET);
        ps->nd[n].a = si;
        return n;
    }
    if (c == '\\') {
        ps->p++;
        if (ps->p < ps->e && *ps->p == 'G') { ps->p++; return new_node(ps, N_GSTART); }
        if (ps->p < ps->e && (*ps->p == 'A' || *ps->p == 'z' || *ps->p == 'Z')) {
            char a = *ps->p++;
            if (a == 'Z' && !newline_lf()) { ps->bad = true; return 0; }
            return new_node(ps, a == 'A' ? N_BOL : a == 'z' ? N_EOS : N_EOSNL);
        }
        int32_t e = escape_char(ps);
        if (ps->bad) return 0;
        if (e < 0) {
            int si = new_set(ps);
            class_escape(ps, &ps->P->sets[si], e);
            set_done(ps->P, si);
            int n = new_node(ps, N_SET);
            ps->nd[n].a = si;
            return n;
        }
        int n = new_node(ps, N_CHAR);
        ps->nd[n].a = e;
        return n;
    }
    if (c == '*' || c == '+' || c == '?' || c == '{' || c == ']' || c == '}') {
        ps->bad = true;
        return 0;
    }
    int32_t cp = pat_char(ps);
    if (ps->bad) return 0;
    int n = new_node(ps, N_CHAR);
    ps->nd[n].a = cp;
    return n;
}

static bool is_quant(char c) { return c == '?' || c == '*' || c == '+' || c == '{'; }

static int read_count(parser *ps)
{
    int v = 0, k = 0;
    while (ps->p < ps->e && *ps->p >= '0' && *ps->p <= '9' && k < 4) { v = v * 10 + (*ps->p++ - '0'); k++; }
    return k == 0 || (ps->p < ps->e && *ps->p >= '0' && *ps->p <= '9') ? -1 : v;
}

static int parse_quant(parser *ps, int atom)
{
    if (ps->p >= ps->e || !is_quant(*ps->p)) return atom;
    int k = ps->nd[atom].kind;
    if (k == N_BOL || k == N_GSTART || k == N_EOS || k == N_EOSNL || k == N_LOOK) { ps->bad = true; return 0; }
    int min, max;
    char c = *ps->p++;
    if (c == '?') { min = 0; max = 1; }
    else if (c == '*') { min = 0; max = -1; }
    else if (c == '+') { min = 1; max = -1; }
    else {
        min = read_count(ps);
        max = min;
        if (min < 0 || ps->p >= ps->e) { ps->bad = true; return 0; }
        if (*ps->p == ',') {
            ps->p++;
            if (ps->p < ps->e && *ps->p == '}') max = -1;
            else max = read_count(ps);
            if (ps->p < ps->e && *ps->p != '}') { ps->bad = true; return 0; }
            if (max == -1 && ps->p[-1] != ',') { ps->bad = true; return 0; }
        }
        if (ps->p >= ps->e || *ps->p != '}') { ps->bad = true; return 0; }
        ps->p++;
        if (min > MAX_COUNT || max > MAX_COUNT || (max >= 0 && max < min) || max == 0) { ps->bad = true; return 0; }
    }
    int lazy = 0;
    if (ps->p < ps->e && *ps->p == '?') { lazy = 1; ps->p++; }
    if (ps->p < ps->e && is_quant(*ps->p)) { ps->bad = true; return 0; }   /* possessive, repeated */
    if ((max < 0 || max > 1) && nullable(ps, atom)) { ps->bad = true; return 0; }
    if (min == 1 && max == 1) return atom;
    int n = new_node(ps, N_REP);
    ps->nd[n].a = min;
    ps->nd[n].b = max;
    ps->nd[n].c = lazy;
    add_child(ps, n, atom);
    return n;
}

static int parse_cat(parser *ps)
{
    int cat = new_node(ps, N_CAT);
    while (!ps->bad && ps->p < ps->e && *ps->p != '|' && *ps->p != ')') {
        int a = parse_atom(ps);
        if (ps->bad) return 0;
        a = parse_quant(ps, a);
        if (ps->bad) return 0;
        add_child(ps, cat, a);
    }
    return cat;
}

static int parse_alt(parser *ps)
{
    int first = parse_cat(ps);
    if (ps->bad || ps->p >= ps->e || *ps->p != '|') return first;
    int alt = new_node(ps, N_ALT);
    add_child(ps, alt, first);
    while (!ps->bad && ps->p < ps->e && *ps->p == '|') {
        ps->p++;
        int c = parse_cat(ps);
        if (ps->bad) return 0;
        add_child(ps, alt, c);
    }
    return alt;
}

/* ---- code generation: syntax tree -> backtracking program ---- */

typedef struct gen { gx_rxl *P; int cap; bool bad; } gen;

static int emit3(gen *g, int op, int32_t a, int32_t b, int32_t c);
static int emit(gen *g, int op, int32_t a, int32_t b)
{
    return emit3(g, op, a, b, 0);
}

static int emit3(gen *g, int op, int32_t a, int32_t b, int32_t c)
{
    gx_rxl *P = g->P;
    if (P->ncode >= MAX_CODE) { g->bad = true; return 0; }
    if (P->ncode == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        P->code = gx_xrealloc(P->code, (size_t)g->cap * sizeof *P->code);
    }
    P->code[P->ncode].op = op;
    P->code[P->ncode].a = a;
    P->code[P->ncode].b = b;
    P->code[P->ncode].c = c;
    return P->ncode++;
}

static void gen_node(gen *g, const parser *ps, int n)
{
    if (g->bad) return;
    const node *x = &ps->nd[n];
    switch (x->kind) {
    case N_CHAR: emit(g, OP_CHAR, x->a, 0); break;
    case N_SET: emit(g, OP_SET, x->a, 0); break;
    case N_BOL: emit(g, OP_BOL, 0, 0); break;
    case N_GSTART: emit(g, OP_GSTART, 0, 0); break;
    case N_EOS: emit(g, OP_EOS, 0, 0); break;
    case N_EOSNL: emit(g, OP_EOSNL, 0, 0); break;
    case N_CAT:
        for (int c = x->child; c >= 0; c = ps->nd[c].next) gen_node(g, ps, c);
        break;
    case N_ALT: {
        /* SPLIT next, alt2; branch 1; JMP end; alt2: SPLIT ...; last branch; end: */
        int jumps[64], nj = 0;
        for (int c = x->child; c >= 0 && !g->bad; c = ps->nd[c].next) {
            if (ps->nd[c].next < 0) { gen_node(g, ps, c); break; }
            int s = emit(g, OP_SPLIT, 0, 0);
            g->P->code[s].a = s + 1;
            gen_node(g, ps, c);
            if (nj == 64) { g->bad = true; return; }
            jumps[nj++] = emit(g, OP_JMP, 0, 0);
            if (g->bad) return;
            g->P->code[s].b = g->P->ncode;
        }
        if (g->bad) return;
        for (int i = 0; i < nj; i++) g->P->code[jumps[i]].a = g->P->ncode;
        break;
    }
    case N_GROUP:
        if (x->a > 0) emit(g, OP_SAVE, 2 * x->a, 0);
        gen_node(g, ps, x->child);
        if (x->a > 0) emit(g, OP_SAVE, 2 * x->a + 1, 0);
        break;
    case N_LOOK: {
        int l = emit(g, x->a ? OP_NLOOK : OP_LOOK, 0, 0);
        gen_node(g, ps, x->child);
        emit(g, OP_SUBEND, 0, 0);
        if (!g->bad) g->P->code[l].a = g->P->ncode;
        break;
    }
    case N_REP: {
        int min = x->a, max = x->b;
        bool lazy = x->c;
        const node *ch = &ps->nd[x->child];
        if (!lazy && (ch->kind == N_SET || ch->kind == N_CHAR)) {
            int si = ch->a;
            if (ch->kind == N_CHAR) {
                /* a set of the one character */
                parser *q = (parser *)ps;
                si = new_set(q);
                set_range(q, ch->a, ch->a);
                set_done(g->P, si);
            }
            emit3(g, OP_REPSET, si, min, max);
            break;
        }
        for (int i = 0; i < min; i++) gen_node(g, ps, x->child);
        if (max < 0) {
            /* L: SPLIT body, out; body; JMP L; out: (lazy: out first) */
            int l = emit(g, OP_SPLIT, 0, 0);
            gen_node(g, ps, x->child);
            emit(g, OP_JMP, l, 0);
            if (g->bad) return;
            int body = l + 1, out = g->P->ncode;
            g->P->code[l].a = lazy ? out : body;
            g->P->code[l].b = lazy ? body : out;
        } else {
            /* nested optional copies: (x(x(x)?)?)? - one more copy first
             * when greedy, one fewer when lazy, as pcre2 tries them */
            int splits[MAX_COUNT], ns = 0;
            for (int i = min; i < max; i++) {
                splits[ns++] = emit(g, OP_SPLIT, 0, 0);
                gen_node(g, ps, x->child);
            }
            if (g->bad) return;
            int out = g->P->ncode;
            for (int i = 0; i < ns; i++) {
                int s = splits[i];
                g->P->code[s].a = lazy ? out : s + 1;
                g->P->code[s].b = lazy ? s + 1 : out;
            }
        }
        break;
    }
    }
}

static bool first_sets(gx_rxl *P, int pc, bool *seen);

/* The code points of \s above ASCII, as ranges (ucp_space). */
static const int32_t uspace[][2] = {
    {0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x180E, 0x180E}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

void gx_rxl_first_init(gx_rxl_first *f)
{
    memset(f, 0, sizeof *f);
}

/* Add [lo, hi] to f: the ASCII part to the bitmap, the rest to the
 * ranges, kept sorted and disjoint (merged where they overlap or touch;
 * too many: any non-ASCII character passes). */
static void first_add(gx_rxl_first *f, int32_t lo, int32_t hi)
{
    for (; lo <= hi && lo < 128; lo++) f->ascii[lo >> 5] |= 1u << (lo & 31);
    if (lo > hi || f->nonascii) return;
    /* the ranges that overlap or touch [lo, hi] become one */
    int i = 0;
    while (i < f->n && f->hi[i] + 1 < lo) i++;
    int j = i;
    while (j < f->n && f->lo[j] <= hi + 1) {
        if (f->lo[j] < lo) lo = f->lo[j];
        if (f->hi[j] > hi) hi = f->hi[j];
        j++;
    }
    if (j == i && f->n == GX_RXL_FIRST_RANGES) { f->nonascii = true; return; }
    int shift = 1 - (j - i);   /* ranges i..j-1 are replaced by one */
    memmove(&f->lo[j + shift], &f->lo[j], (size_t)(f->n - j) * sizeof *f->lo);
    memmove(&f->hi[j + shift], &f->hi[j], (size_t)(f->n - j) * sizeof *f->hi);
    f->lo[i] = lo;
    f->hi[i] = hi;
    f->n += shift;
}

void gx_rxl_first_union(gx_rxl_first *acc, const gx_rxl *P)
{
    const gx_rxl_first *f = P ? &P->ff : NULL;
    if (!f || f->all) { acc->all = true; return; }
    for (int w = 0; w < 4; w++) acc->ascii[w] |= f->ascii[w];
    if (f->nonascii) acc->nonascii = true;
    for (int i = 0; i < f->n; i++) first_add(acc, f->lo[i], f->hi[i]);
}

bool gx_rxl_first_may(const gx_rxl_first *f, const char *s, size_t n)
{
    if (f->all) return true;
    if (n == 0) return false;
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) return f->ascii[c >> 5] >> (c & 31) & 1;
    if (f->nonascii) return true;
    int32_t cp;
    int l = gx_utf8_next_fast(s, n, &cp);
    if (l <= 0 || (l == 1 && cp == 0xFFFD)) return true;   /* not valid: no test */
    /* the last range starting at or before cp */
    int lo = 0, hi = f->n;
    while (lo < hi) {
        int m = (lo + hi) / 2;
        if (f->lo[m] <= cp) lo = m + 1;
        else hi = m;
    }
    return lo > 0 && cp <= f->hi[lo - 1];
}

void gx_rxl_free(gx_rxl *P)
{
    if (!P) return;
    free(P->code);
    free(P->sets);
    free(P->rng);
    free(P);
}

gx_rxl *gx_rxl_new(const char *pat, size_t len, bool whole)
{
    return gx_rxl_new_opt(pat, len, whole, true);
}

gx_rxl *gx_rxl_new_opt(const char *pat, size_t len, bool whole, bool ucp)
{
    gx_rxl *P = gx_xcalloc(1, sizeof *P);
    parser ps;
    ps.p = pat;
    ps.e = pat + len;
    ps.bad = false;
    ps.ucp = ucp;
    ps.nd = ps.local;
    ps.nnd = 0;
    ps.capnd = (int)(sizeof ps.local / sizeof *ps.local);
    ps.P = P;
    ps.capsets = ps.caprng = 0;
    int root = parse_alt(&ps);
    if (!ps.bad && ps.p != ps.e) ps.bad = true;   /* an unmatched ) */
    gen g = {P, 0, false};
    if (!ps.bad) {
        if (whole) emit(&g, OP_BOL, 0, 0);
        gen_node(&g, &ps, root);
        if (whole) emit(&g, OP_EOS, 0, 0);
        emit(&g, OP_MATCH, 0, 0);
    }
    if (ps.nd != ps.local) free(ps.nd);
    if (ps.bad || g.bad) { gx_rxl_free(P); return NULL; }
    P->bol = P->code[0].op == OP_BOL;
    P->gstart = P->code[0].op == OP_GSTART;
    if (P->bol || P->gstart) {
        bool seen[MAX_CODE] = {false};
        if (!first_sets(P, 0, seen)) P->nfirst = 0;
    }
    gx_rxl_first_init(&P->ff);
    if (!P->nfirst) P->ff.all = true;
    for (int k = 0; k < P->nfirst; k++) {
        if (P->first[k].ch) { first_add(&P->ff, P->first[k].v, P->first[k].v); continue; }
        const cset *c = &P->sets[P->first[k].v];
        for (int w = 0; w < 4; w++) P->ff.ascii[w] |= c->ascii[w];
        if (c->neg || c->nspace || c->digit || c->ndigit || c->han) { P->ff.nonascii = true; continue; }
        for (int i = 0; i < c->n; i++) first_add(&P->ff, P->rng[c->first + i].lo, P->rng[c->first + i].hi);
        if (c->space)
            for (size_t i = 0; i < sizeof uspace / sizeof *uspace; i++) first_add(&P->ff, uspace[i][0], uspace[i][1]);
    }
    return P;
}

/* Collect the sets that can take the first character from pc on (seen:
 * instructions visited); false when a match could be empty there or the
 * program is not simple enough to tell. */
static bool first_sets(gx_rxl *P, int pc, bool *seen)
{
    for (;;) {
        if (pc < 0 || pc >= P->ncode) return false;
        if (seen[pc]) return true;
        seen[pc] = true;
        const ins *i = &P->code[pc];
        switch (i->op) {
        case OP_BOL: case OP_GSTART: case OP_SAVE: pc++; continue;
        case OP_JMP: pc = i->a; continue;
        case OP_SPLIT:
            if (!first_sets(P, i->a, seen)) return false;
            pc = i->b;
            continue;
        case OP_CHAR: case OP_SET: case OP_REPSET: {
            bool ch = i->op == OP_CHAR;
            int k = 0;
            while (k < P->nfirst && !(P->first[k].ch == ch && P->first[k].v == i->a)) k++;
            if (k == P->nfirst) {
                if (P->nfirst == MAX_FIRST) return false;
                P->first[k].ch = ch;
                P->first[k].v = i->a;
                P->nfirst++;
            }
            if (i->op == OP_REPSET && i->b == 0) { pc++; continue; }
            return true;
        }
        default:
            return false;
        }
    }
}

int gx_rxl_group(const gx_rxl *P, const char *name)
{
    for (int g = 1; g <= P->ngroups; g++)
        if (strcmp(P->names[g], name) == 0) return g;
    return -1;
}

/* ---- matching ---- */

typedef struct mctx {
    const gx_rxl        *P;
    const unsigned char *s;
    size_t               n;
    size_t              *caps;    /* 2 * (ngroups + 1) */
    int                  ncaps;
    size_t               start;   /* the start offset (\G) */
    unsigned             steps;
    int                  depth;
    bool                 abort;
    size_t               end;
} mctx;

/* The code point at s[i] of a valid UTF-8 subject, and its length. */
static inline int32_t dec(const unsigned char *s, size_t *l)
{
    unsigned c = s[0];
    if (c < 0x80) { *l = 1; return (int32_t)c; }
    if (c < 0xE0) { *l = 2; return (int32_t)((c & 0x1F) << 6 | (s[1] & 0x3F)); }
    if (c < 0xF0) { *l = 3; return (int32_t)((c & 0x0F) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3F)); }
    *l = 4;
    return (int32_t)((c & 0x07) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3F));
}

static inline bool set_has(const gx_rxl *P, const cset *c, int32_t cp)
{
    if (cp < 128) return c->ascii[cp >> 5] >> (cp & 31) & 1;
    return set_slow(P, c, cp);
}

static bool run(mctx *m, int pc, size_t sp);

static bool run_frame(mctx *m, int pc, size_t sp)
{
    if (++m->depth > DEPTH_MAX) { m->abort = true; m->depth--; return false; }
    bool r = run(m, pc, sp);
    m->depth--;
    return r;
}

static bool run(mctx *m, int pc, size_t sp)
{
    const gx_rxl *P = m->P;
    for (;;) {
        if (m->abort || ++m->steps > STEP_MAX) { m->abort = true; return false; }
        const ins *i = &P->code[pc];
        switch (i->op) {
        case OP_CHAR: {
            size_t l;
            if (sp >= m->n || dec(m->s + sp, &l) != i->a) return false;
            sp += l;
            pc++;
            continue;
        }
        case OP_SET: {
            size_t l;
            if (sp >= m->n || !set_has(P, &P->sets[i->a], dec(m->s + sp, &l))) return false;
            sp += l;
            pc++;
            continue;
        }
        case OP_BOL:
            if (sp != 0) return false;
            pc++;
            continue;
        case OP_GSTART:
            if (sp != m->start) return false;
            pc++;
            continue;
        case OP_EOS:
            if (sp != m->n) return false;
            pc++;
            continue;
        case OP_EOSNL:
            if (!(sp == m->n || (sp + 1 == m->n && m->s[sp] == '\n'))) return false;
            pc++;
            continue;
        case OP_JMP:
            pc = i->a;
            continue;
        case OP_SPLIT:
            if (run_frame(m, i->a, sp)) return true;
            if (m->abort) return false;
            pc = i->b;
            continue;
        case OP_SAVE: {
            size_t old = m->caps[i->a];
            m->caps[i->a] = sp;
            if (run_frame(m, pc + 1, sp)) return true;
            m->caps[i->a] = old;
            return false;
        }
        case OP_NLOOK:
        case OP_LOOK: {
            size_t saved[2 * (MAX_GROUPS + 1)];
            memcpy(saved, m->caps, (size_t)m->ncaps * sizeof *saved);
            bool hit = run_frame(m, pc + 1, sp);
            if (m->abort) return false;
            if (i->op == OP_NLOOK) {
                memcpy(m->caps, saved, (size_t)m->ncaps * sizeof *saved);
                if (hit) return false;
                pc = i->a;
                continue;
            }
            if (!hit) return false;
            /* a lookahead is atomic: its groups stay as it set them */
            if (run_frame(m, i->a, sp)) return true;
            memcpy(m->caps, saved, (size_t)m->ncaps * sizeof *saved);
            return false;
        }
        case OP_REPSET: {
            const cset *c = &P->sets[i->a];
            int min = i->b, max = i->c, k = 0;
            size_t e = sp, l;
            while ((max < 0 || k < max) && e < m->n && set_has(P, c, dec(m->s + e, &l))) { e += l; k++; }
            if (k < min) return false;
            /* longest first; the last try continues in this frame */
            while (k > min) {
                if (run_frame(m, pc + 1, e)) return true;
                if (m->abort) return false;
                do e--; while ((m->s[e] & 0xC0) == 0x80);
                k--;
            }
            sp = e;
            pc++;
            continue;
        }
        case OP_SUBEND:
            return true;
        case OP_MATCH:
            m->end = sp;
            return true;
        }
        return false;
    }
}

bool gx_rxl_may_match(const gx_rxl *P, const char *s, size_t n)
{
    return gx_rxl_first_may(&P->ff, s, n);
}

bool gx_rxl_anchored(const gx_rxl *P)
{
    return P->bol || P->gstart;
}

int gx_rxl_match(const gx_rxl *P, const char *s, size_t n, size_t *caps, int ncaps)
{
    return gx_rxl_match_at(P, s, n, 0, false, caps, ncaps);
}

int gx_rxl_match_at(const gx_rxl *P, const char *s, size_t n, size_t from, bool anchored,
                    size_t *caps, int ncaps)
{
    size_t local[2 * (MAX_GROUPS + 1)];
    mctx m;
    m.P = P;
    m.s = (const unsigned char *)s;
    m.n = n;
    m.caps = local;
    m.ncaps = 2 * (P->ngroups + 1);
    m.start = from;
    m.steps = 0;
    m.depth = 0;
    m.abort = false;
    if (from > n || (P->bol && from > 0)) return 0;
    if ((P->bol || P->gstart) && !gx_rxl_first_may(&P->ff, s + from, n - from)) return 0;
    bool once = anchored || P->bol || P->gstart;
    for (size_t start = from;;) {
        for (int i = 0; i < m.ncaps; i++) local[i] = GX_RX_UNSET;
        if (run(&m, 0, start)) {
            local[0] = start;
            local[1] = m.end;
            for (int i = 0; i < ncaps; i++) caps[i] = i < m.ncaps ? local[i] : GX_RX_UNSET;
            return 1;
        }
        if (m.abort) return -1;
        if (once || start >= n) return 0;
        size_t l;
        dec(m.s + start, &l);
        start += l;
    }
}

/* segment_rx.c - the small matcher of segment_rx.h.
 *
 * A pattern is parsed into a tree, then emitted as a program for a
 * backtracking machine (as in Thompson's and Pike's constructions, taken
 * in priority order): SPLIT tries its first branch and, if that fails, its
 * second, which is exactly the order in which pcre2's interpreter tries
 * the alternatives and greedy repetitions of these patterns. One character
 * repeated (\d{1,4}, .*, [、．.]?) is one instruction that takes as many as
 * it can and gives them back one at a time. */
#include "segment_rx.h"
#include "gx.h"

#include <stdint.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* ---- character properties (UCP) -------------------------------------- */

/* \s with UCP: \p{Z}, \h and \v. */
int gx_srx_is_space(long c)
{
    if (c < 0x80) return (c >= 9 && c <= 13) || c == ' ';
    return c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* \d with UCP: \p{Nd}. Known here: ASCII, the full-width digits, and wide
 * blocks with no decimal digits (Latin to Hebrew, general punctuation to
 * CJK and Yi, Hangul, CJK compatibility and the half/full-width forms). */
int gx_srx_is_digit(long c)
{
    if (c < 0x80) return c >= '0' && c <= '9';
    if (c >= 0xFF10 && c <= 0xFF19) return 1;
    if (c < 0x660 || (c >= 0x2000 && c <= 0xA61F) || (c >= 0xAC00 && c <= 0xD7FF) ||
        (c >= 0xF900 && c <= 0xFFFF))
        return 0;
    return -1;
}

/* \p{Han}: pcre2 reads it as the Script_Extensions of Han, which take in
 * much CJK punctuation (、。〈〉〔〕 …) and the half-width 。「」、・. Known
 * here: the unified ideographs (yes); below U+2E80, U+3000, the kana, the
 * full-width forms U+FF00-FF60 and the half-width ones after U+FF65 (no). */
int gx_srx_is_han(long c)
{
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) return 1;
    if (c < 0x2E80 || c == 0x3000 || (c >= 0x3040 && c <= 0x30FA) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFF66 && c <= 0xFFEF))
        return 0;
    return -1;
}

/* The other code points: pcre2 is asked, once per code point (a small
 * cache), with a one-character pattern compiled on first need. Exact
 * whatever the Unicode tables of the pcre2 at hand. */
static int ask_pcre2(int which, long c)
{
    enum { NC = 256 };
    static pcre2_code *re[2];
    static pcre2_match_data *md;
    static long key[2][NC];
    static signed char val[2][NC];
    size_t slot = (size_t)c % NC;
    if (key[which][slot] == c + 1) return val[which][slot];
    if (!re[which]) {
        int err;
        PCRE2_SIZE off;
        re[which] = pcre2_compile((PCRE2_SPTR)(which ? "^\\p{Han}$" : "^\\d$"), PCRE2_ZERO_TERMINATED,
                                  PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
        if (!re[which]) gx_die(GX_EXIT_ERROR, "segment_rx: cannot compile a property test");
    }
    if (!md) md = pcre2_match_data_create(2, NULL);
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
    int v = pcre2_match(re[which], (PCRE2_SPTR)b, k, 0, 0, md, NULL) > 0;
    key[which][slot] = c + 1;
    val[which][slot] = (signed char)v;
    return v;
}

int gx_srx_digit(long c)
{
    int v = gx_srx_is_digit(c);
    return v >= 0 ? v : ask_pcre2(0, c);
}

int gx_srx_han(long c)
{
    int v = gx_srx_is_han(c);
    return v >= 0 ? v : ask_pcre2(1, c);
}

/* ---- the program ------------------------------------------------------ */

enum { CL_DIGIT = 1, CL_NDIGIT = 2, CL_SPACE = 4, CL_NSPACE = 8, CL_HAN = 16 };

typedef struct cls {
    int r0, n;               /* ranges lo[r0 .. r0 + n), hi[...] */
    unsigned props;          /* CL_* */
    bool neg;
    uint64_t ascii[2];       /* the answers for U+0000-007F, worked out at
                                compile time (all known) */
} cls;

enum { O_CHAR, O_ANY, O_CLASS, O_REP, O_SPLIT, O_JMP, O_SAVE, O_BOL, O_EOL, O_LOOK, O_LEND, O_MATCH };

typedef struct inst {
    unsigned char op;
    unsigned char item;      /* O_REP: O_CHAR, O_ANY or O_CLASS */
    bool neg;                /* O_LOOK: (?!...) */
    bool poss;               /* O_REP: giving characters back cannot help
                                (what follows cannot begin with one of them):
                                only the longest run is tried, as pcre2's
                                auto-possessification does */
    int32_t cp;              /* O_CHAR (and O_REP of O_CHAR) */
    int cl;                  /* O_CLASS: index into classes */
    int x, y;                /* O_SPLIT: first, second; O_JMP, O_SAVE: x; O_LOOK: y = after */
    int min, max;            /* O_REP; max -1 = no limit */
} inst;

/* A compiled pattern is one allocation: this header, then its arrays. */
struct gx_srx {
    inst *prog;
    int n;
    cls *cl;
    int ncl;
    int32_t *lo, *hi;        /* the ranges of the classes */
    int ngroups;             /* capturing groups */
    const char **name;       /* name[g] (into the pattern) for group g, or NULL */
    int *name_len;
    size_t *caps;            /* 2 * (ngroups + 1) */
    bool bol;                /* the program starts with ^: one start position */
    int first;               /* -1, or the instruction that every match
                                takes its first character with (the search
                                skips positions where it cannot) */
};

/* Compiling works in static buffers (no allocation per node): a pattern
 * too large for them is refused, and pcre2 takes it. */
enum { MAX_INST = 2048, MAX_CLS = 128, MAX_RANGES = 1024, MAX_GROUPS = 32 };
static struct {
    inst prog[MAX_INST];
    cls cl[MAX_CLS];
    int32_t lo[MAX_RANGES], hi[MAX_RANGES];
    const char *name[MAX_GROUPS + 1];
    int name_len[MAX_GROUPS + 1];
    int n, ncl, nr, ngroups;
    _Alignas(16) unsigned char arena[32768];   /* the parse tree (palloc hands out 16-byte multiples) */
    size_t used;
} W;

/* ---- parsing into a tree ------------------------------------------------ */

enum { A_CHAR, A_ANY, A_CLASS, A_GROUP, A_LOOK, A_BOL, A_EOL };

typedef struct node node;
typedef struct alt { node **seq; int n; } alt;          /* one alternative */
typedef struct alts { alt *a; int n; } alts;            /* a|b|c */
struct node {
    int type;
    int32_t cp;
    int cl;
    int group;               /* A_GROUP: capture number, 0 none */
    bool neg;
    alts body;               /* A_GROUP, A_LOOK */
    int min, max;
    bool can_empty;          /* the atom (once) may match nothing */
};

typedef struct parser {
    const char *p;
    size_t i;
    bool bad;
    int depth;
    bool in_look;
} parser;

/* n zeroed bytes of the arena; when it is full the pattern is refused
 * (and a scratch block keeps the parser going until it notices). */
static void *palloc(parser *ps, size_t n)
{
    static _Alignas(16) unsigned char spill[4096];
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof spill || W.used + n > sizeof W.arena) {
        ps->bad = true;
        memset(spill, 0, sizeof spill);
        return spill;
    }
    void *v = W.arena + W.used;
    W.used += n;
    memset(v, 0, n);
    return v;
}

/* An array of old_n elements of size sz grown to old_n + 1 (copied). */
static void *pgrow(parser *ps, void *old, int old_n, size_t sz)
{
    void *v = palloc(ps, (size_t)(old_n + 1) * sz);
    if (old_n && !ps->bad) memcpy(v, old, (size_t)old_n * sz);
    return v;
}

/* The UTF-8 character at p: its code point, *k its length; -1 if invalid. */
static int32_t utf8_at(const char *p, int *k)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] < 0x80) { *k = 1; return u[0]; }
    int len = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC2 ? 2 : 0;
    if (!len || u[0] > 0xF4) return -1;
    int32_t cp = u[0] & (0x3F >> (len - 1));
    for (int j = 1; j < len; j++) {
        if ((u[j] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (u[j] & 0x3F);
    }
    *k = len;
    return cp;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* An escape at p[i] == '\\' standing for one character: its code point
 * (advancing *i), -1 for a class escape (props set), -2 if refused. */
static int32_t parse_escape(parser *ps, unsigned *props)
{
    const char *p = ps->p;
    char e = p[ps->i + 1];
    *props = 0;
    if (e == 'd') { *props = CL_DIGIT; ps->i += 2; return -1; }
    if (e == 'D') { *props = CL_NDIGIT; ps->i += 2; return -1; }
    if (e == 's') { *props = CL_SPACE; ps->i += 2; return -1; }
    if (e == 'S') { *props = CL_NSPACE; ps->i += 2; return -1; }
    if (strncmp(p + ps->i, "\\p{Han}", 7) == 0) { *props = CL_HAN; ps->i += 7; return -1; }
    if (e == 't') { ps->i += 2; return '\t'; }
    if (e && (unsigned char)e < 0x80 && !is_alnum(e) && e != ' ') { ps->i += 2; return (unsigned char)e; }
    return -2;
}

static int add_class(parser *ps, cls *c)
{
    if (W.ncl == MAX_CLS) { ps->bad = true; return -1; }
    W.cl[W.ncl] = *c;
    return W.ncl++;
}

/* The ranges of a class being parsed are the last ones of W (classes do
 * not nest). */
static bool class_add(cls *c, int32_t lo, int32_t hi)
{
    if (W.nr == MAX_RANGES) return false;
    W.lo[W.nr] = lo;
    W.hi[W.nr] = hi;
    W.nr++;
    c->n++;
    return true;
}

/* [...] at p[i]; the class index, -1 if refused. */
static int parse_class(parser *ps)
{
    const char *p = ps->p;
    cls c;
    memset(&c, 0, sizeof c);
    c.r0 = W.nr;
    ps->i++;
    if (p[ps->i] == '^') { c.neg = true; ps->i++; }
    bool first = true;
    while (p[ps->i] && (p[ps->i] != ']' || first)) {
        first = false;
        int32_t lo;
        if (p[ps->i] == '\\') {
            unsigned props;
            lo = parse_escape(ps, &props);
            if (lo == -2) goto bad;
            if (lo == -1) {
                if (props == CL_HAN && c.neg) goto bad;   /* kept simple */
                c.props |= props;
                if (p[ps->i] == '-' && p[ps->i + 1] != ']') goto bad;
                continue;
            }
        } else if (p[ps->i] == '[') {
            goto bad;                                     /* [:alpha:] */
        } else {
            int k;
            lo = utf8_at(p + ps->i, &k);
            if (lo < 0) goto bad;
            ps->i += (size_t)k;
        }
        int32_t hi = lo;
        if (p[ps->i] == '-' && p[ps->i + 1] && p[ps->i + 1] != ']') {
            if (p[ps->i + 1] == '\\' || p[ps->i + 1] == '[') goto bad;
            int k;
            hi = utf8_at(p + ps->i + 1, &k);
            if (hi < lo) goto bad;
            ps->i += 1 + (size_t)k;
        }
        if (!class_add(&c, lo, hi)) goto bad;
    }
    if (p[ps->i] != ']') goto bad;
    ps->i++;
    return add_class(ps, &c);
bad:
    return -1;
}

static bool parse_alts(parser *ps, alts *out);

static bool alts_can_empty(const alts *a);

static bool seq_can_empty(const alt *s)
{
    for (int j = 0; j < s->n; j++)
        if (!s->seq[j]->can_empty && s->seq[j]->min > 0) return false;
    return true;
}

static bool alts_can_empty(const alts *a)
{
    for (int k = 0; k < a->n; k++) if (seq_can_empty(&a->a[k])) return true;
    return false;
}

/* One atom and its quantifier; NULL at the end of a sequence or if refused. */
static node *parse_atom(parser *ps)
{
    const char *p = ps->p;
    char c = p[ps->i];
    node *nd = palloc(ps, sizeof *nd);
    nd->min = nd->max = 1;
    if (c == '(') {
        if (++ps->depth > 32) { ps->bad = true; return NULL; }
        ps->i++;
        nd->type = A_GROUP;
        bool look = false;
        if (p[ps->i] == '?') {
            char e = p[ps->i + 1];
            if (e == ':') ps->i += 2;
            else if (e == '=' || e == '!') { look = true; nd->neg = e == '!'; ps->i += 2; }
            else if (e == '<' && (p[ps->i + 2] == '_' || (is_alnum(p[ps->i + 2]) &&
                                                         !(p[ps->i + 2] >= '0' && p[ps->i + 2] <= '9')))) {
                size_t a = ps->i + 2, b = a;
                while (p[b] == '_' || is_alnum(p[b])) b++;
                if (p[b] != '>' || ps->in_look || W.ngroups == MAX_GROUPS) { ps->bad = true; return NULL; }
                nd->group = ++W.ngroups;
                W.name[nd->group] = p + a;
                W.name_len[nd->group] = (int)(b - a);
                ps->i = b + 1;
            } else { ps->bad = true; return NULL; }
        } else if (p[ps->i] == '*') {
            ps->bad = true;
            return NULL;
        } else {
            if (ps->in_look || W.ngroups == MAX_GROUPS) { ps->bad = true; return NULL; }
            nd->group = ++W.ngroups;
            W.name[nd->group] = NULL;
        }
        bool was = ps->in_look;
        if (look) { nd->type = A_LOOK; ps->in_look = true; }
        if (!parse_alts(ps, &nd->body)) return NULL;
        ps->in_look = was;
        if (p[ps->i] != ')') { ps->bad = true; return NULL; }
        ps->i++;
        ps->depth--;
        nd->can_empty = look || alts_can_empty(&nd->body);
    } else if (c == '[') {
        nd->type = A_CLASS;
        nd->cl = parse_class(ps);
        if (nd->cl < 0) { ps->bad = true; return NULL; }
    } else if (c == '\\') {
        unsigned props;
        int32_t cp = parse_escape(ps, &props);
        if (cp == -2) { ps->bad = true; return NULL; }
        if (cp == -1) {
            cls k;
            memset(&k, 0, sizeof k);
            k.props = props;
            nd->type = A_CLASS;
            nd->cl = add_class(ps, &k);
        } else {
            nd->type = A_CHAR;
            nd->cp = cp;
        }
    } else if (c == '.') {
        nd->type = A_ANY;
        ps->i++;
    } else if (c == '^' || c == '$') {
        nd->type = c == '^' ? A_BOL : A_EOL;
        nd->can_empty = true;
        ps->i++;
    } else if (c == '?' || c == '*' || c == '+' || c == '{' || c == '}' || c == ']') {
        ps->bad = true;
        return NULL;
    } else {
        int k;
        nd->type = A_CHAR;
        nd->cp = utf8_at(p + ps->i, &k);
        if (nd->cp < 0) { ps->bad = true; return NULL; }
        ps->i += (size_t)k;
    }
    /* the quantifier */
    c = p[ps->i];
    if (c == '?' || c == '*' || c == '+' || c == '{') {
        if (nd->type == A_BOL || nd->type == A_EOL || nd->type == A_LOOK) { ps->bad = true; return NULL; }
        if (c == '?') { nd->min = 0; nd->max = 1; ps->i++; }
        else if (c == '*') { nd->min = 0; nd->max = -1; ps->i++; }
        else if (c == '+') { nd->min = 1; nd->max = -1; ps->i++; }
        else {
            size_t j = ps->i + 1;
            long a = 0, b;
            if (!(p[j] >= '0' && p[j] <= '9')) { ps->bad = true; return NULL; }
            while (p[j] >= '0' && p[j] <= '9') { a = a * 10 + (p[j] - '0'); if (a > 100) break; j++; }
            if (p[j] == '}') b = a;
            else if (p[j] == ',' && p[j + 1] == '}') { b = -1; j++; }
            else if (p[j] == ',' && p[j + 1] >= '0' && p[j + 1] <= '9') {
                j++;
                b = 0;
                while (p[j] >= '0' && p[j] <= '9') { b = b * 10 + (p[j] - '0'); if (b > 100) break; j++; }
                if (p[j] != '}' || b < a) { ps->bad = true; return NULL; }
            } else { ps->bad = true; return NULL; }
            if (p[j] != '}') { ps->bad = true; return NULL; }
            nd->min = (int)a;
            nd->max = (int)b;
            ps->i = j + 1;
        }
        if (p[ps->i] == '?' || p[ps->i] == '+') { ps->bad = true; return NULL; }   /* lazy, possessive */
        /* a repeated group that can match nothing: pcre2's rules for
           empty iterations are not copied here */
        if (nd->type == A_GROUP && nd->can_empty && (nd->max < 0 || nd->max > 1)) { ps->bad = true; return NULL; }
    }
    return nd;
}

static bool parse_alts(parser *ps, alts *out)
{
    memset(out, 0, sizeof *out);
    for (;;) {
        out->a = pgrow(ps, out->a, out->n, sizeof *out->a);
        alt *s = &out->a[out->n++];
        memset(s, 0, sizeof *s);
        while (ps->p[ps->i] && ps->p[ps->i] != '|' && ps->p[ps->i] != ')') {
            node *nd = parse_atom(ps);
            if (!nd || ps->bad) return false;
            s->seq = pgrow(ps, s->seq, s->n, sizeof *s->seq);
            s->seq[s->n++] = nd;
        }
        if (ps->p[ps->i] != '|') return true;
        ps->i++;
    }
}

/* ---- emitting the program ------------------------------------------------ */

typedef struct emitter { bool bad; } emitter;

/* Programs are emitted into W.prog; P(k) is instruction k. */
#define P(k) W.prog[k]

static int emit(emitter *em, int op)
{
    if (W.n >= MAX_INST) { em->bad = true; return MAX_INST - 1; }
    memset(&W.prog[W.n], 0, sizeof W.prog[W.n]);
    W.prog[W.n].op = (unsigned char)op;
    return W.n++;
}

static void emit_alts(emitter *em, const alts *a);

/* The atom once. */
static void emit_once(emitter *em, const node *nd)
{
    int k;
    switch (nd->type) {
    case A_CHAR: k = emit(em, O_CHAR); P(k).cp = nd->cp; break;
    case A_ANY: emit(em, O_ANY); break;
    case A_CLASS: k = emit(em, O_CLASS); P(k).cl = nd->cl; break;
    case A_BOL: emit(em, O_BOL); break;
    case A_EOL: emit(em, O_EOL); break;
    case A_LOOK:
        k = emit(em, O_LOOK);
        P(k).neg = nd->neg;
        emit_alts(em, &nd->body);
        emit(em, O_LEND);
        P(k).y = W.n;
        break;
    case A_GROUP:
        if (nd->group) { k = emit(em, O_SAVE); P(k).x = 2 * nd->group; }
        emit_alts(em, &nd->body);
        if (nd->group) { k = emit(em, O_SAVE); P(k).x = 2 * nd->group + 1; }
        break;
    }
}

static void emit_node(emitter *em, const node *nd)
{
    if (nd->min == 1 && nd->max == 1) { emit_once(em, nd); return; }
    if (nd->type == A_CHAR || nd->type == A_ANY || nd->type == A_CLASS) {
        int k = emit(em, O_REP);
        inst *I = &P(k);
        I->item = nd->type == A_CHAR ? O_CHAR : nd->type == A_ANY ? O_ANY : O_CLASS;
        I->cp = nd->cp;
        I->cl = nd->cl;
        I->min = nd->min;
        I->max = nd->max;
        return;
    }
    for (int j = 0; j < nd->min; j++) emit_once(em, nd);
    if (nd->max < 0) {
        /* L: SPLIT body, out; body; JMP L */
        int l = emit(em, O_SPLIT);
        P(l).x = l + 1;
        emit_once(em, nd);
        int j = emit(em, O_JMP);
        P(j).x = l;
        P(l).y = W.n;
        return;
    }
    /* max - min optional copies, each inside the one before */
    int splits[128], ns = 0;
    for (int j = nd->min; j < nd->max && ns < 128; j++) {
        int l = emit(em, O_SPLIT);
        P(l).x = l + 1;
        splits[ns++] = l;
        emit_once(em, nd);
    }
    if (nd->max - nd->min > 128) em->bad = true;
    for (int j = 0; j < ns; j++) P(splits[j]).y = W.n;
}

static void emit_alts(emitter *em, const alts *a)
{
    int jumps[64], nj = 0;
    if (a->n > 64) { em->bad = true; return; }
    for (int k = 0; k < a->n; k++) {
        int sp = -1;
        if (k + 1 < a->n) { sp = emit(em, O_SPLIT); P(sp).x = sp + 1; }
        for (int j = 0; j < a->a[k].n; j++) emit_node(em, a->a[k].seq[j]);
        if (k + 1 < a->n) {
            jumps[nj++] = emit(em, O_JMP);
            P(sp).y = W.n;
        }
    }
    for (int j = 0; j < nj; j++) P(jumps[j]).x = W.n;
}

/* ---- auto-possessification --------------------------------------------- */

/* The set of one-character item k of W: a class, or a character as a
 * one-range class (ANY: NULL). */
static const cls *item_cls(const inst *I, cls *one, int32_t *lo, int32_t *hi)
{
    int it = I->op == O_REP ? I->item : I->op;
    if (it == O_ANY) return NULL;
    if (it == O_CLASS) return &W.cl[I->cl];
    memset(one, 0, sizeof *one);
    one->n = 1;
    one->r0 = -1;            /* the range is in *lo, *hi */
    *lo = *hi = I->cp;
    return one;
}

static int32_t rlo(const cls *c, int j, int32_t lo1) { return c->r0 < 0 ? lo1 : W.lo[c->r0 + j]; }
static int32_t rhi(const cls *c, int j, int32_t hi1) { return c->r0 < 0 ? hi1 : W.hi[c->r0 + j]; }

/* Is no character of range [lo, hi] in property set props? Only small
 * ranges are looked at. */
static bool range_out_of(int32_t lo, int32_t hi, unsigned props)
{
    if (!props) return true;
    if (hi - lo > 64) return false;
    for (int32_t c = lo; c <= hi; c++) {
        if ((props & CL_DIGIT) && gx_srx_is_digit(c) != 0) return false;
        if ((props & CL_NDIGIT) && gx_srx_is_digit(c) != 1) return false;
        if ((props & CL_SPACE) && gx_srx_is_space(c) != 0) return false;
        if ((props & CL_NSPACE) && gx_srx_is_space(c) != 1) return false;
        if ((props & CL_HAN) && gx_srx_is_han(c) != 0) return false;
    }
    return true;
}

/* Can no character be in both a and b (positive classes)? Conservative. */
static bool disjoint(const cls *a, int32_t alo, int32_t ahi, const cls *b, int32_t blo, int32_t bhi)
{
    if (!a || !b || a->neg || b->neg) return false;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (rlo(a, i, alo) <= rhi(b, j, bhi) && rlo(b, j, blo) <= rhi(a, i, ahi)) return false;
    for (int i = 0; i < a->n; i++) if (!range_out_of(rlo(a, i, alo), rhi(a, i, ahi), b->props)) return false;
    for (int j = 0; j < b->n; j++) if (!range_out_of(rlo(b, j, blo), rhi(b, j, bhi), a->props)) return false;
    /* the properties among themselves: \d, \s and \p{Han} have no
       character in common; \D and \S hold almost everything */
    unsigned pa = a->props, pb = b->props;
    if ((pa & (CL_NDIGIT | CL_NSPACE)) && pb) return false;
    if ((pb & (CL_NDIGIT | CL_NSPACE)) && pa) return false;
    if (pa & pb) return false;
    return true;
}

/* After REP k gave a character back, the rest of the program would start
 * on that character (one of the REP's set): can it never match there?
 * True when what follows (past group marks and optional repeats of other
 * characters) must next take a character outside the set, or is the end
 * of the subject and of the pattern. */
static bool follow_disjoint(int k)
{
    cls one_a, one_b;
    int32_t alo = 0, ahi = 0, blo = 0, bhi = 0;
    const cls *a = item_cls(&W.prog[k], &one_a, &alo, &ahi);
    if (!a) return false;
    for (int pc = k + 1; pc < W.n; pc++) {
        const inst *I = &W.prog[pc];
        switch (I->op) {
        case O_SAVE: continue;
        case O_CHAR: case O_CLASS: case O_REP: {
            const cls *b = item_cls(I, &one_b, &blo, &bhi);
            if (!disjoint(a, alo, ahi, b, blo, bhi)) return false;
            if (I->op != O_REP || I->min > 0) return true;
            continue;
        }
        case O_EOL:
            for (pc++; pc < W.n && W.prog[pc].op == O_SAVE; pc++) {}
            return pc < W.n && W.prog[pc].op == O_MATCH;
        default:
            return false;
        }
    }
    return false;
}

void gx_srx_free(gx_srx *r)
{
    free(r);
}

/* Round n up for the next array of the block. */
static size_t al(size_t n) { return (n + 15) & ~(size_t)15; }

gx_srx *gx_srx_compile(const char *p)
{
    W.n = W.ncl = W.nr = W.ngroups = 0;
    W.used = 0;
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = p;
    alts top;
    bool ok = parse_alts(&ps, &top) && !ps.bad && p[ps.i] == 0;
    if (ok) {
        emitter em = { false };
        emit_alts(&em, &top);
        emit(&em, O_MATCH);
        ok = !em.bad;
    }
    if (!ok) return NULL;
    for (int k = 0; k < W.n; k++)
        if (W.prog[k].op == O_REP) W.prog[k].poss = follow_disjoint(k);
    /* one block: header, program, classes, ranges, names, groups */
    size_t ng = (size_t)W.ngroups + 1;
    size_t o_prog = al(sizeof(gx_srx)), o_cl = o_prog + al((size_t)W.n * sizeof(inst)),
           o_lo = o_cl + al((size_t)W.ncl * sizeof(cls)), o_hi = o_lo + al((size_t)W.nr * sizeof(int32_t)),
           o_nm = o_hi + al((size_t)W.nr * sizeof(int32_t)), o_nl = o_nm + al(ng * sizeof(char *)),
           o_caps = o_nl + al(ng * sizeof(int)), total = o_caps + 2 * ng * sizeof(size_t);
    char *b = gx_xmalloc(total);
    gx_srx *r = (gx_srx *)b;
    r->prog = (inst *)(b + o_prog);
    r->cl = (cls *)(b + o_cl);
    r->lo = (int32_t *)(b + o_lo);
    r->hi = (int32_t *)(b + o_hi);
    r->name = (const char **)(b + o_nm);
    r->name_len = (int *)(b + o_nl);
    r->caps = (size_t *)(b + o_caps);
    r->n = W.n;
    r->ncl = W.ncl;
    r->ngroups = W.ngroups;
    memcpy(r->prog, W.prog, (size_t)W.n * sizeof(inst));
    memcpy(r->cl, W.cl, (size_t)W.ncl * sizeof(cls));
    memcpy(r->lo, W.lo, (size_t)W.nr * sizeof(int32_t));
    memcpy(r->hi, W.hi, (size_t)W.nr * sizeof(int32_t));
    r->name[0] = NULL;
    r->name_len[0] = 0;
    for (size_t g = 1; g < ng; g++) { r->name[g] = W.name[g]; r->name_len[g] = W.name_len[g]; }
    for (size_t k = 0; k < 2 * ng; k++) r->caps[k] = SIZE_MAX;
    for (int k = 0; k < r->ncl; k++) {
        /* ASCII: \d is 0-9, \s is TAB-CR and space, \p{Han} nothing */
        cls *c = &r->cl[k];
        uint64_t a[2] = { 0, 0 };
        const uint64_t dig[2] = { 0x03FF000000000000ULL, 0 }, spc[2] = { 0x100003E00ULL, 0 };
        for (int j = 0; j < c->n; j++)
            for (int32_t x = r->lo[c->r0 + j]; x <= r->hi[c->r0 + j] && x < 0x80; x++)
                a[x >> 6] |= 1ULL << (x & 63);
        for (int h = 0; h < 2; h++) {
            if (c->props & CL_DIGIT) a[h] |= dig[h];
            if (c->props & CL_NDIGIT) a[h] |= ~dig[h];
            if (c->props & CL_SPACE) a[h] |= spc[h];
            if (c->props & CL_NSPACE) a[h] |= ~spc[h];
            c->ascii[h] = c->neg ? ~a[h] : a[h];
        }
    }
    r->bol = r->prog[0].op == O_BOL;
    /* past group marks: one character, a class, or a repeat of them that
       takes one at least */
    r->first = -1;
    for (int k = 0; k < r->n; k++) {
        const inst *I = &r->prog[k];
        if (I->op == O_SAVE) continue;
        if ((I->op == O_CHAR || I->op == O_CLASS || (I->op == O_REP && I->min > 0 && I->item != O_ANY)))
            r->first = k;
        break;
    }
    return r;
}

/* ---- matching -------------------------------------------------------------- */

/* Beyond these the matcher gives up (-1) and pcre2 decides, with its own
 * limits, as it did before. */
enum { MAX_STEPS = 200000, MAX_DEPTH = 2000 };

/* The bytes that begin a line end under . (see item_has) or may: the
 * first bytes of U+000A-000D, U+0085 (C2 85) and U+2028/9 (E2 80 A8/A9). */
static const unsigned char NL_BYTE[256] = {
    [0x0A] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1, [0xC2] = 1, [0xE2] = 1,
};

typedef struct mstate {
    const gx_srx *r;
    const unsigned char *s;
    size_t n;
    bool nonl;               /* GX_SRX_NONL */
    size_t ncaps;            /* entries of caps */
    size_t *caps;
    long steps;
    int depth;
} mstate;

/* The character at s[i] (valid UTF-8): its code point, *k its length. */
static inline int32_t dec(const unsigned char *s, size_t i, int *k)
{
    unsigned c = s[i];
    if (c < 0x80) { *k = 1; return (int32_t)c; }
    if (c < 0xE0) { *k = 2; return (int32_t)((c & 0x1F) << 6 | (s[i + 1] & 0x3F)); }
    if (c < 0xF0) { *k = 3; return (int32_t)((c & 0x0F) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3F)); }
    *k = 4;
    return (int32_t)((c & 0x07) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 | (s[i + 3] & 0x3F));
}

static int class_has_slow(const gx_srx *r, const cls *c, int32_t cp);

static inline int class_has(const gx_srx *r, const cls *c, int32_t cp)
{
    if (cp < 0x80) return (int)(c->ascii[cp >> 6] >> (cp & 63) & 1);
    return class_has_slow(r, c, cp);
}

static int class_has_slow(const gx_srx *r, const cls *c, int32_t cp)
{
    int v = 0;
    const int32_t *lo = r->lo + c->r0, *hi = r->hi + c->r0;
    for (int j = 0; j < c->n; j++) if (cp >= lo[j] && cp <= hi[j]) { v = 1; break; }
    if (!v && c->props) {
        if (c->props & (CL_DIGIT | CL_NDIGIT)) {
            int d = gx_srx_digit(cp);
            if (((c->props & CL_DIGIT) && d) || ((c->props & CL_NDIGIT) && !d)) v = 1;
        }
        if (!v && (c->props & (CL_SPACE | CL_NSPACE))) {
            int sp = gx_srx_is_space(cp);
            if (((c->props & CL_SPACE) && sp) || ((c->props & CL_NSPACE) && !sp)) v = 1;
        }
        if (!v && (c->props & CL_HAN)) v = gx_srx_han(cp);
    }
    return c->neg ? !v : v;
}

/* Does one character match a single-character item? 1, 0, -1 not known. */
static inline int item_has(const gx_srx *r, int item, int32_t want, int cl, int32_t cp)
{
    if (item == O_CHAR) return cp == want;
    if (item == O_ANY) {
        /* . stops at a newline; which characters those are is pcre2's
           build-time choice: ask it */
        if ((cp >= 0x0A && cp <= 0x0D) || cp == 0x85 || cp == 0x2028 || cp == 0x2029) return -1;
        return 1;
    }
    return class_has(r, &r->cl[cl], cp);
}

static int run(mstate *m, int pc, size_t pos)
{
    const gx_srx *r = m->r;
    const unsigned char *s = m->s;
    size_t n = m->n;
    if (++m->depth > MAX_DEPTH) return -1;
    int res;
    for (;;) {
        if (++m->steps > MAX_STEPS) { res = -1; break; }
        const inst *I = &r->prog[pc];
        int k, v;
        int32_t cp;
        switch (I->op) {
        case O_CHAR:
        case O_ANY:
        case O_CLASS:
            if (pos >= n) { res = 0; goto out; }
            cp = dec(s, pos, &k);
            v = item_has(r, I->op, I->cp, I->cl, cp);
            if (v <= 0) { res = v; goto out; }
            pos += (size_t)k;
            pc++;
            continue;
        case O_REP: {
            /* the characters it must take, then as many more as it can,
               given back one at a time down to pmin */
            size_t p = pos;
            long cnt = 0;
            for (; cnt < I->min; cnt++) {
                if (p >= n) { res = 0; goto out; }
                cp = dec(s, p, &k);
                v = item_has(r, I->item, I->cp, I->cl, cp);
                if (v <= 0) { res = v; goto out; }
                p += (size_t)k;
            }
            size_t pmin = p;
            if (I->item == O_ANY && I->max < 0) {
                /* .* takes the rest of a subject without line ends */
                if (!m->nonl)
                    for (size_t j = p; j < n; j++)
                        if (NL_BYTE[s[j]]) {
                            cp = dec(s, j, &k);   /* (these bytes never continue a character) */
                            if (item_has(r, O_ANY, 0, 0, cp) < 0) { res = -1; goto out; }
                        }
                p = n;
            } else {
                while ((I->max < 0 || cnt < I->max) && p < n) {
                    cp = dec(s, p, &k);
                    v = item_has(r, I->item, I->cp, I->cl, cp);
                    if (v < 0) { res = -1; goto out; }
                    if (!v) break;
                    p += (size_t)k;
                    cnt++;
                }
            }
            if (I->poss || p == pmin) {      /* nothing to give back: go on here */
                pos = p;
                pc++;
                continue;
            }
            /* a choice point: the groups as they are, for each retry */
            size_t snap[2 * MAX_GROUPS + 2];
            memcpy(snap, m->caps, m->ncaps * sizeof *snap);
            for (;;) {
                v = run(m, pc + 1, p);
                if (v != 0) { res = v; goto out; }
                memcpy(m->caps, snap, m->ncaps * sizeof *snap);
                if (p == pmin) { res = 0; goto out; }
                do p--; while ((s[p] & 0xC0) == 0x80);
            }
        }
        case O_SPLIT: {
            size_t snap[2 * MAX_GROUPS + 2];
            memcpy(snap, m->caps, m->ncaps * sizeof *snap);
            v = run(m, I->x, pos);
            if (v != 0) { res = v; goto out; }
            memcpy(m->caps, snap, m->ncaps * sizeof *snap);
            pc = I->y;
            continue;
        }
        case O_JMP:
            pc = I->x;
            continue;
        case O_SAVE:
            /* the choice points keep what a failed branch must undo */
            m->caps[I->x] = pos;
            pc++;
            continue;
        case O_BOL:
            if (pos != 0) { res = 0; goto out; }
            pc++;
            continue;
        case O_EOL:
            if (pos == n) { pc++; continue; }
            res = pos + 1 == n && s[pos] == '\n' ? -1 : 0;   /* $ before a final newline */
            goto out;
        case O_LOOK:
            v = run(m, pc + 1, pos);
            if (v < 0) { res = -1; goto out; }
            if ((v == 1) == I->neg) { res = 0; goto out; }
            pc = I->y;
            continue;
        case O_LEND:                /* the end of a look-ahead */
            res = 1;
            goto out;
        case O_MATCH:
        default:
            m->caps[1] = pos;
            res = 1;
            goto out;
        }
    }
out:
    m->depth--;
    return res;
}

int gx_srx_match(gx_srx *r, const char *s, size_t n, unsigned flags)
{
    int nc = 2 * r->ngroups + 2;
    mstate m = { r, (const unsigned char *)s, n, (flags & GX_SRX_NONL) != 0, (size_t)nc, r->caps, 0, 0 };
    const inst *F = r->first >= 0 && !r->bol ? &r->prog[r->first] : NULL;
    int f_item = F ? (F->op == O_REP ? F->item : F->op) : 0;
    /* a first character in ASCII: memchr finds the candidates */
    int f_byte = F && f_item == O_CHAR && F->cp < 0x80 ? (int)F->cp : -1;
    for (size_t pos = 0; pos <= n;) {
        if (F) {
            /* positions whose character the first item surely refuses
               would fail at once: skip them */
            if (f_byte >= 0) {
                const unsigned char *q = pos < n ? memchr(m.s + pos, f_byte, n - pos) : NULL;
                if (!q) break;
                pos = (size_t)(q - m.s);
            } else {
                while (pos < n) {
                    int k;
                    int32_t cp = dec(m.s, pos, &k);
                    if (item_has(r, f_item, F->cp, F->cl, cp) != 0) break;
                    pos += (size_t)k;
                }
                if (pos >= n) break;
            }
        }
        for (int k = 0; k < nc; k++) r->caps[k] = SIZE_MAX;
        int v = run(&m, 0, pos);
        if (v != 0) {
            if (v > 0) r->caps[0] = pos;
            return v;
        }
        if (r->bol || pos == n) break;
        do pos++; while (pos < n && (m.s[pos] & 0xC0) == 0x80);
    }
    for (int k = 0; k < nc; k++) r->caps[k] = SIZE_MAX;
    return 0;
}

void gx_srx_group(const gx_srx *r, int g, size_t *a, size_t *b)
{
    if (g < 0 || g > r->ngroups || r->caps[2 * g] == SIZE_MAX || r->caps[2 * g + 1] == SIZE_MAX) {
        *a = *b = SIZE_MAX;
        return;
    }
    *a = r->caps[2 * g];
    *b = r->caps[2 * g + 1];
}

int gx_srx_group_number(const gx_srx *r, const char *name)
{
    size_t k = strlen(name);
    for (int g = 1; g <= r->ngroups; g++)
        if (r->name[g] && (size_t)r->name_len[g] == k && memcmp(r->name[g], name, k) == 0) return g;
    return -1;
}

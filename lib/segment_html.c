/* segment_html.c - an HTML page as lines of text, tables as TAB-separated
 * rows with colspan/rowspan expanded (so that no cell shifts). Not a full
 * HTML parser: enough for report pages from CMSs, Word and converters. */
#include "segment.h"
#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SPAN 1000
#define MAX_COLS 4096

static const struct { const char *name; const char *utf8; } entities[] = {
    {"nbsp", "\xC2\xA0"}, {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""},
    {"apos", "'"}, {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"},
    {"lsquo", "\xE2\x80\x98"}, {"rsquo", "\xE2\x80\x99"}, {"mdash", "\xE2\x80\x94"},
    {"ndash", "\xE2\x80\x93"}, {"hellip", "\xE2\x80\xA6"}, {"middot", "\xC2\xB7"},
    {"ensp", "\xE2\x80\x82"}, {"emsp", "\xE2\x80\x83"}, {"thinsp", "\xE2\x80\x89"},
    {"times", "\xC3\x97"}, {"divide", "\xC3\xB7"}, {"yen", "\xC2\xA5"},
    {"copy", "\xC2\xA9"}, {"reg", "\xC2\xAE"}, {"deg", "\xC2\xB0"},
    {"plusmn", "\xC2\xB1"}, {"permil", "\xE2\x80\xB0"}, {"bull", "\xE2\x80\xA2"},
    {"laquo", "\xC2\xAB"}, {"raquo", "\xC2\xBB"}, {"shy", ""}, {"zwsp", ""},
    {NULL, NULL}
};

static const char *const block_tags[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "caption", "section", "article", "header", "footer", "nav", "aside",
    "blockquote", "pre", "hr", "form", "fieldset", "address", "center", "figure",
    "figcaption", "main", "body", "html", "title", "tbody", "thead", "tfoot", NULL
};
static const char *const skip_tags[] = {
    "script", "style", "title", "noscript", "template", "svg", "textarea", "head", NULL
};

/* The tags the converter treats one by one, as a number: a tag name is
 * compared once, not at every test. */
enum { T_OTHER, T_TABLE, T_TR, T_TD, T_TH, T_CAPTION, T_BR, T_P, T_DIV, T_SCRIPT, T_STYLE,
       T_HEAD, T_TITLE };

/* name: a NUL-terminated tag name in a buffer of 16 bytes */
static int tag_id(const char *name)
{
#define IS(w) (memcmp(name, w, sizeof w) == 0)
    switch (name[0]) {
    case 't':
        if (IS("table")) return T_TABLE;
        if (IS("tr")) return T_TR;
        if (IS("td")) return T_TD;
        if (IS("th")) return T_TH;
        if (IS("title")) return T_TITLE;
        break;
    case 'c': if (IS("caption")) return T_CAPTION; break;
    case 'b': if (IS("br")) return T_BR; break;
    case 'p': if (IS("p")) return T_P; break;
    case 'd': if (IS("div")) return T_DIV; break;
    case 's':
        if (IS("script")) return T_SCRIPT;
        if (IS("style")) return T_STYLE;
        break;
    case 'h': if (IS("head")) return T_HEAD; break;
    default: break;
    }
    return T_OTHER;
#undef IS
}

/* Whether a tag name is in block_tags and in skip_tags, looked up in a
 * small hash table built from the two lists on first use (one look per
 * tag instead of a walk of both lists). */
enum { TAG_BLOCK = 1, TAG_SKIP = 2 };
#define TAGH 256
static struct { const char *name; unsigned char flags; } tag_hash[TAGH];

static unsigned tag_slot(const char *name, size_t k)
{
    unsigned h = (unsigned)k * 131u;
    for (size_t i = 0; i < k; i++) h = h * 31u + (unsigned char)name[i];
    return h & (TAGH - 1);
}

static void tag_hash_add(const char *name, unsigned char flag)
{
    unsigned i = tag_slot(name, strlen(name));
    while (tag_hash[i].name && strcmp(tag_hash[i].name, name) != 0) i = (i + 1) & (TAGH - 1);
    tag_hash[i].name = name;
    tag_hash[i].flags |= flag;
}

/* name: k bytes, NUL-terminated */
static unsigned tag_flags(const char *name, size_t k)
{
    static bool built;
    if (!built) {
        built = true;
        for (int j = 0; block_tags[j]; j++) tag_hash_add(block_tags[j], TAG_BLOCK);
        for (int j = 0; skip_tags[j]; j++) tag_hash_add(skip_tags[j], TAG_SKIP);
    }
    for (unsigned i = tag_slot(name, k); tag_hash[i].name; i = (i + 1) & (TAGH - 1))
        if (strcmp(tag_hash[i].name, name) == 0) return tag_hash[i].flags;
    return 0;
}

/* Tag name characters: the lower-case letter or digit, 0 for any other
 * byte (isalnum and tolower in the C locale, without the calls). */
static unsigned char NAMEC[256];

static void namec_init(void)
{
    if (NAMEC['a']) return;
    for (int c = '0'; c <= '9'; c++) NAMEC[c] = (unsigned char)c;
    for (int c = 'a'; c <= 'z'; c++) NAMEC[c] = (unsigned char)c;
    for (int c = 'A'; c <= 'Z'; c++) NAMEC[c] = (unsigned char)(c - 'A' + 'a');
}

static void add_cp(gx_buf *b, long cp)
{
    if (cp <= 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF) return;
    char t[4];
    int k;
    if (cp < 0x80) { t[0] = (char)cp; k = 1; }
    else if (cp < 0x800) { t[0] = (char)(0xC0 | (cp >> 6)); t[1] = (char)(0x80 | (cp & 0x3F)); k = 2; }
    else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12)); t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F)); k = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18)); t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); t[3] = (char)(0x80 | (cp & 0x3F)); k = 4;
    }
    gx_buf_add(b, t, (size_t)k);
}

typedef struct html {
    gx_buf  *out;       /* finished lines */
    gx_buf   line;      /* current line (outside tables) */
    gx_buf   cell;      /* current cell text */
    gx_buf   row;       /* current row being assembled */
    int    **tables;
    size_t  *tcap;
    size_t   nlines;
    int      table_depth, table_no;
    unsigned char *layout;      /* per <table>: 1 = a layout table */
    size_t   nlayout, tables_seen;
    unsigned char kinds[64];    /* open <table>s: 1 = layout */
    int      nkinds;
    bool     in_row, in_cell, last_blank;
    int      col, cell_colspan, cell_rowspan;
    int     *pending;             /* rowspan cells still to come, by column */
    int      pend_hi;             /* pending[] is zero from here on */
    int      ncols_seen;
} html;

static void set_table(html *h, size_t i, int t)
{
    if (i >= *h->tcap) {
        size_t cap = *h->tcap ? *h->tcap * 2 : 256;
        while (cap <= i) cap *= 2;
        *h->tables = gx_xrealloc(*h->tables, cap * sizeof **h->tables);
        memset(*h->tables + *h->tcap, 0, (cap - *h->tcap) * sizeof **h->tables);
        *h->tcap = cap;
    }
    (*h->tables)[i] = t;
}

static void emit(html *h, const char *s, size_t n, int table)
{
    /* trim trailing spaces */
    while (n && s[n - 1] == ' ') n--;
    gx_buf_add(h->out, s, n);
    gx_buf_addc(h->out, '\n');
    set_table(h, h->nlines++, table);
    h->last_blank = n == 0;
}

static void end_line(html *h, bool force_blank)
{
    if (h->line.len) {
        emit(h, h->line.data, h->line.len, 0);
        gx_buf_reset(&h->line);
    } else if (force_blank && !h->last_blank && h->nlines) {
        emit(h, "", 0, 0);
    }
}

/* Append the text s[i..) up to the next '<' or '&' (or n) to b, with
 * HTML whitespace collapsing; returns where it stopped. */
static size_t add_text(gx_buf *b, const char *s, size_t i, size_t n)
{
    const char *lt = memchr(s + i, '<', n - i);
    if (lt) n = (size_t)(lt - s);
    const char *amp = memchr(s + i, '&', n - i);
    if (amp) n = (size_t)(amp - s);
    gx_buf_reserve(b, n - i);
    char *d = b->data, *o = d + b->len;
    for (; i < n; i++) {
        /* eight bytes with none at or below ' ' (no white space; CJK bytes
           are >= 0x80) go as they are */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w - 0x2121212121212121ULL) & ~w & 0x8080808080808080ULL) break;
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        if (i >= n) break;
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (o > d && o[-1] != ' ') *o++ = ' ';
        } else {
            *o++ = c;
        }
    }
    b->len = (size_t)(o - d);
    d[b->len] = 0;
    return i;
}

static void row_cell(html *h, const char *s, size_t n)
{
    if (h->col > 0) gx_buf_addc(&h->row, '\t');
    gx_buf_add(&h->row, s, n);
    h->col++;
}

static void fill_pending(html *h)
{
    while (h->col < MAX_COLS && h->pending[h->col] > 0) {
        h->pending[h->col]--;
        row_cell(h, "", 0);
    }
}

static void end_cell(html *h)
{
    if (!h->in_cell) return;
    h->in_cell = false;
    /* trim the collapsed ASCII spaces only: U+3000 and NBSP are text */
    const char *s = h->cell.data ? h->cell.data : "";
    size_t n = h->cell.len;
    while (n && s[0] == ' ') { s++; n--; }
    while (n && s[n - 1] == ' ') n--;
    fill_pending(h);
    int span = h->cell_colspan;
    for (int k = 0; k < span && h->col < MAX_COLS; k++) {
        if (h->cell_rowspan > 1) {
            h->pending[h->col] = h->cell_rowspan - 1;
            if (h->col + 1 > h->pend_hi) h->pend_hi = h->col + 1;
        }
        row_cell(h, k == 0 ? s : "", k == 0 ? n : 0);
        if (k + 1 < span) fill_pending(h);
    }
    gx_buf_reset(&h->cell);
}

static void end_row(html *h)
{
    end_cell(h);
    if (!h->in_row) return;
    h->in_row = false;
    /* cells still covered by a rowspan at the end of the row */
    for (int c = h->col; c < h->ncols_seen && c < MAX_COLS; c++) {
        if (h->pending[c] > 0) {
            while (h->col < c) row_cell(h, "", 0);
            h->pending[c]--;
            row_cell(h, "", 0);
        }
    }
    if (h->col > h->ncols_seen) h->ncols_seen = h->col;
    emit(h, h->row.data ? h->row.data : "", h->row.len, h->table_no);
    /* emit() trims trailing spaces only; TABs stay */
    gx_buf_reset(&h->row);
    h->col = 0;
}

static int attr_int(const char *a, size_t n, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k < n; i++) {
        if (strncasecmp(a + i, name, k) == 0 && (i == 0 || !isalnum((unsigned char)a[i - 1]))) {
            size_t j = i + k;
            while (j < n && isspace((unsigned char)a[j])) j++;
            if (j >= n || a[j] != '=') continue;
            j++;
            while (j < n && (isspace((unsigned char)a[j]) || a[j] == '"' || a[j] == '\'')) j++;
            long v = 0;
            bool any = false;
            while (j < n && isdigit((unsigned char)a[j])) {
                any = true;
                if (v < 100000) v = v * 10 + (a[j] - '0');
                j++;
            }
            if (!any) return 1;
            if (v < 1) v = 1;
            if (v > MAX_SPAN) v = MAX_SPAN;
            return (int)v;
        }
    }
    return 1;
}

/* Decode an entity at s (s[0] == '&'); append to b; return bytes consumed. */
static size_t entity(const char *s, size_t n, gx_buf *b)
{
    size_t i = 1;
    if (i < n && s[i] == '#') {
        i++;
        int base = 10;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) { base = 16; i++; }
        long v = 0;
        size_t start = i;
        while (i < n && i - start < 8 && isxdigit((unsigned char)s[i]) &&
               (base == 16 || isdigit((unsigned char)s[i]))) {
            int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);
            v = v * base + d;
            i++;
        }
        if (i == start) { gx_buf_addc(b, '&'); return 1; }
        if (i < n && s[i] == ';') i++;
        if (v == 0xA0) { gx_buf_add(b, "\xC2\xA0", 2); return i; }
        add_cp(b, v);
        return i;
    }
    size_t start = i;
    while (i < n && i - start < 10 && isalnum((unsigned char)s[i])) i++;
    for (int k = 0; entities[k].name; k++) {
        size_t len = strlen(entities[k].name);
        if (len == i - start && strncmp(s + start, entities[k].name, len) == 0) {
            gx_buf_adds(b, entities[k].utf8);
            if (i < n && s[i] == ';') i++;
            return i;
        }
    }
    gx_buf_addc(b, '&');
    return 1;
}

bool gx_seg_looks_html(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && isspace((unsigned char)s[i])) i++;
    /* a page starts with a tag; a crawler may have put a line before it, so
       the document tags are looked for in the first 4 KiB anyway */
    bool tag_first = i < n && s[i] == '<';
    size_t lim = n - i < 4096 ? n - i : 4096;
    static const char *const page_marks[] = { "<!doctype html", "<html", "<body", NULL };
    static const char *const tag_marks[] = {
        "<!doctype html", "<html", "<head", "<body", "<meta", "<table", "<div", "<p>", "<p ", NULL
    };
    const char *const *marks = tag_first ? tag_marks : page_marks;
    for (size_t j = i; j < i + lim; j++) {
        const char *lt = memchr(s + j, '<', i + lim - j);
        if (!lt) break;
        j = (size_t)(lt - s);
        for (int k = 0; marks[k]; k++) {
            size_t len = strlen(marks[k]);
            if (j + len <= n && strncasecmp(s + j, marks[k], len) == 0) return true;
        }
    }
    return false;
}

/* Which <table>s only lay the page out? A table holding another table, or
 * a cell with much text (600 bytes) or many blocks (6 paragraphs or line
 * breaks), is a layout table: its rows and cells become plain lines, and
 * the data tables inside it are tables of their own. Returns one flag per
 * <table> in document order. */
static unsigned char *layout_tables(const char *s, size_t n, size_t *count)
{
    namec_init();
    size_t cap = 16, nt = 0;
    unsigned char *flag = gx_xcalloc(cap, 1);
    enum { MAXD = 64 };
    size_t idx[MAXD], text[MAXD];
    int blocks[MAXD];
    int sp = 0;
    size_t i = 0;
    while (i < n) {
        if (s[i] != '<') {
            /* text up to the next tag: counted inside a table whose flag
               is not set yet (the count only ever sets it) */
            const char *lt = memchr(s + i, '<', n - i);
            size_t e = lt ? (size_t)(lt - s) : n;
            if (sp > 0 && sp <= MAXD && !flag[idx[sp - 1]]) {
                for (; i < e; i++) {
                    /* eight bytes with no white space (none at or below
                       ' '): eight more (only passing 600 matters) */
                    while (i + 8 <= e) {
                        uint64_t w;
                        memcpy(&w, s + i, 8);
                        if ((w - 0x2121212121212121ULL) & ~w & 0x8080808080808080ULL) break;
                        text[sp - 1] += 8;
                        i += 8;
                    }
                    if (text[sp - 1] > 600) { flag[idx[sp - 1]] = 1; break; }
                    if (i >= e) break;
                    unsigned char c = (unsigned char)s[i];
                    if (c == ' ' || (c >= '\t' && c <= '\r')) continue;   /* isspace, C locale */
                    if (++text[sp - 1] > 600) { flag[idx[sp - 1]] = 1; break; }
                }
            }
            i = e;
            continue;
        }
        if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
            size_t j = i + 4;
            while (j + 2 < n && !(s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>')) j++;
            i = j + 2 < n ? j + 3 : n;
            continue;
        }
        size_t j = i + 1;
        bool close = j < n && s[j] == '/';
        if (close) j++;
        char name[16];
        size_t k = 0;
        unsigned char lc;
        while (j < n && (lc = NAMEC[(unsigned char)s[j]]) != 0) {
            if (k < sizeof name - 1) name[k++] = (char)lc;
            j++;
        }
        name[k] = 0;
        int id = tag_id(name);
        char q = 0;
        while (j < n && (q || s[j] != '>')) {
            if (q) { if (s[j] == q) q = 0; }
            else if (s[j] == '"' || s[j] == '\'') q = s[j];
            j++;
        }
        i = j < n ? j + 1 : n;
        if (!k) continue;
        if (!close && (id == T_SCRIPT || id == T_STYLE)) {
            size_t len = strlen(name), m = i;
            while (m + len + 2 <= n && !(s[m] == '<' && s[m + 1] == '/' &&
                                         strncasecmp(s + m + 2, name, len) == 0)) m++;
            i = m + len + 2 <= n ? m : n;
            continue;
        }
        if (id == T_TABLE) {
            if (!close) {
                if (nt == cap) {
                    flag = gx_xrealloc(flag, cap * 2);
                    memset(flag + cap, 0, cap);
                    cap *= 2;
                }
                if (sp > 0 && sp <= MAXD) flag[idx[sp - 1]] = 1;
                if (sp < MAXD) { idx[sp] = nt; text[sp] = 0; blocks[sp] = 0; }
                else flag[nt] = 1;
                sp++;
                nt++;
            } else if (sp > 0) {
                sp--;
            }
            continue;
        }
        if (sp > 0 && sp <= MAXD) {
            if (!close && (id == T_TD || id == T_TH)) {
                text[sp - 1] = 0;
                blocks[sp - 1] = 0;
            } else if (!close && (id == T_P || id == T_BR || id == T_DIV)) {
                if (++blocks[sp - 1] >= 6) flag[idx[sp - 1]] = 1;
            }
        }
    }
    *count = nt;
    return flag;
}

void gx_seg_html(const char *s, size_t n, gx_buf *out, int **tables, size_t *tcap)
{
    /* pending[] lives in a static block that is all zero between calls
       (cleared up to pend_hi at the end): no 16 KiB to clear per page */
    static int pending_store[MAX_COLS];
    html *h = gx_xcalloc(1, sizeof *h);
    h->pending = pending_store;
    h->out = out;
    h->tables = tables;
    h->tcap = tcap;
    gx_buf_init(&h->line);
    gx_buf_init(&h->cell);
    gx_buf_init(&h->row);
    gx_buf_reset(out);
    h->layout = layout_tables(s, n, &h->nlayout);
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n) {
        char c = s[i];
        if (c == '<') {
            if (i + 3 < n && s[i + 1] == '!' && s[i + 2] == '-' && s[i + 3] == '-') {
                const char *e = NULL;
                for (size_t j = i + 4; j + 2 < n; j++)
                    if (s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>') { e = s + j + 3; break; }
                i = e ? (size_t)(e - s) : n;
                continue;
            }
            size_t j = i + 1;
            bool close = false;
            if (j < n && s[j] == '/') { close = true; j++; }
            if (j >= n || !(isalpha((unsigned char)s[j]) || s[j] == '!' || s[j] == '?')) {
                /* a lone '<' is text */
                gx_buf *b = h->in_cell ? &h->cell : &h->line;
                gx_buf_addc(b, '<');
                i++;
                continue;
            }
            char name[16];
            size_t k = 0;
            for (; j < n; j++) {
                unsigned char lc = NAMEC[(unsigned char)s[j]];
                if (!lc) {
                    if (s[j] != '!' && s[j] != '?') break;
                    lc = (unsigned char)s[j];
                }
                if (k < sizeof name - 1) name[k++] = (char)lc;
            }
            name[k] = 0;
            int id = tag_id(name);
            unsigned tflags = tag_flags(name, k < sizeof name - 1 ? k : sizeof name - 1);
            size_t attr = j;
            char q = 0;
            while (j < n && (q || s[j] != '>')) {
                if (q) { if (s[j] == q) q = 0; }
                else if (s[j] == '"' || s[j] == '\'') q = s[j];
                j++;
            }
            size_t attr_end = j;
            i = j < n ? j + 1 : n;
            if (!close && (tflags & TAG_SKIP)) {
                /* skip to the matching close tag */
                size_t len = strlen(name);
                size_t m = i;
                for (; m + len + 2 <= n; m++) {
                    if (s[m] == '<' && s[m + 1] == '/' && strncasecmp(s + m + 2, name, len) == 0 &&
                        (m + 2 + len == n || !isalnum((unsigned char)s[m + 2 + len]))) break;
                }
                if (id == T_HEAD && m + len + 2 > n) m = i; /* no </head>: keep going */
                else if (m + len + 2 > n) m = n;
                else {
                    while (m < n && s[m] != '>') m++;
                    if (m < n) m++;
                }
                i = m;
                if (id == T_TITLE) end_line(h, false);
                continue;
            }
            if (id == T_TABLE) {
                bool lay;
                if (!close) {
                    size_t t = h->tables_seen++;
                    lay = t < h->nlayout ? h->layout[t] : true;
                    if (h->nkinds < 64) h->kinds[h->nkinds] = lay;
                    h->nkinds++;
                } else {
                    if (h->nkinds > 0) h->nkinds--;
                    lay = h->nkinds < 64 ? h->kinds[h->nkinds] : true;
                }
                if (lay && h->table_depth == 0) {     /* page layout: lines, not cells */
                    end_line(h, false);
                    continue;
                }
                if (lay) continue;                    /* inside a data table: ignore */
                if (!close) {
                    if (h->table_depth++ == 0) {
                        end_line(h, false);
                        h->table_no++;
                        memset(h->pending, 0, (size_t)h->pend_hi * sizeof *h->pending);
                        h->pend_hi = 0;
                        h->ncols_seen = 0;
                        h->col = 0;
                    }
                } else if (h->table_depth > 0) {
                    if (--h->table_depth == 0) { end_row(h); end_line(h, false); }
                }
                continue;
            }
            if (h->table_depth == 1) {
                if (id == T_TR) {
                    end_row(h);
                    if (!close) { h->in_row = true; h->col = 0; gx_buf_reset(&h->row); }
                    continue;
                }
                if (id == T_TD || id == T_TH) {
                    end_cell(h);
                    if (!close) {
                        if (!h->in_row) { h->in_row = true; h->col = 0; gx_buf_reset(&h->row); }
                        h->in_cell = true;
                        h->cell_colspan = attr_int(s + attr, attr_end - attr, "colspan");
                        h->cell_rowspan = attr_int(s + attr, attr_end - attr, "rowspan");
                    }
                    continue;
                }
                if (id == T_CAPTION) {
                    if (!close) end_row(h);
                    else end_line(h, false);
                    continue;
                }
            }
            if (h->table_depth > 0 && (h->in_cell || h->in_row)) {
                /* block tags inside a cell (or a nested table): a space */
                if (id == T_BR || id == T_TR || id == T_TD || id == T_TH || (tflags & TAG_BLOCK))
                    if (h->in_cell && h->cell.len && h->cell.data[h->cell.len - 1] != ' ')
                        gx_buf_addc(&h->cell, ' ');
                continue;
            }
            if (id == T_BR) { end_line(h, true); continue; }
            if (id == T_TR || id == T_TD || id == T_TH) {
                end_line(h, false);     /* a cell of a layout table */
                continue;
            }
            if (tflags & TAG_BLOCK) end_line(h, false);
            continue;
        }
        gx_buf *b = h->in_cell ? &h->cell : (h->table_depth > 0 && h->in_row) ? NULL : &h->line;
        if (c == '&') {
            static gx_buf dropped;      /* an entity between cells */
            gx_buf_reset(&dropped);
            i += entity(s + i, n - i, b ? b : &dropped);
            continue;
        }
        if (!b) { i++; continue; }     /* text between cells is dropped */
        if (b->len == 0) {
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }
        i = add_text(b, s, i, n);
    }
    end_row(h);
    end_line(h, false);
    memset(h->pending, 0, (size_t)h->pend_hi * sizeof *h->pending);
    gx_buf_free(&h->line);
    gx_buf_free(&h->cell);
    gx_buf_free(&h->row);
    free(h->layout);
    free(h);
    if (!out->data) gx_buf_add(out, "", 0);
}

/* The text of the page's <title> (entities decoded, white space runs made
 * one space, trimmed); empty when there is none. Looked for before <body>. */
void gx_seg_html_title(const char *s, size_t n, gx_buf *out)
{
    gx_buf_reset(out);
    size_t i = 0, a = n;
    for (; i + 6 < n; i++) {
        if (s[i] != '<') continue;
        if (strncasecmp(s + i, "<body", 5) == 0) return;
        if (strncasecmp(s + i, "<title", 6) == 0 && (s[i + 6] == '>' || isspace((unsigned char)s[i + 6]))) {
            const char *gt = memchr(s + i, '>', n - i);
            if (!gt) return;
            a = (size_t)(gt - s) + 1;
            break;
        }
    }
    if (a >= n) return;
    bool space = false;
    for (size_t j = a; j < n;) {
        unsigned char c = (unsigned char)s[j];
        if (c == '<') {
            if (j + 7 < n && strncasecmp(s + j, "</title", 7) == 0) break;
            j++;                       /* a stray tag character: kept as text */
            gx_buf_addc(out, '<');
            continue;
        }
        if (isspace(c)) { space = out->len > 0; j++; continue; }
        if (space) { gx_buf_addc(out, ' '); space = false; }
        if (c == '&') { j += entity(s + j, n - j, out); continue; }
        gx_buf_addc(out, (char)c);
        j++;
    }
    /* an entity may have given a control character: a space, like white space */
    for (size_t k = 0; k < out->len; k++)
        if ((unsigned char)out->data[k] < 0x20 || out->data[k] == 0x7F) out->data[k] = ' ';
}


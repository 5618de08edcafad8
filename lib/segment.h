/* segment.h - gx-segment: decode a report, split it into physical lines,
 * and give each line its place in the document (title, heading level and
 * section path, section kind, paragraph, table block, noise).
 *
 * A gx_seg_doc owns everything it holds: the decoded text and the per-line
 * results. Lines are slices of doc->text (not NUL-terminated).
 */
#ifndef GX_SEGMENT_H
#define GX_SEGMENT_H

#include "gx.h"

enum gx_seg_from { GX_FROM_AUTO, GX_FROM_TEXT, GX_FROM_HTML, GX_FROM_MARKDOWN };

enum gx_seg_role {
    ROLE_TEXT, ROLE_BLANK, ROLE_TITLE, ROLE_HEADING, ROLE_TABLE, ROLE_NOISE
};

#define GX_SEG_MAXDEPTH 8
/* Longest decoded line accepted (bytes); longer is an input error. */
#define GX_SEG_MAX_LINE (4u << 20)

typedef struct gx_seg_line {
    size_t off, len;        /* slice of doc->text */
    int    page;            /* 1-based */
    int    para;            /* 0 before the first paragraph */
    int    role;            /* enum gx_seg_role */
    int    table;           /* table block number, 0 = none */
    int    html_table;      /* HTML input: the <table> this row came from */
    int    heading;         /* index into doc->heads of the enclosing section, -1 = none */
    /* scratch for the classifier */
    unsigned char cls;      /* line class, see segment.c */
    unsigned char runin;    /* heading with body text after its title */
    unsigned char hc;       /* heading candidate? 0 not yet known, 1 no, 2 yes */
    unsigned char ws;       /* may hold white space (0: surely none) */
    unsigned char tab;      /* holds a TAB */
    unsigned char esc;      /* holds a TAB or a backslash (gx-TSV escapes) */
    unsigned char inner;    /* may hold white space between two other characters */
    signed char hrank;      /* if so: the rank of its style */
    int    hnum;            /* and its numeral (-1 if none) */
    /* the full candidate, when its cleaned text is a slice of the line (no
       markdown marks removed): offsets from the line start, style index + 1
       (0 = not kept) */
    unsigned char hstyle, hrunin;
    uint32_t tl_off, tl_len, cl_off, cl_len;
    uint32_t t_off, t_len;  /* the line trimmed (set in pass 1) */
} gx_seg_line;

typedef struct gx_seg_head {
    int line;               /* index into doc->lines */
    int rank;               /* numbering style rank (1 = 一、) */
    int depth;              /* 1-based level */
    int parent;             /* index into doc->heads, -1 = top */
    int path[GX_SEG_MAXDEPTH];
    const char *kind;       /* canonical kind (static string from the table) */
    const char *own;        /* kind from its own keywords, NULL if none */
    bool generic;           /* takes its kind from its children */
    char sec[48];           /* the dotted path as text */
} gx_seg_head;

typedef struct gx_seg_doc {
    gx_buf       text;      /* decoded UTF-8, lines back to back */
    gx_seg_line *lines;
    size_t       nlines, cap;
    gx_seg_head *heads;
    int          nheads, hcap;
    int          ntables;
    int          from;      /* the form actually used (text/html/markdown) */
    gx_buf       page_title;/* HTML: the <title>, written as line 0 when the
                               body has no title line (else empty) */
} gx_seg_doc;

void gx_seg_doc_init(gx_seg_doc *d);
void gx_seg_doc_free(gx_seg_doc *d);

/* Decode report bytes to UTF-8: UTF-8 (BOM stripped), UTF-16LE/BE with a
 * BOM, else GB18030. NUL bytes, control bytes and undecodable bytes are
 * errors: reported as "name:line: message", and false is returned. */
bool gx_seg_decode(const char *in, size_t n, const char *name, gx_buf *out);

/* Length of the well-formed UTF-8 sequence at s (2-4), 0 if invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
int gx_seg_utf8_seq(const unsigned char *s, size_t n);

/* Convert an HTML page (UTF-8) to lines: tags dropped, block elements end
 * lines, entities decoded, each <tr> one TAB-separated line with colspan and
 * rowspan expanded. tables[i] receives, for output line i, the number of the
 * <table> it came from (0 for none); it is grown as needed. */
void gx_seg_html(const char *s, size_t n, gx_buf *out, int **tables, size_t *ntables_cap);

/* The text of an HTML page's <title> (entities decoded, white space
 * collapsed), empty if none. */
void gx_seg_html_title(const char *s, size_t n, gx_buf *out);

/* True if the bytes look like an HTML page. */
bool gx_seg_looks_html(const char *s, size_t n);

/* Decode, split into lines and classify. false (with a message naming
 * name and line) when the input cannot be read as a report. */
bool gx_seg_load(gx_seg_doc *d, const char *bytes, size_t n, const char *name, int from);

/* Write the document stream rows of d (no header). */
void gx_seg_write(const gx_seg_doc *d, const char *docname);

/* The role name of a line ("text", "heading" ...). */
const char *gx_seg_role_name(int role);
/* The dotted section path of line i ("0" before the first heading). */
void gx_seg_sec(const gx_seg_doc *d, size_t i, gx_buf *out);
int  gx_seg_level(const gx_seg_doc *d, size_t i);
const char *gx_seg_kind(const gx_seg_doc *d, size_t i);

#endif

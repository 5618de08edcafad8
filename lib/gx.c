/* gx.c - the core: errors, buffers, buffered output, line reader, operands,
 * gx-TSV, option tables, embedded knowledge tables. See gx.h. */
#include "gx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unistd.h>

/* ---- program, errors ------------------------------------------------- */

static const char *prog_name = "gx";
static long n_errors;

void gx_prog_init(const char *name)
{
    const char *s = strrchr(name, '/');
    prog_name = s ? s + 1 : name;
    /* A closed pipe shows up as EPIPE on write, which ends the program
     * quietly with status 0 (see out_write_all), not as a signal. */
    signal(SIGPIPE, SIG_IGN);
    atexit(gx_out_flush);
}

const char *gx_prog(void) { return prog_name; }
long gx_error_count(void) { return n_errors; }

static void vmsg(const char *file, long line, const char *fmt, va_list ap)
{
    /* stdout first, so that messages and data keep their order on a tty */
    fprintf(stderr, "%s: ", prog_name);
    if (file) {
        if (line > 0) fprintf(stderr, "%s:%ld: ", file, line);
        else fprintf(stderr, "%s: ", file);
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void gx_error_at(const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(file, line, fmt, ap);
    va_end(ap);
    n_errors++;
}

void gx_warn_at(const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(file, line, fmt, ap);
    va_end(ap);
}

noreturn void gx_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(NULL, 0, fmt, ap);
    va_end(ap);
    exit(code);
}

void *gx_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) gx_die(GX_EXIT_ERROR, "out of memory (%zu bytes)", n);
    return p;
}

void *gx_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) gx_die(GX_EXIT_ERROR, "out of memory");
    return p;
}

void *gx_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) gx_die(GX_EXIT_ERROR, "out of memory (%zu bytes)", n);
    return p;
}

char *gx_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(gx_xmalloc(n), s, n);
}

/* ---- gx_buf ----------------------------------------------------------- */

void gx_buf_init(gx_buf *b) { b->data = NULL; b->len = b->cap = 0; }
void gx_buf_free(gx_buf *b) { free(b->data); gx_buf_init(b); }

void gx_buf_reset(gx_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = 0;
}

void gx_buf_grow(gx_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) gx_die(GX_EXIT_ERROR, "out of memory");
        cap *= 2;
    }
    b->data = gx_xrealloc(b->data, cap);
    b->cap = cap;
}

void gx_buf_adds(gx_buf *b, const char *s) { gx_buf_add(b, s, strlen(s)); }

void gx_buf_printf(gx_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    gx_buf_reserve(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n >= room) {
        gx_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (n > 0) b->len += (size_t)n;
    b->data[b->len] = 0;
}

/* ---- output ----------------------------------------------------------- */

/* The output buffer is flushed in whole records (up to its last LF) once
 * it holds OUT_CAP bytes, so every write(2) carries complete lines: several
 * processes appending to one file (xargs -P ... > file) never cut a record
 * in two. A record longer than the buffer grows it. */
#define OUT_CAP (64 * 1024)
static char *out_buf;
static size_t out_len, out_cap;
static size_t out_atomic;   /* a pipe: write at most PIPE_BUF bytes at once */

static void out_write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) _exit(GX_EXIT_OK); /* reader went away: quiet */
            int e = errno;
            fprintf(stderr, "%s: write error: %s\n", prog_name, strerror(e));
            _exit(GX_EXIT_ERROR);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Write the complete records in p[0..n) (n ends after an LF). On a pipe,
 * only writes of at most PIPE_BUF bytes are atomic, so the records go in
 * pieces of at most that size, each ending after an LF. */
static void out_write_records(const char *p, size_t n)
{
    while (out_atomic && n > out_atomic) {
        size_t k = out_atomic;
        while (k > 0 && p[k - 1] != '\n') k--;
        if (k == 0) {                       /* one record longer than PIPE_BUF */
            const char *nl = memchr(p + out_atomic, '\n', n - out_atomic);
            k = nl ? (size_t)(nl - p) + 1 : n;
        }
        out_write_all(p, k);
        p += k;
        n -= k;
    }
    out_write_all(p, n);
}

void gx_out_flush(void)
{
    if (out_len) {
        size_t n = out_len;
        out_len = 0;
        out_write_records(out_buf, n);
    }
}

/* Make room for m more bytes: write the complete records, grow if needed. */
static void out_reserve(size_t m)
{
    if (out_len + m <= out_cap) return;
    if (!out_cap) {
        struct stat st;
        if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) out_atomic = PIPE_BUF;
    }
    if (out_len) {
        size_t k = out_len;
        while (k > 0 && out_buf[k - 1] != '\n') k--;   /* after the last LF */
        if (k > 0) {
            out_write_records(out_buf, k);
            memmove(out_buf, out_buf + k, out_len - k);
            out_len -= k;
        }
    }
    if (out_len + m <= out_cap) return;
    size_t cap = out_cap ? out_cap : OUT_CAP;
    while (cap < out_len + m) {
        if (cap > SIZE_MAX / 2) gx_die(GX_EXIT_ERROR, "out of memory");
        cap *= 2;
    }
    out_buf = gx_xrealloc(out_buf, cap);
    out_cap = cap;
}

void gx_out(const void *p, size_t n)
{
    out_reserve(n);
    memcpy(out_buf + out_len, p, n);
    out_len += n;
}

void gx_outs(const char *s) { gx_out(s, strlen(s)); }

void gx_outc(char c)
{
    if (out_len == out_cap) out_reserve(1);
    out_buf[out_len++] = c;
}

void gx_outl(long v)
{
    char tmp[24], *e = tmp + sizeof tmp, *p = e;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) *--p = '-';
    gx_out(p, (size_t)(e - p));
}

/* The escape letter of each byte, or 0. */
static const char out_escape[256] = { ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r' };

/* Does the 8-byte word hold a byte below 0x0E (TAB, LF, CR, ...) or a
 * backslash? (SWAR: the classic "has less than" and "has zero byte" tests.) */
static inline bool word_may_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t bs = w ^ (ones * 0x5C);
    return (((w - ones * 0x0E) & ~w) | ((bs - ones) & ~bs)) & highs;
}

void gx_out_field(const char *s, size_t n)
{
    if (!s) { gx_out("\\N", 2); return; }
    out_reserve(2 * n);
    char *d = out_buf + out_len;
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (!word_may_escape(w)) { memcpy(d, p, 8); d += 8; p += 8; continue; }
        }
        char e = out_escape[*p];
        if (e) { *d++ = '\\'; *d++ = e; }
        else *d++ = (char)*p;
        p++;
    }
    out_len = (size_t)(d - out_buf);
}

void gx_out_fields(const char *s) { gx_out_field(s, s ? strlen(s) : 0); }

void gx_out_header(const char *const *columns, int ncol)
{
    for (int i = 0; i < ncol; i++) {
        if (i) gx_outc('\t');
        gx_outs(columns[i]);
    }
    gx_outc('\n');
}

const char *const gx_doc_columns[] = {
    "doc", "line", "page", "para", "sec", "level", "kind", "role",
    "table", "row", "col", "rowhead", "colhead", "text"
};
const char *const gx_fact_columns[] = {
    "doc", "year", "org", "schema", "indicator", "dim", "value", "unit",
    "state", "source", "line", "ref", "flags", "raw"
};
const char *const gx_finding_columns[] = {
    "doc", "rule", "severity", "status", "indicator", "dim", "expected",
    "actual", "delta", "line", "message"
};

/* ---- reader ------------------------------------------------------------ */

#define READ_BLOCK (128 * 1024)

bool gx_reader_open(gx_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    r->name = path;
    r->fd = -1;
    if (strcmp(path, "-") == 0) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY);
        if (r->fd < 0) {
            gx_error_at(path, 0, "%s", strerror(errno));
            return false;
        }
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        gx_error_at(path, 0, "%s", strerror(EISDIR));
        if (r->fd != STDIN_FILENO) close(r->fd);
        r->fd = -1;
        return false;
    }
    r->cap = READ_BLOCK;
    r->buf = gx_xmalloc(r->cap + 1);
    return true;
}

/* Fill more bytes after r->end; false at EOF or error. */
static bool reader_fill(gx_reader *r)
{
    if (r->eof || r->err) return false;
    if (r->start > 0 && (r->start == r->end || r->end + READ_BLOCK > r->cap)) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < READ_BLOCK / 2) {
        if (r->cap > SIZE_MAX / 2) gx_die(GX_EXIT_ERROR, "out of memory");
        r->cap *= 2;
        r->buf = gx_xrealloc(r->buf, r->cap + 1);
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0) {
            if (errno == EINTR) continue;
            gx_error_at(r->name, 0, "read error: %s", strerror(errno));
            r->err = true;
            return false;
        }
        if (n == 0) { r->eof = true; return false; }
        r->end += (size_t)n;
        return true;
    }
}

bool gx_reader_next(gx_reader *r, char **line, size_t *len)
{
    size_t scan = r->start;
    for (;;) {
        char *nl = memchr(r->buf + scan, '\n', r->end - scan);
        if (nl) {
            size_t n = (size_t)(nl - (r->buf + r->start));
            *nl = 0;
            *line = r->buf + r->start;
            *len = n;
            r->start += n + 1;
            r->lineno++;
            if (r->max_line && n > r->max_line) {
                gx_error_at(r->name, r->lineno, "line longer than %zu bytes", r->max_line);
                r->err = true;
                return false;
            }
            return true;
        }
        size_t have = r->end - r->start;
        if (r->max_line && have > r->max_line) {
            gx_error_at(r->name, r->lineno + 1, "line longer than %zu bytes", r->max_line);
            r->err = true;
            return false;
        }
        if (!reader_fill(r)) {
            if (r->err) return false;
            if (r->end == r->start) return false;
            /* last line without LF */
            r->buf[r->end] = 0;
            *line = r->buf + r->start;
            *len = r->end - r->start;
            r->start = r->end;
            r->lineno++;
            return true;
        }
        scan = r->start + have;   /* resume where the last search stopped */
    }
}

void gx_reader_close(gx_reader *r)
{
    if (r->fd >= 0 && r->fd != STDIN_FILENO) close(r->fd);
    r->fd = -1;
    free(r->buf);
    r->buf = NULL;
}

bool gx_slurp(const char *path, gx_buf *b)
{
    gx_buf_reset(b);
    int fd = STDIN_FILENO;
    if (strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            gx_error_at(path, 0, "%s", strerror(errno));
            return false;
        }
    }
    struct stat st;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            gx_error_at(path, 0, "%s", strerror(EISDIR));
            if (fd != STDIN_FILENO) close(fd);
            return false;
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0)
            gx_buf_reserve(b, (size_t)st.st_size);
    }
    bool ok = true;
    for (;;) {
        gx_buf_reserve(b, READ_BLOCK);
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            gx_error_at(path, 0, "read error: %s", strerror(errno));
            ok = false;
            break;
        }
        if (n == 0) break;
        b->len += (size_t)n;
    }
    if (b->data) b->data[b->len] = 0;
    if (fd != STDIN_FILENO) close(fd);
    return ok;
}

/* ---- operands ------------------------------------------------------------ */

void gx_inputs_init(gx_inputs *in, int argc, char **argv, const char *files0)
{
    memset(in, 0, sizeof *in);
    in->argv = argv;
    in->argc = argc;
    in->files0 = files0;
    gx_buf_init(&in->name);
    if (files0 && argc > 0)
        gx_die(GX_EXIT_ERROR, "file operands cannot be combined with --files0-from");
}

const char *gx_inputs_next(gx_inputs *in)
{
    if (in->done) return NULL;
    if (in->files0) {
        if (!in->f0_open) {
            if (!gx_reader_open(&in->f0, in->files0)) { in->done = true; return NULL; }
            in->f0_open = true;
        }
        /* NUL-separated names: scan the reader's buffer for NULs. */
        gx_reader *r = &in->f0;
        for (;;) {
            char *z = memchr(r->buf + r->start, 0, r->end - r->start);
            if (z) {
                size_t n = (size_t)(z - (r->buf + r->start));
                gx_buf_reset(&in->name);
                gx_buf_add(&in->name, r->buf + r->start, n);
                r->start += n + 1;
                r->lineno++;
                if (n == 0) {
                    gx_error_at(in->files0, r->lineno, "invalid zero-length file name");
                    continue;
                }
                return in->name.data;
            }
            if (!reader_fill(r)) {
                if (r->end > r->start && !r->err) {
                    gx_buf_reset(&in->name);
                    gx_buf_add(&in->name, r->buf + r->start, r->end - r->start);
                    r->start = r->end;
                    return in->name.data;
                }
                in->done = true;
                return NULL;
            }
        }
    }
    if (in->argc == 0) {
        in->done = true;
        return "-";
    }
    if (in->i < in->argc) return in->argv[in->i++];
    in->done = true;
    return NULL;
}

void gx_inputs_free(gx_inputs *in)
{
    if (in->f0_open) gx_reader_close(&in->f0);
    gx_buf_free(&in->name);
}

/* ---- gx-TSV ---------------------------------------------------------------- */

size_t gx_tsv_unescape(char *s, size_t n)
{
    char *bs = memchr(s, '\\', n);
    if (!bs) return n;
    size_t o = (size_t)(bs - s);
    for (size_t i = o; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            char e = s[i + 1];
            char r = e == '\\' ? '\\' : e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : 0;
            if (r) { s[o++] = r; i++; continue; }
        }
        s[o++] = c;
    }
    s[o] = 0;
    return o;
}

static void record_grow(gx_record *rec)
{
    int cap = rec->cap ? rec->cap * 2 : 16;
    rec->f = gx_xrealloc(rec->f, (size_t)cap * sizeof *rec->f);
    rec->len = gx_xrealloc(rec->len, (size_t)cap * sizeof *rec->len);
    rec->null = gx_xrealloc(rec->null, (size_t)cap * sizeof *rec->null);
    rec->cap = cap;
}

/* The first byte of p[0..end) that is a TAB, a backslash or a NUL, or end;
 * sixteen bytes a step where SSE2 is there (every x86-64). */
static inline char *tsv_special(char *p, char *end)
{
#if defined(__SSE2__)
    const __m128i tab = _mm_set1_epi8('\t'), bsl = _mm_set1_epi8('\\'), zero = _mm_setzero_si128();
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, tab), _mm_cmpeq_epi8(x, bsl)),
                                 _mm_cmpeq_epi8(x, zero));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    while (p < end && *p != '\t' && *p != '\\' && *p != 0) p++;
    return p;
}

/* Split line[0..len) (line[len] writable) into rec; *nul set when the line
 * holds a NUL byte (rec is then incomplete). One pass over the line: the
 * TABs, backslashes and NULs are found together. */
static int tsv_split(gx_record *rec, char *line, size_t len, bool *nul)
{
    rec->n = 0;
    char *p = line, *fs = line, *end = line + len;
    bool esc = false;
    *nul = false;
    for (;;) {
        char *q = tsv_special(p, end);
        if (q < end && *q == '\\') { esc = true; p = q + 1; continue; }
        if (q < end && *q == 0) { *nul = true; return rec->n; }
        if (rec->n == rec->cap) record_grow(rec);
        size_t n = (size_t)(q - fs);
        bool isnull = false;
        *q = 0;
        if (esc) {
            isnull = n == 2 && fs[0] == '\\' && fs[1] == 'N';
            if (isnull) { fs[0] = 0; n = 0; }
            else n = gx_tsv_unescape(fs, n);
        }
        rec->f[rec->n] = fs;
        rec->len[rec->n] = n;
        rec->null[rec->n] = isnull;
        rec->n++;
        if (q == end) break;
        fs = p = q + 1;
        esc = false;
    }
    return rec->n;
}

int gx_tsv_split(gx_record *rec, char *line, size_t len)
{
    bool nul;
    return tsv_split(rec, line, len, &nul);
}

void gx_record_free(gx_record *rec)
{
    free(rec->f);
    free(rec->len);
    free(rec->null);
    memset(rec, 0, sizeof *rec);
}

void gx_tsv_in_init(gx_tsv_in *t, int argc, char **argv, const char *files0,
                    const char *const *columns, int ncol)
{
    memset(t, 0, sizeof *t);
    gx_inputs_init(&t->inputs, argc, argv, files0);
    t->columns = columns;
    t->ncol = ncol;
}

/* Does the line start with the expected header's columns (then maybe more)?
 * Returns the number of columns in the line, or -1 if it is not our header. */
static int header_match(gx_tsv_in *t, const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    int i = 0;
    for (; i < t->ncol; i++) {
        size_t cl = strlen(t->columns[i]);
        if ((size_t)(end - p) < cl || memcmp(p, t->columns[i], cl) != 0) return -1;
        p += cl;
        if (i + 1 < t->ncol) {
            if (p == end || *p != '\t') return -1;
            p++;
        }
    }
    if (p == end) return t->ncol;
    if (*p != '\t') return -1;
    int n = t->ncol;
    for (; p < end; p++) if (*p == '\t') n++;
    return n;
}

/* A header line of any gx stream (doc stream, fact stream, findings). */
static bool is_some_header(const char *line, size_t len)
{
    if (len < 4 || memcmp(line, "doc\t", 4) != 0) return false;   /* every one starts so */
    static const char *const starts[] = {"doc\tline\tpage\t", "doc\tyear\torg\t", "doc\trule\tseverity\t"};
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
        size_t n = strlen(starts[i]);
        if (len >= n && memcmp(line, starts[i], n) == 0) return true;
    }
    return false;
}

/* The next record line of t after every check but its fields: the header
 * of each operand taken (and compared with the expected columns), repeated
 * headers of concatenated streams skipped, a CR at the end, a NUL (when
 * nul_check: gx_tsv_next finds NULs as it splits) and the header of another
 * stream reported. */
static bool next_line(gx_tsv_in *t, char **line_out, size_t *len_out, bool nul_check)
{
    for (;;) {
        if (!t->open) {
            const char *path = gx_inputs_next(&t->inputs);
            if (!path) return false;
            if (!gx_reader_open(&t->r, path)) continue;
            t->open = true;
            t->header_seen = false;
            free(t->header_line);
            t->header_line = NULL;
        }
        char *line;
        size_t len;
        if (!gx_reader_next(&t->r, &line, &len)) {
            gx_reader_close(&t->r);
            t->open = false;
            continue;
        }
        if (len && line[len - 1] == '\r') {
            gx_error_at(t->r.name, t->r.lineno, "CR at end of line: gx-TSV lines end with LF only");
            line[--len] = 0;
        }
        if (!t->header_seen || nul_check) {
            if (memchr(line, 0, len)) {
                gx_error_at(t->r.name, t->r.lineno, "NUL byte in a gx-TSV record");
                continue;
            }
        }
        if (!t->header_seen) {
            int n = header_match(t, line, len);
            if (n < 0) {
                gx_error_at(t->r.name, t->r.lineno,
                            "not the expected stream: the first line must be the header "
                            "\"%s\\t%s\\t...\" (%d columns)",
                            t->columns[0], t->ncol > 1 ? t->columns[1] : "", t->ncol);
                gx_reader_close(&t->r);
                t->open = false;
                continue;
            }
            t->file_ncol = n;
            t->header_line = gx_xstrdup(line);
            t->header_len = len;
            t->header_seen = true;
            continue;
        }
        /* (a line with a NUL is never the header, which has none) */
        if (len == t->header_len && memcmp(line, t->header_line, len) == 0) continue; /* concatenated streams */
        t->rec.file = t->r.name;
        t->rec.line = t->r.lineno;
        /* A header of another stream in the middle is an error of its own. */
        if (is_some_header(line, len)) {
            if (memchr(line, 0, len)) gx_error_at(t->r.name, t->r.lineno, "NUL byte in a gx-TSV record");
            else gx_error_at(t->r.name, t->r.lineno, "a different header in the middle of the stream");
            continue;
        }
        *line_out = line;
        *len_out = len;
        return true;
    }
}

bool gx_tsv_next_line(gx_tsv_in *t, char **line, size_t *len)
{
    return next_line(t, line, len, true);
}

gx_record *gx_tsv_next(gx_tsv_in *t)
{
    char *line;
    size_t len;
    while (next_line(t, &line, &len, false)) {
        if (t->keep_raw) {
            gx_buf_reset(&t->raw);
            gx_buf_add(&t->raw, line, len);
        }
        bool nul;
        int n = tsv_split(&t->rec, line, len, &nul);
        if (nul) {
            gx_error_at(t->r.name, t->r.lineno, "NUL byte in a gx-TSV record");
            continue;
        }
        if (n != t->file_ncol) {
            gx_error_at(t->r.name, t->r.lineno, "record has %d fields, header has %d", n, t->file_ncol);
            continue;
        }
        return &t->rec;
    }
    return NULL;
}

void gx_tsv_in_free(gx_tsv_in *t)
{
    if (t->open) gx_reader_close(&t->r);
    free(t->header_line);
    gx_record_free(&t->rec);
    gx_inputs_free(&t->inputs);
    gx_buf_free(&t->raw);
}

/* ---- options, help, completion ------------------------------------------- */

static int n_opts(const gx_cmd *cmd)
{
    int n = 0;
    while (cmd->opts[n].name) n++;
    return n;
}

int gx_opt_id(const gx_cmd *cmd, const char *name)
{
    for (int i = 0; cmd->opts[i].name; i++)
        if (strcmp(cmd->opts[i].name, name) == 0) return 256 + i;
    return -1;
}

void gx_help(const gx_cmd *cmd, FILE *fp)
{
    fprintf(fp, "Usage: %s %s\n%s\n\nOptions:\n", cmd->name, cmd->synopsis, cmd->summary);
    for (const gx_opt *o = cmd->opts; o->name; o++) {
        char left[64];
        int n = 0;
        if (o->short_name) n = snprintf(left, sizeof left, "  -%c, ", o->short_name);
        else n = snprintf(left, sizeof left, "      ");
        snprintf(left + n, sizeof left - (size_t)n, "--%s%s%s", o->name,
                 o->arg ? "=" : "", o->arg ? o->arg : "");
        if (strlen(left) < 28) fprintf(fp, "%-28s %s\n", left, o->help);
        else fprintf(fp, "%s\n%-28s %s\n", left, "", o->help);
    }
    if (cmd->details) fprintf(fp, "\n%s\n", cmd->details);
    if (cmd->examples) fprintf(fp, "\nExamples:\n%s\n", cmd->examples);
    fprintf(fp, "\nExit status: 0 ok, 1 findings (gx-check), 2 usage, input or output error.\n"
                "Files: FILE operands, - for standard input (the default).\n"
                "See %s(1), gx(7), gx-tsv(5).\n", cmd->name);
}

static void fish_quote(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\') fputc('\\', fp);
        fputc(*s, fp);
    }
    fputc('\'', fp);
}

void gx_completion(const gx_cmd *cmd, const char *shell, FILE *fp)
{
    const char *name = cmd->name;
    if (strcmp(shell, "bash") == 0) {
        char fn[64];
        snprintf(fn, sizeof fn, "_%s", name);
        for (char *p = fn; *p; p++) if (*p == '-') *p = '_';
        fprintf(fp, "# bash completion for %s (generated by %s --completion=bash)\n", name, name);
        fprintf(fp, "%s()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]}\n", fn);
        fprintf(fp, "    local prev=${COMP_WORDS[COMP_CWORD-1]}\n");
        fprintf(fp, "    if [[ $cur == --*=* ]]; then\n        local opt=${cur%%%%=*} val=${cur#*=}\n        case $opt in\n");
        for (const gx_opt *o = cmd->opts; o->name; o++) {
            if (!o->arg || !o->values) continue;
            if (strcmp(o->values, "FILE") == 0)
                fprintf(fp, "            --%s) COMPREPLY=($(compgen -f -P \"$opt=\" -- \"$val\")); return;;\n", o->name);
            else
                fprintf(fp, "            --%s) COMPREPLY=($(compgen -W '%s' -P \"$opt=\" -- \"$val\")); return;;\n",
                        o->name, o->values);
        }
        fprintf(fp, "        esac\n        return\n    fi\n");
        fprintf(fp, "    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W '");
        for (const gx_opt *o = cmd->opts; o->name; o++) {
            fprintf(fp, "%s--%s%s", o == cmd->opts ? "" : " ", o->name, o->arg ? "=" : "");
            if (o->short_name) fprintf(fp, " -%c", o->short_name);
        }
        fprintf(fp, "' -- \"$cur\"))\n        [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace\n        return\n    fi\n");
        fprintf(fp, "    COMPREPLY=($(compgen -f -- \"$cur\"))\n}\ncomplete -o filenames -F %s %s\n", fn, name);
    } else if (strcmp(shell, "zsh") == 0) {
        fprintf(fp, "#compdef %s\n# zsh completion for %s (generated by %s --completion=zsh)\n", name, name, name);
        fprintf(fp, "_arguments -s \\\n");
        for (const gx_opt *o = cmd->opts; o->name; o++) {
            char help[256];
            size_t k = 0;
            for (const char *h = o->help; *h && k + 2 < sizeof help; h++) {
                if (*h == '\'' || *h == '[' || *h == ']' || *h == ':') continue;
                help[k++] = *h;
            }
            help[k] = 0;
            const char *action = "";
            char act[256];
            if (o->arg) {
                if (o->values && strcmp(o->values, "FILE") == 0) action = ":file:_files";
                else if (o->values) { snprintf(act, sizeof act, ":%s:(%s)", o->arg, o->values); action = act; }
                else { snprintf(act, sizeof act, ":%s: ", o->arg); action = act; }
            }
            if (o->short_name)
                fprintf(fp, "  '(-%c --%s)'{-%c,--%s%s}'[%s]%s' \\\n", o->short_name, o->name,
                        o->short_name, o->name, o->arg ? "=" : "", help, action);
            else
                fprintf(fp, "  '--%s%s[%s]%s' \\\n", o->name, o->arg ? "=" : "", help, action);
        }
        fprintf(fp, "  '*:file:_files'\n");
    } else if (strcmp(shell, "fish") == 0) {
        fprintf(fp, "# fish completion for %s (generated by %s --completion=fish)\n", name, name);
        for (const gx_opt *o = cmd->opts; o->name; o++) {
            fprintf(fp, "complete -c %s -l %s", name, o->name);
            if (o->short_name) fprintf(fp, " -s %c", o->short_name);
            if (o->arg) {
                if (o->values && strcmp(o->values, "FILE") == 0) fprintf(fp, " -r -F");
                else if (o->values) { fprintf(fp, " -x -a "); fish_quote(fp, o->values); }
                else fprintf(fp, " -x");
            }
            fprintf(fp, " -d ");
            fish_quote(fp, o->help);
            fputc('\n', fp);
        }
    } else {
        gx_die(GX_EXIT_ERROR, "--completion: unknown shell '%s' (bash, zsh or fish)", shell);
    }
}

int gx_getopt(const gx_cmd *cmd, gx_getopt_state *st, int argc, char **argv,
              const char **arg)
{
    if (!st->longopts) {
        int n = n_opts(cmd);
        struct option *lo = gx_xcalloc((size_t)n + 1, sizeof *lo);
        char *so = gx_xmalloc((size_t)n * 3 + 2);
        size_t k = 0;
        so[k++] = ':';
        for (int i = 0; i < n; i++) {
            const gx_opt *o = &cmd->opts[i];
            lo[i].name = o->name;
            lo[i].has_arg = o->arg ? required_argument : no_argument;
            lo[i].flag = NULL;
            lo[i].val = o->short_name ? o->short_name : 256 + i;
            if (o->short_name) {
                so[k++] = o->short_name;
                if (o->arg) so[k++] = ':';
            }
        }
        so[k] = 0;
        st->longopts = lo;
        st->shortopts = so;
        optind = 1;
        opterr = 0;
    }
    for (;;) {
        int c = getopt_long(argc, argv, st->shortopts, st->longopts, NULL);
        st->optind = optind;
        *arg = optarg;
        if (c == -1) return -1;
        if (c == '?' || c == ':') {
            const char *bad = argv[optind - 1];
            if (c == ':')
                fprintf(stderr, "%s: option '%s' requires an argument\n", cmd->name, bad);
            else if (optopt && optopt < 256)
                fprintf(stderr, "%s: invalid option -- '%c'\n", cmd->name, optopt);
            else
                fprintf(stderr, "%s: unrecognized option '%s'\n", cmd->name, bad);
            fprintf(stderr, "Try '%s --help' for more information.\n", cmd->name);
            exit(GX_EXIT_ERROR);
        }
        const gx_opt *o = NULL;
        if (c >= 256) o = &cmd->opts[c - 256];
        else for (const gx_opt *p = cmd->opts; p->name; p++) if (p->short_name == c) o = p;
        if (o && strcmp(o->name, "help") == 0) {
            gx_help(cmd, stdout);
            exit(fflush(stdout) == 0 ? GX_EXIT_OK : GX_EXIT_ERROR);
        }
        if (o && strcmp(o->name, "version") == 0) {
            printf("%s (gx) %s\n", cmd->name, GX_VERSION);
            exit(fflush(stdout) == 0 ? GX_EXIT_OK : GX_EXIT_ERROR);
        }
        if (o && strcmp(o->name, "completion") == 0) {
            gx_completion(cmd, optarg, stdout);
            exit(fflush(stdout) == 0 ? GX_EXIT_OK : GX_EXIT_ERROR);
        }
        return c;
    }
}

void gx_getopt_free(gx_getopt_state *st)
{
    free(st->longopts);
    free(st->shortopts);
    st->longopts = NULL;
    st->shortopts = NULL;
}

/* ---- knowledge tables ------------------------------------------------------ */

struct gx_embedded { const char *name; const char *data; size_t len; };
extern const struct gx_embedded gx_embedded_files[];

const char *gx_share(const char *name, size_t *len)
{
    const char *dir = getenv("GX_SHARE");
    if (dir && *dir) {
        static gx_buf cache[16];
        static char *cache_name[16];
        for (int i = 0; i < 16; i++) {
            if (cache_name[i] && strcmp(cache_name[i], name) == 0) {
                *len = cache[i].len;
                return cache[i].data;
            }
        }
        for (int i = 0; i < 16; i++) {
            if (cache_name[i]) continue;
            gx_buf path;
            gx_buf_init(&path);
            gx_buf_printf(&path, "%s/%s", dir, name);
            if (access(path.data, R_OK) == 0) {
                gx_buf_init(&cache[i]);
                if (!gx_slurp(path.data, &cache[i]))
                    gx_die(GX_EXIT_ERROR, "cannot read %s", path.data);
                gx_buf_free(&path);
                cache_name[i] = gx_xstrdup(name);
                *len = cache[i].len;
                return cache[i].data ? cache[i].data : "";
            }
            gx_buf_free(&path);
            break;
        }
    }
    for (const struct gx_embedded *e = gx_embedded_files; e->name; e++) {
        if (strcmp(e->name, name) == 0) {
            *len = e->len;
            return e->data;
        }
    }
    *len = 0;
    return NULL;
}

bool gx_table_line(char **p, char *end, char **line, size_t *len, long *lineno)
{
    while (*p < end) {
        char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
        char *le = nl ? nl : end;
        ++*lineno;
        *le = 0;
        size_t n = (size_t)(le - s);
        if (n && s[n - 1] == '\r') s[--n] = 0;
        *p = nl ? nl + 1 : end;
        if (n == 0 || s[0] == '#') continue;
        *line = s;
        *len = n;
        return true;
    }
    return false;
}

void gx_table_load(gx_table *t, const char *name, const char *path)
{
    memset(t, 0, sizeof *t);
    t->name = path ? path : name;
    size_t len;
    if (path) {
        gx_buf b;
        gx_buf_init(&b);
        if (!gx_slurp(path, &b)) exit(GX_EXIT_ERROR);
        len = b.len;
        t->text = b.data ? b.data : gx_xstrdup("");
    } else {
        const char *d = gx_share(name, &len);
        if (!d) gx_die(GX_EXIT_ERROR, "no knowledge table named %s", name);
        t->text = gx_xmalloc(len + 1);
        memcpy(t->text, d, len);
        t->text[len] = 0;
    }
    /* Three allocations in all, whatever the size: the text, one block of
     * field pointers (header and rows), the row index. */
    char *p = t->text, *end = t->text + len;
    size_t nlines = 1;
    for (const char *q = p; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++) nlines++;
    gx_record rec = {0};
    long lineno = 0;
    char *line;
    size_t n;
    while (gx_table_line(&p, end, &line, &n, &lineno)) {
        int nf = gx_tsv_split(&rec, line, n);
        if (!t->header) {
            t->ncols = nf;
            t->cells = gx_xmalloc(nlines * (size_t)nf * sizeof *t->cells);
            t->rows = gx_xmalloc(nlines * sizeof *t->rows);
            t->header = t->cells;
            memcpy(t->header, rec.f, (size_t)nf * sizeof *t->header);
            continue;
        }
        if (nf > t->ncols)
            gx_die(GX_EXIT_ERROR, "%s:%ld: row has %d fields, header has %d",
                   t->name, lineno, nf, t->ncols);
        char **row = t->cells + (size_t)(t->nrows + 1) * (size_t)t->ncols;
        for (int j = 0; j < t->ncols; j++) row[j] = j < nf ? rec.f[j] : end; /* end: "" */
        t->rows[t->nrows++] = row;
    }
    gx_record_free(&rec);
    if (!t->header) gx_die(GX_EXIT_ERROR, "%s: empty knowledge table", t->name);
}

int gx_table_col(const gx_table *t, const char *column)
{
    for (int j = 0; j < t->ncols; j++)
        if (strcmp(t->header[j], column) == 0) return j;
    return -1;
}

void gx_table_free(gx_table *t)
{
    free(t->rows);
    free(t->cells);
    free(t->text);
    memset(t, 0, sizeof *t);
}

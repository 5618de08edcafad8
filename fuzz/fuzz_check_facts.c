/* Fuzz gx-check's fact-stream intake and evaluation: arbitrary bytes split
 * into gx-TSV records (one per LF), added to a document, then every
 * built-in rule evaluated (output to /dev/null). */
#include "check.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static check_rules rs;
    static bool ready;
    if (!ready) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) dup2(fd, 1);
        size_t len;
        const char *text = gx_share("rules.tsv", &len);
        char err[300];
        if (!text || !check_rules_parse(&rs, text, len, "rules.tsv", err, sizeof err)) abort();
        ready = true;
    }
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = 0;
    check_doc d;
    check_doc_init(&d);
    gx_record rec = {0};
    size_t start = 0;
    long line = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && buf[i] != '\n') continue;
        buf[i] = 0;
        line++;
        int n = gx_tsv_split(&rec, buf + start, i - start);
        start = i + 1;
        if (n != GX_FACT_NCOL) continue;
        rec.file = "fuzz";
        rec.line = line;
        check_doc_add(&d, &rec);
    }
    check_opts o = {.all = true, .annotate = size % 2 == 1, .summary = size % 3 == 1};
    if (o.annotate) o.summary = false;
    check_tally t;
    memset(&t, 0, sizeof t);
    gx_buf_init(&t.worst);
    check_doc_run(&d, &rs, &o, &t);
    gx_buf_free(&t.worst);
    check_doc_free(&d);
    gx_record_free(&rec);
    free(buf);
    return 0;
}

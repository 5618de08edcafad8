/* Fuzz the equation parser of gx-check (lib/check_rules.c) on arbitrary
 * bytes: parse, then free; the parser must never crash or leak. */
#include "check.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    check_expr e;
    char err[200];
    if (check_expr_parse(s, &e, err, sizeof err)) {
        if (e.n < 1) abort();
        for (int i = 0; i < e.n; i++)
            if (e.rel[i].side[0].n < 1 || e.rel[i].side[1].n < 1) abort();
    } else if (!err[0]) {
        abort(); /* an error always has a message */
    }
    check_expr_free(&e);
    free(s);
    return 0;
}

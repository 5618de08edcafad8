/* Fuzz the value parser of gx-normalize (lib/normalize_value.c) on arbitrary
 * bytes: it must never crash, a number must be plain ASCII decimal, and a
 * blank must never become a number. */
#include "normalize.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nz_value v;
    nz_value_parse((const char *)data, size, &v);
    if (v.state == NZ_NUMBER) {
        const char *p = v.num;
        if (*p == '-') p++;
        if (!(*p >= '0' && *p <= '9')) abort();
        int dots = 0;
        for (; *p; p++) {
            if (*p == '.') { if (++dots > 1) abort(); continue; }
            if (*p < '0' || *p > '9') abort();
        }
    } else if (v.num[0]) {
        abort(); /* no value unless a number */
    }
    if (size == 0 && v.state != NZ_EMPTY) abort();
    (void)nz_is_unit((const char *)data, size);
    (void)nz_unit_prefix((const char *)data, size);
    return 0;
}

/* Fuzz the report decoder (UTF-8/BOM, UTF-16 with BOM, GB18030, binary
 * checks) on arbitrary bytes: it must either fail cleanly or return valid
 * UTF-8 without NUL bytes. */
#include "segment.h"
#include "text.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gx_buf out;
    gx_buf_init(&out);
    if (gx_seg_decode((const char *)data, size, "fuzz", &out)) {
        if (!gx_utf8_valid(out.data, out.len)) abort();
        if (memchr(out.data, 0, out.len)) abort();
    }
    gx_buf_free(&out);
    return 0;
}

#include "string-util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool ctrd_parse_query_bool(const char *s) {
        if (!s)
                return false;
        while (isspace((unsigned char) *s))
                s++;
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char) s[n - 1]))
                n--;
        static const char *const falsy[] = { "", "0", "no", "false", "none" };
        for (size_t i = 0; i < sizeof(falsy) / sizeof(falsy[0]); i++)
                if (strlen(falsy[i]) == n && strncasecmp(s, falsy[i], n) == 0)
                        return false;
        return true;
}

int ctrd_parse_int64(const char *s, int64_t min, int64_t max, int64_t *ret) {
        if (!s || !*s || isspace((unsigned char) *s))
                return -EINVAL;
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (*end != '\0')
                return -EINVAL;
        if (errno == ERANGE || v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

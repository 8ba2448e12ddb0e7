/*
 * The Go-template subset of --format (see format.h). Each action is parsed
 * and evaluated as it is met: templates are a line long and rendered a few
 * dozen times, so there is nothing to gain from compiling them first.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "format.h"

#define MAX_TOKENS 4

struct action {
        char *tokens[MAX_TOKENS];
        size_t n;
};

static void action_clear(struct action *a) {
        for (size_t i = 0; i < a->n; i++)
                free(a->tokens[i]);
        a->n = 0;
}

/* Splits an action into words; a "quoted string" is one word, quotes kept. */
static int tokenize(const char *s, size_t len, struct action *a, struct ctrd_error *err) {
        const char *end = s + len;
        while (s < end) {
                if (isspace((unsigned char) *s)) {
                        s++;
                        continue;
                }
                const char *start = s;
                if (*s == '"') {
                        for (s++; s < end && *s != '"'; s++)
                                if (*s == '\\' && s + 1 < end)
                                        s++;
                        if (s >= end)
                                return ctrd_error_set(err, EINVAL, "template: unterminated quoted string");
                        s++;
                } else {
                        while (s < end && !isspace((unsigned char) *s))
                                s++;
                }
                if (a->n == MAX_TOKENS)
                        return ctrd_error_set(err, EINVAL, "template: too many arguments in action");
                a->tokens[a->n] = strndup(start, (size_t) (s - start));
                if (!a->tokens[a->n])
                        return -ENOMEM;
                a->n++;
        }
        if (a->n == 0)
                return ctrd_error_set(err, EINVAL, "template: missing value for command");
        return 0;
}

/* ".A.B" walked through ctx; NULL when a key is missing. */
static int eval_field(const char *expr, json_t *ctx, json_t **ret, struct ctrd_error *err) {
        if (expr[0] != '.')
                return ctrd_error_set(err, EINVAL, "template: function \"%s\" not defined", expr);
        json_t *v = ctx;
        const char *p = expr + 1;
        while (*p && v) {
                size_t n = strcspn(p, ".");
                if (n == 0)
                        return ctrd_error_set(err, EINVAL, "template: bad field \"%s\"", expr);
                _cleanup_free_ char *key = strndup(p, n);
                if (!key)
                        return -ENOMEM;
                v = json_is_object(v) ? json_object_get(v, key) : NULL;
                p += n + (p[n] == '.');
        }
        *ret = v;
        return 0;
}

/* Go's default printing of a decoded JSON value. */
static void print_value(json_t *v, FILE *out) {
        size_t i;
        json_t *e;
        const char *k;
        switch (json_typeof(v)) {
        case JSON_STRING:
                fwrite(json_string_value(v), 1, json_string_length(v), out);
                break;
        case JSON_INTEGER:
                fprintf(out, "%lld", (long long) json_integer_value(v));
                break;
        case JSON_REAL:
                fprintf(out, "%g", json_real_value(v));
                break;
        case JSON_TRUE:
        case JSON_FALSE:
                fputs(json_is_true(v) ? "true" : "false", out);
                break;
        case JSON_NULL:
                fputs("<nil>", out);
                break;
        case JSON_ARRAY:
                fputc('[', out);
                json_array_foreach(v, i, e) {
                        if (i > 0)
                                fputc(' ', out);
                        print_value(e, out);
                }
                fputc(']', out);
                break;
        case JSON_OBJECT:
                fputs("map[", out);
                i = 0;
                json_object_foreach(v, k, e) {
                        fprintf(out, "%s%s:", i++ ? " " : "", k);
                        print_value(e, out);
                }
                fputc(']', out);
                break;
        }
}

static void print_cased(json_t *v, bool upper, FILE *out) {
        for (const char *s = json_string_value(v); s && *s; s++)
                fputc(upper ? toupper((unsigned char) *s) : tolower((unsigned char) *s), out);
}

/* index ARG "key" or index ARG N. */
static json_t *eval_index(json_t *v, const char *key) {
        if (json_is_array(v))
                return json_array_get(v, strtoul(key, NULL, 10));
        if (key[0] != '"')
                return NULL;
        _cleanup_free_ char *k = strndup(key + 1, strlen(key) - 2);
        return k ? json_object_get(v, k) : NULL;
}

static int eval_action(const struct action *a, json_t *ctx, FILE *out, struct ctrd_error *err) {
        const char *fn = a->tokens[0];
        bool is_fn = fn[0] != '.';
        size_t want = !is_fn ? 1 : strcmp(fn, "index") == 0 ? 3 : 2;
        if (is_fn && strcmp(fn, "json") != 0 && strcmp(fn, "index") != 0 &&
            strcmp(fn, "upper") != 0 && strcmp(fn, "lower") != 0)
                return ctrd_error_set(err, EINVAL, "template: function \"%s\" not defined", fn);
        if (a->n != want)
                return ctrd_error_set(err, EINVAL, "template: wrong number of args for %s: "
                                      "want %zu got %zu", fn, want - 1, a->n - 1);
        json_t *v = NULL;
        int r = eval_field(a->tokens[is_fn ? 1 : 0], ctx, &v, err);
        if (r < 0)
                return r;
        if (strcmp(fn, "json") == 0) {
                if (!v)
                        fputs("null", out);
                return v ? ctl_print_json(v, JSON_COMPACT, out) : 0;
        }
        if (strcmp(fn, "index") == 0)
                v = eval_index(v, a->tokens[2]);
        if (!v)
                fputs("<no value>", out);
        else if (strcmp(fn, "upper") == 0 || strcmp(fn, "lower") == 0)
                print_cased(v, fn[0] == 'u', out);
        else
                print_value(v, out);
        return 0;
}

int ctl_template_render(const char *tmpl, json_t *ctx, FILE *out, struct ctrd_error *err) {
        const char *p = tmpl;
        while (*p) {
                const char *open = strstr(p, "{{");
                if (!open) {
                        fputs(p, out);
                        break;
                }
                fwrite(p, 1, (size_t) (open - p), out);
                const char *close = strstr(open + 2, "}}");
                if (!close)
                        return ctrd_error_set(err, EINVAL, "template: unclosed action");
                struct action a = { 0 };
                int r = tokenize(open + 2, (size_t) (close - open - 2), &a, err);
                if (r >= 0)
                        r = eval_action(&a, ctx, out, err);
                action_clear(&a);
                if (r < 0)
                        return r;
                p = close + 2;
        }
        return 0;
}

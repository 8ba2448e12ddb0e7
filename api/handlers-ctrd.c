/*
 * ctrd's own endpoints, under /ctrd/ (what Docker's API has no place for).
 * GET/POST /ctrd/log-level: read or change the daemon's log level at run time.
 */
#include <string.h>

#include "handlers.h"
#include "log.h"

void api_handle_get_log_level(struct api_request *req) {
        json_t *o = json_pack("{s:s}", "Level", ctrd_log_level_to_string(ctrd_log_get_level()));
        if (!o) {
                api_reply_error(req, 500, "out of memory");
                return;
        }
        api_reply_json(req, 200, o);
}

void api_handle_set_log_level(struct api_request *req) {
        json_t *body = NULL;
        if (api_request_json(req, &body) < 0)
                return;
        if (!body) {
                api_reply_error(req, 400, "a JSON body {\"Level\": ...} is required");
                return;
        }
        json_t *level = json_object_get(body, "Level");
        if (!json_is_string(level)) {
                json_decref(body);
                api_reply_error(req, 400, "Level: expected a string");
                return;
        }
        enum ctrd_log_level l = ctrd_log_level_from_string(json_string_value(level));
        if (l == _CTRD_LOG_LEVEL_INVALID) {
                api_reply_error(req, 400, "invalid log level \"%s\": use error, warning, info or debug",
                                json_string_value(level));
                json_decref(body);
                return;
        }
        json_decref(body);
        ctrd_log_set_level(l);
        log_info("log level set to %s", ctrd_log_level_to_string(l));
        api_reply_empty(req, 204);
}

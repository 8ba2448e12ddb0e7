/*
 * GET /networks, GET /networks/{id}, POST /networks/create,
 * DELETE /networks/{id}, POST /networks/{id}/connect|disconnect,
 * POST /networks/prune. Parsing and rendering only; daemon/net-*.c does the work.
 */
#include <string.h>

#include "daemon/engine.h"
#include "daemon/net.h"
#include "handlers-networks.h"

/* GET /networks?filters={"name":[...]} or {"id":[...]}: substring and prefix matches, as Docker's. */
static bool wanted(json_t *net, json_t *filters) {
        json_t *names = json_object_get(filters, "name"), *ids = json_object_get(filters, "id"), *v;
        size_t i;
        bool ok = json_array_size(names) == 0;
        json_array_foreach(names, i, v)
                ok |= json_string_value(v) &&
                      strstr(json_string_value(json_object_get(net, "Name")), json_string_value(v));
        if (!ok || json_array_size(ids) == 0)
                return ok;
        ok = false;
        json_array_foreach(ids, i, v)
                ok |= json_string_value(v) &&
                      strncmp(json_string_value(json_object_get(net, "Id")), json_string_value(v),
                              strlen(json_string_value(v))) == 0;
        return ok;
}

void api_handle_networks_list(struct api_request *req) {
        const char *f = api_request_query(req, "filters");
        json_t *filters = f && *f ? json_loads(f, 0, NULL) : NULL, *all = NULL, *v;
        struct ctrd_error err = { 0 };
        if (f && *f && !json_is_object(filters)) {
                json_decref(filters);
                api_reply_error(req, 400, "invalid filter: %s", f);
                return;
        }
        int r = net_network_list(api_request_engine(req), &all, &err);
        if (r < 0) {
                json_decref(filters);
                api_reply_errno(req, r, &err);
                return;
        }
        json_t *out = json_array();
        size_t i;
        json_array_foreach(all, i, v)
                if (wanted(v, filters))
                        json_array_append(out, v);
        json_decref(all);
        json_decref(filters);
        api_reply_json(req, 200, out);
}

void api_handle_network_inspect(struct api_request *req) {
        json_t *o = NULL;
        struct ctrd_error err = { 0 };
        int r = net_network_inspect(api_request_engine(req), api_request_param(req, "id"), &o, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 200, o);
}

void api_handle_network_create(struct api_request *req) {
        json_t *body = NULL, *o = NULL;
        struct ctrd_error err = { 0 };
        if (api_request_json(req, &body) < 0)
                return;
        int r = net_network_create(api_request_engine(req), body, &o, &err);
        json_decref(body);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 201, o);
}

void api_handle_network_delete(struct api_request *req) {
        struct ctrd_error err = { 0 };
        int r = net_network_remove(api_request_engine(req), api_request_param(req, "id"), &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_empty(req, 204);
}

static void connect_or_disconnect(struct api_request *req, bool connect) {
        json_t *body = NULL;
        struct ctrd_error err = { 0 };
        if (api_request_json(req, &body) < 0)
                return;
        if (!body) {
                api_reply_error(req, 400, "a body with Container is required");
                return;
        }
        struct ctrd_engine *e = api_request_engine(req);
        const char *id = api_request_param(req, "id");
        int r = connect ? net_network_connect(e, id, body, &err)
                        : net_network_disconnect(e, id, body, &err);
        json_decref(body);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_empty(req, 200);
}

void api_handle_network_connect(struct api_request *req) {
        connect_or_disconnect(req, true);
}

void api_handle_network_disconnect(struct api_request *req) {
        connect_or_disconnect(req, false);
}

void api_handle_networks_prune(struct api_request *req) {
        json_t *o = NULL;
        struct ctrd_error err = { 0 };
        int r = net_network_prune(api_request_engine(req), &o, &err);
        if (r < 0)
                api_reply_errno(req, r, &err);
        else
                api_reply_json(req, 200, o);
}

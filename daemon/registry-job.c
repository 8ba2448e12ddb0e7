#include "registry-job.h"

#include "cleanup.h"

static json_t *strv_to_json(char **l) {
        json_t *a = json_array();
        for (size_t i = 0; a && l && l[i]; i++)
                if (json_array_append_new(a, json_string(l[i])) < 0)
                        json_decref(TAKE_PTR(a));
        return a;
}

json_t *registry_job_request(const struct registry_options *opts, const struct registry_creds *creds) {
        json_t *auth = json_object();
        if (auth && creds &&
            ((creds->username && json_object_set_new(auth, "username", json_string(creds->username)) < 0) ||
             (creds->password && json_object_set_new(auth, "password", json_string(creds->password)) < 0) ||
             (creds->identity_token &&
              json_object_set_new(auth, "identitytoken", json_string(creds->identity_token)) < 0)))
                json_decref(TAKE_PTR(auth));
        json_t *mirrors = strv_to_json(opts ? opts->mirrors : NULL);
        json_t *insecure = strv_to_json(opts ? opts->insecure : NULL);
        if (!auth || !mirrors || !insecure) {
                json_decref(auth);
                json_decref(mirrors);
                json_decref(insecure);
                return NULL;
        }
        return json_pack("{s:{s:o, s:o}, s:o}", "Registry", "Mirrors", mirrors, "Insecure", insecure,
                         "Auth", auth);
}

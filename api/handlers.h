/* Request handlers, one file per resource (api/handlers-*.c). */
#pragma once

#include "request.h"

/* handlers-system.c */
void api_handle_ping(struct api_request *req);
void api_handle_version(struct api_request *req);
void api_handle_info(struct api_request *req);

/* handlers-ctrd.c */
void api_handle_get_log_level(struct api_request *req);
void api_handle_set_log_level(struct api_request *req);

/* handlers-events.c */
void api_handle_events(struct api_request *req);

/* handlers-containers.c, handlers-containers-list.c */
void api_handle_container_create(struct api_request *req);
void api_handle_container_list(struct api_request *req);
void api_handle_container_inspect(struct api_request *req);
void api_handle_container_start(struct api_request *req);
void api_handle_container_stop(struct api_request *req);
void api_handle_container_restart(struct api_request *req);
void api_handle_container_kill(struct api_request *req);
void api_handle_container_wait(struct api_request *req);
void api_handle_container_delete(struct api_request *req);
void api_handle_container_rename(struct api_request *req);
void api_handle_container_logs(struct api_request *req);
void api_handle_container_prune(struct api_request *req);

/* handlers-exec.c */
void api_handle_exec_create(struct api_request *req);
void api_handle_exec_start(struct api_request *req);
void api_handle_exec_resize(struct api_request *req);
void api_handle_exec_inspect(struct api_request *req);

/* handlers-attach.c; api_terminal_size reads ?h=&w= as the CLI sends them (400 when bad). */
int api_terminal_size(struct api_request *req, unsigned *rows, unsigned *cols);
void api_handle_container_attach(struct api_request *req);
void api_handle_container_resize(struct api_request *req);

/* handlers-containers-ops.c */
void api_handle_container_pause(struct api_request *req);
void api_handle_container_unpause(struct api_request *req);
void api_handle_container_top(struct api_request *req);
void api_handle_container_stats(struct api_request *req);

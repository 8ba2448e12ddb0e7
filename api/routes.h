/* The route table: every endpoint ctrd serves, in one place (api/routes.c). */
#pragma once

#include <stddef.h>

#include "router.h"

extern const struct api_route api_routes[];
extern const size_t api_routes_count;

/*
 * Image references parsed and normalised as Docker does it
 * (distribution/reference): "busybox" is docker.io/library/busybox:latest,
 * "host:5000/a/b:t" keeps its registry, "name@sha256:<hex>" pins a digest.
 * Tags are stored and compared in the full form; the familiar form
 * ("busybox:latest") is for display.
 */
#pragma once

#include <stdbool.h>

#include "error.h"

#define IMAGE_REF_DEFAULT_DOMAIN "docker.io"
#define IMAGE_REF_DEFAULT_TAG "latest"

struct image_ref {
        char *domain;   /* "docker.io", "host:5000" */
        char *path;     /* "library/busybox", "a/b" */
        char *tag;      /* NULL only when a digest was given without a tag */
        char *digest;   /* NULL or "sha256:<hex>" */
};

/*
 * Parses s; a reference with neither tag nor digest gets the tag "latest".
 * Fails with -EINVAL and Docker's wording ("invalid reference format...").
 */
int image_ref_parse(const char *s, struct image_ref *ret, struct ctrd_error *err);

/*
 * The "repo" and "tag" query parameters of import and tag: repo may carry its
 * own tag; a non-empty tag overrides the default. Digests are refused: a tag
 * names something we made, a digest names something a registry made.
 */
int image_ref_parse_repo_tag(const char *repo, const char *tag, struct image_ref *ret,
                             struct ctrd_error *err);

void image_ref_clear(struct image_ref *r);

/* "domain/path" or, familiar, "path" without docker.io/ and library/. */
char *image_ref_name(const struct image_ref *r, bool familiar);

/* The name with ":tag" and/or "@digest" as present. */
char *image_ref_string(const struct image_ref *r, bool familiar);

/* Familiar form of a full stored "domain/path:tag" or "domain/path@digest" string. */
char *image_ref_familiarize(const char *full);

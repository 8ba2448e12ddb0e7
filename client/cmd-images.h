/* ctrctl's image verbs (cmd-images.c); CTL_IMAGE_COMMANDS goes into the command table. */
#pragma once

#include "http.h"

int ctl_cmd_images(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_import(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_load(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_save(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_tag(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_rmi(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_image_inspect(struct ctl_client *c, int argc, char *argv[]);
int ctl_cmd_image_prune(struct ctl_client *c, int argc, char *argv[]);

#define CTL_IMAGE_COMMANDS                                                                 \
        { "images", ctl_cmd_images, "List images" },                                      \
        { "image ls", ctl_cmd_images, "List images" },                                    \
        { "import", ctl_cmd_import, "Import a rootfs tarball as an image" },              \
        { "load", ctl_cmd_load, "Load images from a docker-save or OCI archive" },        \
        { "save", ctl_cmd_save, "Save images to a tar archive" },                         \
        { "tag", ctl_cmd_tag, "Give an image another name" },                             \
        { "rmi", ctl_cmd_rmi, "Remove images" },                                          \
        { "image rm", ctl_cmd_rmi, "Remove images" },                                     \
        { "image inspect", ctl_cmd_image_inspect, "Show details of images" },             \
        { "image prune", ctl_cmd_image_prune, "Remove unused images" }

/* Container names: Docker's validity rule and generated "adjective_noun" names. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* [a-zA-Z0-9][a-zA-Z0-9_.-]+ (so at least two characters), at most 253. */
bool ctr_name_is_valid(const char *name);

/* Writes a random "adjective_noun" name into buf. */
void ctr_name_generate(char *buf, size_t len);

/* Writes 64 random hex digits + NUL. Returns 0 or -errno. */
int ctr_id_generate(char buf[65]);

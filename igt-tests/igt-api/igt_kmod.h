/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Declarations of IGT's public kernel-module helpers (see igt_core.h for
 * why metis carries its own declarations of IGT's API).
 */
#ifndef METIS_IGT_KMOD_H
#define METIS_IGT_KMOD_H

#include <stdbool.h>

/* modprobe @mod_name with @opts (may be NULL); 0 or -errno. */
int igt_kmod_load(const char *mod_name, const char *opts);
bool igt_kmod_is_loaded(const char *mod_name);

#endif /* METIS_IGT_KMOD_H */

/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * Umbrella header, as tests in an IGT tree include "igt.h".
 */
#ifndef METIS_IGT_H
#define METIS_IGT_H

#include "igt_core.h"
#include "igt_aux.h"
#include "igt_kmod.h"

#endif /* METIS_IGT_H */

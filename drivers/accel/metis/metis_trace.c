// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 */

#define CREATE_TRACE_POINTS
#include "metis_trace.h"

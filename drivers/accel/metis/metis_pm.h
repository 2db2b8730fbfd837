/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_PM_H__
#define __METIS_PM_H__

#include <linux/pm.h>

struct metis_device;

extern const struct dev_pm_ops metis_pm_ops;

void metis_pm_init(struct metis_device *mdev);
void metis_pm_fini(struct metis_device *mdev);

#endif /* __METIS_PM_H__ */

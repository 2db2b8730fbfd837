/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_BACKUP_H__
#define __METIS_BACKUP_H__

#include <linux/types.h>

struct dentry;
struct metis_bo;
struct metis_device;

int metis_mem_prepare(struct metis_device *mdev);
void metis_mem_unprepare(struct metis_device *mdev);
void metis_mem_keep_backups(struct metis_device *mdev, bool keep);
int metis_mem_save(struct metis_device *mdev);
int metis_mem_restore(struct metis_device *mdev);
void metis_backup_release(struct metis_bo *bo);
void metis_backup_debugfs_init(struct dentry *root);

#endif /* __METIS_BACKUP_H__ */

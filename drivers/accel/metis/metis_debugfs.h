/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_DEBUGFS_H__
#define __METIS_DEBUGFS_H__

struct metis_device;

#if IS_ENABLED(CONFIG_DEBUG_FS)
void metis_debugfs_init(struct metis_device *mdev);
void metis_debugfs_module_init(void);
void metis_debugfs_module_exit(void);
#else
static inline void metis_debugfs_init(struct metis_device *mdev) { }
static inline void metis_debugfs_module_init(void) { }
static inline void metis_debugfs_module_exit(void) { }
#endif

#endif /* __METIS_DEBUGFS_H__ */

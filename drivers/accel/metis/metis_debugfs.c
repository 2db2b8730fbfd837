// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * debugfs: state and its history, firmware, per-queue counters, resets,
 * interrupt counters, and a reset trigger.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "metis_backup.h"
#include "metis_debugfs.h"
#include "metis_dma.h"
#include "metis_drv.h"
#include "metis_gem.h"
#include "metis_reset.h"

static struct metis_device *seq_to_mdev(struct seq_file *m)
{
	struct drm_debugfs_entry *entry = m->private;

	return to_metis_device(entry->dev);
}

static int metis_state_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	unsigned int i, n;

	guard(mutex)(&mdev->lifecycle_lock);
	seq_printf(m, "state: %s\n", metis_state_name(mdev->state));
	seq_printf(m, "transitions: %u\n", mdev->transitions);
	n = min_t(unsigned int, mdev->transitions, METIS_STATE_HISTORY);
	for (i = 0; i < n; i++) {
		unsigned int pos = (mdev->history_pos + METIS_STATE_HISTORY - n + i) %
				   METIS_STATE_HISTORY;
		struct metis_state_event *ev = &mdev->history[pos];

		seq_printf(m, "%lld.%06lld %s -> %s\n",
			   ktime_to_us(ev->time) / USEC_PER_SEC,
			   ktime_to_us(ev->time) % USEC_PER_SEC,
			   metis_state_name(ev->from), metis_state_name(ev->to));
	}
	return 0;
}

static int metis_fw_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	struct metis_fw *fw = &mdev->fw;

	seq_printf(m, "image_version: %#x\n", fw->version);
	seq_printf(m, "image_size: %zu\n", fw->size);
	seq_printf(m, "build_id: %s\n", fw->build_id);
	seq_printf(m, "running_version: %#x\n", fw->running);
	seq_printf(m, "error: %u\n", fw->error);
	seq_printf(m, "boots: %u\n", fw->boots);
	seq_printf(m, "last_boot_us: %llu\n", fw->last_boot_us);
	return 0;
}

static int metis_queues_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	unsigned int i;

	seq_puts(m, "queue        submitted  completed     errors        irqs  doorbells  bytes  queued  kernel\n");
	for (i = 0; i < METIS_NUM_QUEUES; i++) {
		struct metis_queue *q = &mdev->queues[i];
		unsigned long flags;

		spin_lock_irqsave(&q->lock, flags);
		/* queued: on the hardware or waiting in the FIFO for it. */
		seq_printf(m, "%-12s %9llu %10llu %10llu %11llu %10llu  %llu  %zu  %llu\n",
			   q->name, q->submitted, q->completed, q->errors,
			   q->irqs, q->doorbells, q->bytes,
			   list_count_nodes(&q->jobs), q->kernel_jobs);
		spin_unlock_irqrestore(&q->lock, flags);
	}
	return 0;
}

static int metis_resets_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);

	seq_printf(m, "resets: %d\n", atomic_read(&mdev->reset_count));
	seq_printf(m, "hangs: %d\n", atomic_read(&mdev->hang_count));
	seq_printf(m, "last_reset_us: %llu\n", mdev->last_reset_us);
	seq_printf(m, "last_suspend_us: %llu\n", mdev->last_suspend_us);
	seq_printf(m, "last_resume_us: %llu\n", mdev->last_resume_us);
	return 0;
}

static int metis_irqs_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	struct metis_irq_stats *s = &mdev->irq;
	unsigned int i;

	seq_printf(m, "vectors: %d\n", mdev->nvec);
	for (i = 0; i < ARRAY_SIZE(s->vector); i++)
		if (atomic64_read(&s->vector[i]))
			seq_printf(m, "vector%u: %lld\n", i,
				   atomic64_read(&s->vector[i]));
	seq_printf(m, "spurious: %lld\n", atomic64_read(&s->spurious));
	seq_printf(m, "unknown: %lld\n", atomic64_read(&s->unknown));
	seq_printf(m, "heartbeats: %lld\n", atomic64_read(&s->heartbeats));
	seq_printf(m, "dev_msg: %lld\n", atomic64_read(&s->dev_msg));
	seq_printf(m, "vmsi_flags: %lld\n", atomic64_read(&s->vmsi_flags));
	seq_printf(m, "fw_events: %lld\n", atomic64_read(&s->fw_events));
	seq_printf(m, "all_ones: %lld\n", atomic64_read(&s->all_ones));
	return 0;
}

static int metis_mem_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	struct drm_printer p = drm_seq_file_printer(m);

	seq_printf(m, "size: %llu\nreserved: %llu\nfree: %llu\n",
		   mdev->mem_size, mdev->mem_reserved,
		   metis_mem_free_bytes(mdev));
	guard(mutex)(&mdev->mm_lock);
	drm_mm_print(&mdev->mm, &p);
	return 0;
}

static int metis_card_show(struct seq_file *m, void *unused)
{
	struct metis_device *mdev = seq_to_mdev(m);
	struct metis_card *c = &mdev->card;
	unsigned int i;

	guard(mutex)(&mdev->lifecycle_lock);
	seq_printf(m, "l2_base: %#llx\nbar2_size: %#llx\nhdif_size: %#llx\n",
		   c->l2_base, c->bar2_size, c->hdif_size);
	seq_printf(m, "ddr_base: %#llx\nfw_load_addr: %#llx\ndma_vm: %d\n",
		   c->ddr_base, c->fw_load_addr, c->dma_vm);
	seq_printf(m, "hdrv_off: %#x\nhdrv_target: %pad\n", c->hdrv_off,
		   &mdev->hdrv_bus);
	seq_printf(m, "desc_addr: %#llx%s\n", c->desc_addr,
		   c->desc_fallback ? " (fallback)" : "");
	seq_printf(m, "vmsi: %d\next_off: %#x\n", c->vmsi, c->ext_off);
	for (i = 0; i < c->nranges; i++)
		seq_printf(m, "range%u: %#llx-%#llx\n", i, c->ranges[i].base,
			   c->ranges[i].base + c->ranges[i].size - 1);
	return 0;
}

static const struct drm_debugfs_info metis_debugfs_list[] = {
	{ "card", metis_card_show, 0 },
	{ "state", metis_state_show, 0 },
	{ "firmware", metis_fw_show, 0 },
	{ "queues", metis_queues_show, 0 },
	{ "resets", metis_resets_show, 0 },
	{ "irqs", metis_irqs_show, 0 },
	{ "memory", metis_mem_show, 0 },
};

static ssize_t metis_reset_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *pos)
{
	struct metis_device *mdev = file->private_data;
	int ret;

	ret = metis_reset_device(mdev);
	return ret ?: count;
}

static const struct file_operations metis_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = metis_reset_write,
};

/**
 * metis_debugfs_init() - create the debugfs files of a device
 * @mdev: device, before drm_dev_register()
 */
void metis_debugfs_init(struct metis_device *mdev)
{
	drm_debugfs_add_files(&mdev->drm, metis_debugfs_list,
			      ARRAY_SIZE(metis_debugfs_list));
	debugfs_create_file("reset", 0200, mdev->drm.debugfs_root, mdev,
			    &metis_reset_fops);
	metis_backup_debugfs_init(mdev->drm.debugfs_root);
}

static struct dentry *metis_debugfs_root;

static int metis_dma_mapped_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "host_bos: %d\n", atomic_read(&metis_dma_stats.host_bos));
	seq_printf(m, "imports: %d\n", atomic_read(&metis_dma_stats.imports));
	seq_printf(m, "descriptor_lists: %d\n",
		   atomic_read(&metis_dma_stats.lists));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(metis_dma_mapped);

/**
 * metis_debugfs_module_init() - create the driver's own debugfs files
 *
 * metis/dma_mapped counts what every device has mapped for its card; it
 * lives as long as the module, so a test reads it after an unbind.
 */
void metis_debugfs_module_init(void)
{
	metis_debugfs_root = debugfs_create_dir(DRIVER_NAME, NULL);
	debugfs_create_file("dma_mapped", 0444, metis_debugfs_root, NULL,
			    &metis_dma_mapped_fops);
}

/**
 * metis_debugfs_module_exit() - remove the driver's own debugfs files
 */
void metis_debugfs_module_exit(void)
{
	debugfs_remove_recursive(metis_debugfs_root);
}

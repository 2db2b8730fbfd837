/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_DRV_H__
#define __METIS_DRV_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/msi.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>

#include "metis_device.h"
#include "metis_fw.h"

#define DRIVER_NAME		"metis"
#define DRIVER_DESC		"Axelera Metis AIPU"

#define PCI_VENDOR_ID_AXELERA	0x1f9d
#define PCI_DEVICE_ID_METIS	0x1100
#define PCI_DEVICE_ID_METIS_ALPHA	0x11aa

struct metis_job;

#define METIS_DMA_CHANNELS	4
#define METIS_CONTEXTS		4

/**
 * enum metis_engine - kinds of hardware queues
 * @METIS_ENGINE_RD: eDMA read channel (host to card).
 * @METIS_ENGINE_WR: eDMA write channel (card to host).
 * @METIS_ENGINE_CTX: firmware command context.
 * @METIS_ENGINE_COUNT: number of kinds.
 */
enum metis_engine {
	METIS_ENGINE_RD,
	METIS_ENGINE_WR,
	METIS_ENGINE_CTX,
	METIS_ENGINE_COUNT,
};

#define METIS_QUEUES_PER_ENGINE	4
#define METIS_NUM_QUEUES	(METIS_ENGINE_COUNT * METIS_QUEUES_PER_ENGINE)

/**
 * struct metis_queue - one hardware queue: a DMA channel or a context
 * @mdev: owning device.
 * @engine: kind of queue.
 * @index: channel or context number within @engine.
 * @name: name for the scheduler and logs.
 * @sched: the DRM scheduler feeding this queue.
 * @lock: protects @jobs, @batch, @solo, @blocked and the counters (taken
 *        in IRQ context).
 * @jobs: jobs given to the queue by the scheduler or a replay, in order;
 *        the first @batch of them are on the hardware.
 * @batch: jobs of the doorbell on the hardware (0: idle).
 * @solo: jobs to start one per doorbell (after an aborted batch).
 * @blocked: nothing starts on the hardware (set before the card is
 *	     silenced for a halt or an unplug, cleared by a restart).
 * @fence_ctx: dma_fence context of the hardware fences.
 * @seqno: last hardware fence seqno.
 * @submitted: jobs started on the hardware (replays included).
 * @completed: jobs the hardware completed successfully.
 * @errors: jobs that ended with an error.
 * @bytes: bytes moved or processed by completed jobs.
 * @irqs: completion interrupts seen for this queue.
 * @doorbells: starts of the hardware (one per batch of jobs).
 * @kernel_jobs: of @submitted, the driver's own jobs (clearing new
 *		 device buffers), so tests can tell them from a client's.
 * @last_done: when the hardware last finished a job of this queue (fdinfo
 *	       busy time).
 */
struct metis_queue {
	struct metis_device *mdev;
	enum metis_engine engine;
	unsigned int index;
	char name[16];
	struct drm_gpu_scheduler sched;
	spinlock_t lock; /* see @lock above */
	struct list_head jobs;
	unsigned int batch;
	unsigned int solo;
	bool blocked;
	u64 fence_ctx;
	u64 seqno;
	u64 submitted;
	u64 completed;
	u64 errors;
	u64 bytes;
	u64 irqs;
	u64 doorbells;
	u64 kernel_jobs;
	ktime_t last_done;
};

/**
 * struct metis_irq_stats - interrupt counters
 * @vector: interrupts per MSI vector (index clamped to the last entry).
 * @spurious: interrupts with no status bit set.
 * @unknown: status bits set with no job waiting for them.
 * @heartbeats: firmware heartbeat interrupts.
 * @dev_msg: interrupts on vector 24 (device message), ignored.
 * @vmsi_flags: VMSI flag words found set (and cleared).
 * @fw_events: firmware event interrupts.
 * @all_ones: handler runs that read all-ones (card gone).
 */
struct metis_irq_stats {
	atomic64_t vector[32];
	atomic64_t spurious;
	atomic64_t unknown;
	atomic64_t heartbeats;
	atomic64_t dev_msg;
	atomic64_t vmsi_flags;
	atomic64_t fw_events;
	atomic64_t all_ones;
};

#define METIS_MAX_RANGES	8

/**
 * struct metis_range - a range of card memory
 * @base: card address.
 * @size: bytes.
 */
struct metis_range {
	u64 base;
	u64 size;
};

/**
 * struct metis_card - what the card published (hw-interface.md section 3)
 * @l2_base: card address of BAR2 offset 0 (memory_map[0]).
 * @bar2_size: bytes of BAR2.
 * @hdif_size: bytes of the host-device interface region (HDIF size).
 * @ddr_base: card address of DDR (memory_map[1]).
 * @fw_load_addr: where the boot ROM takes a firmware image.
 * @dma_vm: the firmware owns the eDMA interrupts (dma_vm 0xC1A0C1A0): the
 *          host leaves IMWR alone.
 * @hdrv_off: BAR2 offset of the host-driver area.
 * @desc_addr: card address of the eDMA descriptor region.
 * @desc_off: BAR2 offset of the descriptor region.
 * @desc_fallback: the card published no descriptor area: @desc_addr is
 *                 the vendor's fixed address.
 * @vmsi: the card published its VMSI configuration.
 * @ext_off: BAR2 offset of our extension area, 0 on a card without it.
 * @nranges: entries in @ranges.
 * @ranges: card memory for buffers (the context array's L2 and DDR
 *          ranges), sorted and merged.
 *
 * Read from the sysctl block and the areas the card's loader publishes,
 * after probe and after every reset or resume.
 */
struct metis_card {
	u64 l2_base;
	u64 bar2_size;
	u64 hdif_size;
	u64 ddr_base;
	u64 fw_load_addr;
	bool dma_vm;
	u32 hdrv_off;
	u64 desc_addr;
	u32 desc_off;
	bool desc_fallback;
	bool vmsi;
	u32 ext_off;
	unsigned int nranges;
	struct metis_range ranges[METIS_MAX_RANGES];
};

/**
 * struct metis_device - one Metis card
 * @drm: DRM device, first member.
 * @pdev: PCI function.
 * @edma: BAR0 mapping (eDMA registers).
 * @l2: BAR2 mapping: the card's L2 memory, with the sysctl block, the
 *	published areas and, when present, our extension area.
 * @card: what the card published at the last bring-up.
 * @ext_irq: the extension area's interrupt status may be read (it is
 *	published and its sources are set up); cleared before a quiesce.
 * @no_ext_logged: a firmware job on a card without the extension area
 *	was refused and logged once.
 * @hdrv_cpu: CPU address of the 2 MiB host buffer of the host-driver
 *	area; its first 4 KiB are the VMSI flag array.
 * @hdrv_bus: its bus address, 2 MiB aligned (the area's target).
 * @hdrv_alloc: the coherent allocation that holds it.
 * @hdrv_alloc_bus: bus address of @hdrv_alloc.
 * @hdrv_alloc_size: bytes of @hdrv_alloc.
 * @zero_bus: bus address of METIS_ZERO_BYTES of zeroes the card reads to
 *	clear a new device buffer.
 * @nvec: MSI vectors allocated (1 or at least METIS_NUM_VECTORS).
 * @irq_base: Linux IRQ of vector 0, kept because pci_irq_vector() may
 *	sleep and the handler must not.
 * @irq_lock: serialises the interrupt handler across vectors.
 * @imwr_lock: protects @msi and the IMWR registers (taken inside a queue's
 *             lock, never around it).
 * @msi: MSI message of vector 0, the base of the IMWR programming.
 * @lifecycle_lock: serialises boot, reset, suspend, resume and unplug.
 * @state: lifecycle state, written under @lifecycle_lock.
 * @history: the last state transitions, for debugfs.
 * @history_pos: next slot in @history.
 * @transitions: state transitions since probe.
 * @parked: per queue, the jobs it held (on the hardware or next), in
 *          order, kept between metis_device_halt() and
 *          metis_device_restart().
 * @fw: firmware image cache and status.
 * @mem_size: bytes of card memory for buffers (all of @card's ranges).
 * @mem_reserved: bytes of it kept from buffers (the firmware load area,
 *                the vendor's descriptor fallback).
 * @fw_area: the firmware load area kept in card memory (size 0: none,
 *           the load address is outside the ranges or the card has no
 *           extension area).
 * @mm_lock: protects @mm and @mem_used.
 * @mm: allocator over on-card memory.
 * @mem_used: bytes allocated from @mm (reservation included).
 * @dev_bos: device buffers, under @mm_lock (saved across resets).
 * @keep_backups: host copies stay after a restore (during system sleep),
 *	under @mm_lock.
 * @pm_nb: system sleep notifier: sets the host copies aside before the
 *	kernel restricts allocations.
 * @dma_lock: protects @host_bos and @dma_lists.
 * @host_bos: host buffers DMA-mapped for the card (created buffers from
 *            their first job, imported ones from the import), unmapped at
 *            unplug or when freed.
 * @dma_lists: descriptor lists of jobs, freed at unplug or with their job.
 * @queues: hardware queues (read channels, write channels, contexts).
 * @kernel_sched: the scheduler of each of @kernel_entities.
 * @kernel_entities: the driver's own entity on each read channel (clearing
 *	new device buffers).
 * @kernel_lock: keeps job arming and pushing on @kernel_entities in order.
 * @reset_wq: ordered workqueue for scheduler timeouts and resets.
 * @reset_count: card resets done to recover from hangs.
 * @hang_count: jobs found guilty of a hang.
 * @last_reset_us: duration of the last recovery.
 * @system_suspended: between system suspend and resume.
 * @suspended_from: state before the last system suspend (SUSPENDED if
 *                  the card was runtime-suspended then).
 * @rpm_from: state before the last runtime suspend.
 * @last_suspend_us: duration of the last suspend.
 * @last_resume_us: duration of the last resume.
 * @irq: interrupt counters.
 * @own_reset_task: the task running the driver's own PCI function reset
 *		    (the PCI core's reset callbacks leave that one alone).
 * @outside_reset: a PCI reset from outside the driver halted the card and
 *		   has not brought it back yet (under @lifecycle_lock).
 * @outside_reset_work: the halt or the restart of such a reset, on
 *			@reset_wq.
 * @shut_down: set once by the PCI shutdown (under @lifecycle_lock): no
 *	       recovery brings the card back.
 * @unplugged: set once by metis_device_unplug().
 * @unplug_done: completed when the unplug sequence has finished.
 */
struct metis_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *edma;
	void __iomem *l2;
	struct metis_card card;
	bool ext_irq;
	atomic_t no_ext_logged;
	void *hdrv_cpu;
	dma_addr_t hdrv_bus;
	void *hdrv_alloc;
	dma_addr_t hdrv_alloc_bus;
	size_t hdrv_alloc_size;
	dma_addr_t zero_bus;

	int nvec;
	int irq_base;
	spinlock_t irq_lock; /* see @irq_lock above */
	spinlock_t imwr_lock; /* see @imwr_lock above */
	struct msi_msg msi;

	struct mutex lifecycle_lock; /* see @lifecycle_lock above */
	enum metis_state state;
	struct metis_state_event history[METIS_STATE_HISTORY];
	unsigned int history_pos;
	unsigned int transitions;
	struct list_head parked[METIS_NUM_QUEUES];

	struct metis_fw fw;

	u64 mem_size;
	u64 mem_reserved;
	struct metis_range fw_area;
	struct mutex mm_lock; /* see @mm_lock above */
	struct drm_mm mm;
	u64 mem_used;
	struct list_head dev_bos;
	bool keep_backups;
	struct notifier_block pm_nb;
	struct mutex dma_lock; /* see @dma_lock above */
	struct list_head host_bos;
	struct list_head dma_lists;

	struct metis_queue queues[METIS_NUM_QUEUES];
	struct drm_gpu_scheduler *kernel_sched[METIS_QUEUES_PER_ENGINE];
	struct drm_sched_entity kernel_entities[METIS_QUEUES_PER_ENGINE];
	struct mutex kernel_lock; /* see @kernel_lock above */
	struct workqueue_struct *reset_wq;
	atomic_t reset_count;
	atomic_t hang_count;
	u64 last_reset_us;
	bool system_suspended;
	enum metis_state suspended_from;
	enum metis_state rpm_from;
	u64 last_suspend_us;
	u64 last_resume_us;

	struct metis_irq_stats irq;

	struct task_struct *own_reset_task;
	bool outside_reset;
	struct work_struct outside_reset_work;
	bool shut_down;
	atomic_t unplugged;
	struct completion unplug_done;
};

struct metis_file_stats;

/**
 * struct metis_file - per-open-file state
 * @mdev: the device.
 * @submit_lock: keeps job arming and pushing in order across threads.
 * @sched: the scheduler of each entity (entities keep a pointer to it).
 * @entities: one scheduler entity per hardware queue.
 * @stats: what the file's jobs used (fdinfo), shared with its jobs.
 */
struct metis_file {
	struct metis_device *mdev;
	struct metis_file_stats *stats;
	struct mutex submit_lock; /* see @submit_lock above */
	struct drm_gpu_scheduler *sched[METIS_NUM_QUEUES];
	struct drm_sched_entity entities[METIS_NUM_QUEUES];
};

static inline struct metis_device *to_metis_device(struct drm_device *drm)
{
	return container_of(drm, struct metis_device, drm);
}

static inline struct metis_queue *
metis_queue(struct metis_device *mdev, enum metis_engine engine,
	    unsigned int index)
{
	return &mdev->queues[engine * METIS_QUEUES_PER_ENGINE + index];
}

#define metis_dbg(mdev, fmt, ...) \
	drm_dbg_driver(&(mdev)->drm, fmt, ##__VA_ARGS__)

#endif /* __METIS_DRV_H__ */

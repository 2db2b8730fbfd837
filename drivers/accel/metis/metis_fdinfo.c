// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * DRM fdinfo (Documentation/gpu/drm-usage-stats.rst): per file, the busy
 * time of each kind of engine (the four DMA read channels, the four
 * write channels, the four firmware contexts) and the memory of its
 * buffers, on the card and in system memory, for the tools that read
 * fdinfo (Debian's gputop does not look at accel nodes yet).
 */

#include <linux/math64.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>

#include "metis_compat.h"
#include "metis_fdinfo.h"
#include "metis_gem.h"
#include "metis_hw.h"
#include "metis_job.h"

/* The engines' names in fdinfo, as the queues are named (metis-rd0, ...). */
static const char *const metis_engine_names[METIS_ENGINE_COUNT] = {
	[METIS_ENGINE_RD] = "rd",
	[METIS_ENGINE_WR] = "wr",
	[METIS_ENGINE_CTX] = "ctx",
};

/**
 * metis_file_stats_alloc() - new statistics for an opened file
 *
 * Return: the statistics with one reference, or NULL.
 */
struct metis_file_stats *metis_file_stats_alloc(void)
{
	struct metis_file_stats *stats = kzalloc_obj(*stats);

	if (stats)
		kref_init(&stats->ref);
	return stats;
}

static void metis_file_stats_release(struct kref *ref)
{
	kfree(container_of(ref, struct metis_file_stats, ref));
}

/**
 * metis_file_stats_put() - drop a reference to a file's statistics
 * @stats: statistics, or NULL
 */
void metis_file_stats_put(struct metis_file_stats *stats)
{
	if (stats)
		kref_put(&stats->ref, metis_file_stats_release);
}

/**
 * metis_fdinfo_batch_done() - account a batch the hardware finished
 * @q: queue, its lock held
 * @jobs: the batch's jobs (linked by qlink), in order
 * @now: time of the completion
 *
 * The jobs of a batch start and end together, maybe of several files:
 * each gets an equal share of the time from the batch's start (or the end
 * of the batch before, if later) to now, so a channel is never counted
 * busy twice and no file is charged for another's jobs.
 */
void metis_fdinfo_batch_done(struct metis_queue *q, struct list_head *jobs,
			     ktime_t now)
{
	size_t n = list_count_nodes(jobs);
	struct metis_job *job;
	ktime_t from;
	u64 share;
	u32 rest;

	if (!n)
		return;
	job = list_first_entry(jobs, struct metis_job, qlink);
	from = ktime_after(q->last_done, job->start) ? q->last_done : job->start;
	q->last_done = now;
	if (!ktime_after(now, from))
		return;
	share = div_u64_rem(ktime_to_ns(ktime_sub(now, from)), n, &rest);
	list_for_each_entry(job, jobs, qlink) {
		if (job->stats)
			atomic64_add(share + rest, &job->stats->busy_ns[q->engine]);
		rest = 0;
	}
}

static void metis_show_memory(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats card = {}, host = {};
	struct drm_gem_object *obj;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		struct metis_bo *bo = to_metis_bo(obj);
		struct drm_memory_stats *s = bo->device ? &card : &host;

		if (drm_gem_object_is_shared_for_memory_stats(obj))
			s->shared += obj->size;
		else
			s->private += obj->size;
		/* A host buffer has pages once mapped or used by a job. */
		if (bo->device || READ_ONCE(bo->base.pages) ||
		    drm_gem_is_imported(obj))
			s->resident += obj->size;
	}
	spin_unlock(&file->table_lock);
	drm_print_memory_stats(p, &card, DRM_GEM_OBJECT_RESIDENT, "card");
	drm_print_memory_stats(p, &host, DRM_GEM_OBJECT_RESIDENT, "memory");
}

/**
 * metis_show_fdinfo() - the driver's part of a file's fdinfo
 * @p: printer
 * @file: DRM file
 *
 * drm_show_fdinfo() printed drm-driver, drm-client-id and drm-pdev before.
 * The card as published has no firmware contexts: no ctx engine then.
 * Host buffers are in the region the usage-stats document names
 * "memory" (system memory); device buffers in "card".
 */
void metis_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct metis_file *mfile = file->driver_priv;
	unsigned int e;

	for (e = 0; e < METIS_ENGINE_COUNT; e++) {
		u64 ns = atomic64_read(&mfile->stats->busy_ns[e]);

		/* Kept once used: a reset may find the card without it. */
		if (e == METIS_ENGINE_CTX && !metis_has_ext(mfile->mdev) && !ns)
			continue;
		drm_printf(p, "drm-engine-%s:\t%llu ns\n", metis_engine_names[e], ns);
		drm_printf(p, "drm-engine-capacity-%s:\t%u\n",
			   metis_engine_names[e], METIS_QUEUES_PER_ENGINE);
	}
	metis_show_memory(p, file);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM metis

#if !defined(__METIS_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __METIS_TRACE_H__

#include <linux/tracepoint.h>

#include "metis_job.h"

DECLARE_EVENT_CLASS(metis_job_class,
		    TP_PROTO(struct metis_job *job),
		    TP_ARGS(job),
		    TP_STRUCT__entry(__field(u64, seqno)
				     __field(u32, queue)
				     __field(u32, op)),
		    TP_fast_assign(__entry->seqno = job->base.s_fence->finished.seqno;
				   __entry->queue = job->queue - job->mdev->queues;
				   __entry->op = job->op;),
		    TP_printk("queue=%u op=%u seqno=%llu", __entry->queue,
			      __entry->op, __entry->seqno)
);

DEFINE_EVENT(metis_job_class, metis_job_submit,
	     TP_PROTO(struct metis_job *job),
	     TP_ARGS(job)
);

DEFINE_EVENT(metis_job_class, metis_job_run,
	     TP_PROTO(struct metis_job *job),
	     TP_ARGS(job)
);

TRACE_EVENT(metis_job_done,
	    TP_PROTO(struct metis_job *job, int error),
	    TP_ARGS(job, error),
	    TP_STRUCT__entry(__field(u64, seqno)
			     __field(u32, queue)
			     __field(int, error)),
	    TP_fast_assign(__entry->seqno = job->base.s_fence->finished.seqno;
			   __entry->queue = job->queue - job->mdev->queues;
			   __entry->error = error;),
	    TP_printk("queue=%u seqno=%llu error=%d", __entry->queue,
		      __entry->seqno, __entry->error)
);

#endif /* __METIS_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE metis_trace
#include <trace/define_trace.h>

// SPDX-License-Identifier: GPL-2.0-only
/*
 * dk_canary: commits, on purpose, one of the bugs the debug-kernel tier
 * must catch, so that the tier's report scan is shown able to fail
 * (tools/testbed/debug-kernel/guest-tier.sh, test "canary").  Loading it
 * never succeeds: init commits the bug named by "bug" and returns
 * -ECANCELED, so nothing of it stays in the kernel but the report.
 */
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit: uaf, leak, warn or lockdep");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);

/* The vendor driver's crash: a handler reading memory already freed. */
static noinline void canary_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	/* Hidden from the compiler, which would otherwise see it. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("dk_canary: read %d from freed memory\n", READ_ONCE(p[8]));
}

static noinline void canary_leak_one(size_t size)
{
	char *p = kmalloc(size, GFP_KERNEL);

	if (!p)
		return;
	memset(p, 0x5a, size);
	OPTIMIZER_HIDE_VAR(p);
}

/*
 * Objects nothing points to any more.  Several: the last pointers stay in
 * this task's stack, which outlives the task in the stack cache, and
 * kmemleak counts them as references (one object alone went unreported).
 */
static noinline void canary_leak(void)
{
	int i;

	for (i = 0; i < 32; i++)
		canary_leak_one(64 + 32 * i);
	pr_info("dk_canary: leaked 32 objects\n");
}

/* Two locks taken in both orders: lockdep's circular dependency. */
static noinline void canary_lockdep(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static int __init dk_canary_init(void)
{
	if (!strcmp(bug, "uaf"))
		canary_uaf();
	else if (!strcmp(bug, "leak"))
		canary_leak();
	else if (!strcmp(bug, "warn"))
		WARN(1, "dk_canary: a deliberate warning\n");
	else if (!strcmp(bug, "lockdep"))
		canary_lockdep();
	else
		return -EINVAL;
	return -ECANCELED;
}
module_init(dk_canary_init);

MODULE_DESCRIPTION("debug-kernel tier canary: commits a bug on purpose");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Finding metis cards through sysfs (see metis_enum.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metis_enum.h"

#define ACCEL_CLASS "/sys/class/accel"
#define METIS_VENDOR 0x1f9d
#define METIS_DEVICE 0x1100		/* "Omega" */
#define METIS_DEVICE_ALPHA 0x11aa	/* "Alpha" */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;
	else
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return ret;
}

/* Is /sys/class/accel/<name> a metis card?  Fill @card if so. */
static int probe_card(const char *name, struct metis_card *card)
{
	char path[PATH_MAX], buf[PATH_MAX], *p;
	unsigned long vendor, device;
	FILE *f;
	ssize_t n;

	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device/vendor", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENODEV;
	vendor = strtoul(buf, NULL, 0);
	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device/device", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENODEV;
	device = strtoul(buf, NULL, 0);
	if (vendor != METIS_VENDOR ||
	    (device != METIS_DEVICE && device != METIS_DEVICE_ALPHA))
		return -ENODEV;

	memset(card, 0, sizeof(*card));
	if (snprintf(card->name, sizeof(card->name), "%s", name) >=
	    (int)sizeof(card->name))
		return -ENODEV;
	card->minor = strtoul(name + 5, NULL, 10);
	snprintf(card->sysfs, sizeof(card->sysfs), ACCEL_CLASS "/%s", name);

	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device", name);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return -ENODEV;
	buf[n] = '\0';
	p = strrchr(buf, '/');
	if (snprintf(card->pci, sizeof(card->pci), "%s", p ? p + 1 : buf) >=
	    (int)sizeof(card->pci))
		return -ENODEV;

	/* The node udev/devtmpfs made: DEVNAME of the uevent. */
	snprintf(card->node, sizeof(card->node), "/dev/accel/%s", name);
	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/uevent", name);
	f = fopen(path, "re");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (strncmp(buf, "DEVNAME=", 8))
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		if (snprintf(card->node, sizeof(card->node), "/dev/%s",
			     buf + 8) >= (int)sizeof(card->node))
			card->node[0] = '\0';
	}
	if (f)
		fclose(f);
	return card->node[0] ? 0 : -ENODEV;
}

static int is_accel(const struct dirent *d)
{
	const char *p = d->d_name + 5;

	if (strncmp(d->d_name, "accel", 5) || !*p)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

static int cmp_minor(const struct dirent **a, const struct dirent **b)
{
	unsigned long x = strtoul((*a)->d_name + 5, NULL, 10);
	unsigned long y = strtoul((*b)->d_name + 5, NULL, 10);

	return x < y ? -1 : x > y;
}

int metis_enum_cards(int (*match)(unsigned int idx,
				  const struct metis_card *card,
				  const void *arg),
		     const void *arg, struct metis_card *out)
{
	struct dirent **names;
	struct metis_card card;
	int n, i, found = 0, ret = -ENODEV;

	n = scandir(ACCEL_CLASS, &names, is_accel, cmp_minor);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		return match ? -ENODEV : 0;	/* no accel class: no card */
	}
	for (i = 0; i < n; i++) {
		if (probe_card(names[i]->d_name, &card))
			continue;
		if (match && match(found, &card, arg)) {
			*out = card;
			ret = found;
			break;
		}
		found++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return match ? ret : found;
}

static int match_index(unsigned int idx, const struct metis_card *card,
		       const void *arg)
{
	return idx == *(const unsigned int *)arg;
}

int metis_enum_open(unsigned int index, struct metis_card *out)
{
	int ret, fd;

	ret = metis_enum_cards(match_index, &index, out);
	if (ret < 0)
		return ret;
	fd = open(out->node, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

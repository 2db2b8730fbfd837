// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Finding and opening metis cards through sysfs, and parameter queries.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "internal.h"

#define ACCEL_CLASS "/sys/class/accel"

int metis_ioctl(struct metis_device *dev, unsigned long req, void *arg)
{
	return drmIoctl(dev->fd, req, arg) ? -errno : 0;
}

int64_t metis_deadline(int64_t timeout_ns)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (timeout_ns < 0 || timeout_ns > INT64_MAX - now)
		return INT64_MAX;
	return now + timeout_ns;
}

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

/* Is /sys/class/accel/<name> a metis card?  Fill dev's names if so. */
static int probe_sysfs(const char *name, struct metis_device *dev)
{
	char path[PATH_MAX], buf[PATH_MAX], *p;
	unsigned long vendor, device;
	ssize_t n;

	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device/vendor", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENODEV;
	vendor = strtoul(buf, NULL, 0);
	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device/device", name);
	if (read_line(path, buf, sizeof(buf)))
		return -ENODEV;
	device = strtoul(buf, NULL, 0);
	if (vendor != METIS_PCI_VENDOR_ID || device != METIS_PCI_DEVICE_ID)
		return -ENODEV;

	snprintf(dev->sysfs, sizeof(dev->sysfs), ACCEL_CLASS "/%s", name);

	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/device", name);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return -ENODEV;
	buf[n] = '\0';
	p = strrchr(buf, '/');
	if (snprintf(dev->pci, sizeof(dev->pci), "%s", p ? p + 1 : buf) >=
	    (int)sizeof(dev->pci))
		return -ENODEV;

	/* The node udev/devtmpfs made: DEVNAME of the uevent. */
	if (snprintf(dev->node, sizeof(dev->node), "/dev/accel/%s", name) >=
	    (int)sizeof(dev->node))
		return -ENODEV;
	snprintf(path, sizeof(path), ACCEL_CLASS "/%s/uevent", name);
	{
		FILE *f = fopen(path, "re");

		while (f && fgets(buf, sizeof(buf), f)) {
			if (!strncmp(buf, "DEVNAME=", 8)) {
				buf[strcspn(buf, "\n")] = '\0';
				if (snprintf(dev->node, sizeof(dev->node),
					     "/dev/%s", buf + 8) >=
				    (int)sizeof(dev->node))
					dev->node[0] = '\0';
			}
		}
		if (f)
			fclose(f);
	}
	return 0;
}

static int accel_minor(const char *name)
{
	return strncmp(name, "accel", 5) ? -1 : atoi(name + 5);
}

static int cmp_minor(const struct dirent **a, const struct dirent **b)
{
	return accel_minor((*a)->d_name) - accel_minor((*b)->d_name);
}

static int is_accel(const struct dirent *d)
{
	return !strncmp(d->d_name, "accel", 5);
}

/*
 * Walk the metis cards in minor order; stop at the one @match accepts.
 * Returns the number of cards seen, or the index of the match.
 */
static int scan(int (*match)(int idx, struct metis_device *dev, const void *arg),
		const void *arg, struct metis_device *out)
{
	struct dirent **names;
	struct metis_device dev;
	int n, i, found = 0, ret = -ENODEV;

	n = scandir(ACCEL_CLASS, &names, is_accel, cmp_minor);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		return match ? -ENODEV : 0;	/* no accel class: no card */
	}
	for (i = 0; i < n; i++) {
		memset(&dev, 0, sizeof(dev));
		if (probe_sysfs(names[i]->d_name, &dev))
			continue;
		if (match && match(found, &dev, arg)) {
			*out = dev;
			ret = found;
			break;
		}
		found++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!match)
		return found;
	return ret;
}

METIS_EXPORT int metis_device_count(void)
{
	return scan(NULL, NULL, NULL);
}

/*
 * Finish opening @dev around its fd: make sure the metis driver, not
 * another one, owns the node.  Frees @dev on failure.
 */
static int adopt(struct metis_device *dev, struct metis_device **devp)
{
	uint64_t id;
	int ret;

	if (dev->fd < 0) {
		ret = -errno;
		free(dev);
		return ret;
	}
	ret = metis_get_param(dev, DRM_METIS_PARAM_DEVICE_ID, &id);
	if (ret) {
		close(dev->fd);
		free(dev);
		return ret == -EINVAL ? -ENOTTY : ret;
	}
	*devp = dev;
	return 0;
}

static int open_node(struct metis_device *tmpl, struct metis_device **devp)
{
	struct metis_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	*dev = *tmpl;
	dev->fd = open(dev->node, O_RDWR | O_CLOEXEC);
	return adopt(dev, devp);
}

static int match_index(int idx, struct metis_device *dev, const void *arg)
{
	return idx == *(const int *)arg;
}

METIS_EXPORT int metis_device_open(unsigned int index,
				   struct metis_device **devp)
{
	struct metis_device tmpl;
	int want = index, ret;

	ret = scan(match_index, &want, &tmpl);
	if (ret < 0)
		return ret;
	return open_node(&tmpl, devp);
}

static int match_pci(int idx, struct metis_device *dev, const void *arg)
{
	const char *want = arg;
	size_t lw = strlen(want), ld = strlen(dev->pci);

	/* Accept the address with or without its PCI domain. */
	return !strcasecmp(dev->pci, want) ||
	       (lw < ld && !strcasecmp(dev->pci + ld - lw, want) &&
		dev->pci[ld - lw - 1] == ':');
}

METIS_EXPORT int metis_device_open_pci(const char *pci_addr,
				       struct metis_device **devp)
{
	struct metis_device tmpl;
	int ret;

	if (!pci_addr || !*pci_addr)
		return -EINVAL;
	ret = scan(match_pci, pci_addr, &tmpl);
	if (ret < 0)
		return ret;
	return open_node(&tmpl, devp);
}

METIS_EXPORT int metis_device_open_fd(int fd, struct metis_device **devp)
{
	struct metis_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return adopt(dev, devp);
}

METIS_EXPORT void metis_device_close(struct metis_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

METIS_EXPORT int metis_device_fd(const struct metis_device *dev)
{
	return dev->fd;
}

METIS_EXPORT const char *metis_device_pci_address(const struct metis_device *dev)
{
	return dev->pci;
}

METIS_EXPORT const char *metis_device_node(const struct metis_device *dev)
{
	return dev->node;
}

METIS_EXPORT const char *metis_device_sysfs(const struct metis_device *dev)
{
	return dev->sysfs;
}

METIS_EXPORT int metis_get_param(struct metis_device *dev, uint32_t param,
				 uint64_t *value)
{
	struct drm_metis_get_param gp = { .param = param };
	int ret;

	ret = metis_ioctl(dev, DRM_IOCTL_METIS_GET_PARAM, &gp);
	if (!ret)
		*value = gp.value;
	return ret;
}

METIS_EXPORT int metis_get_info(struct metis_device *dev,
				struct metis_info *info)
{
	static const struct {
		uint32_t param;
		size_t off;
		int wide;
	} map[] = {
#define P(p, f, w) { DRM_METIS_PARAM_##p, offsetof(struct metis_info, f), w }
		P(DEVICE_ID, device_id, 0), P(FW_VERSION, fw_version, 0),
		P(FW_ERROR, fw_error, 0), P(DEVICE_STATE, state, 0),
		P(DEVICE_MEM_SIZE, mem_size, 1),
		P(DEVICE_MEM_FREE, mem_free, 1),
		P(READ_CHANNELS, read_channels, 0),
		P(WRITE_CHANNELS, write_channels, 0),
		P(CONTEXTS, contexts, 0), P(RESET_COUNT, reset_count, 0),
		P(MSI_VECTORS, msi_vectors, 0), P(MAX_JOBS, max_jobs, 0),
#undef P
	};
	unsigned int i;
	uint64_t v;
	int ret;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		ret = metis_get_param(dev, map[i].param, &v);
		if (ret)
			return ret;
		if (map[i].wide)
			*(uint64_t *)((char *)info + map[i].off) = v;
		else
			*(uint32_t *)((char *)info + map[i].off) = v;
	}
	return 0;
}

METIS_EXPORT const char *metis_state_name(uint32_t state)
{
	static const char *const names[] = {
		[DRM_METIS_STATE_READY] = "ready",
		[DRM_METIS_STATE_SUSPENDED] = "suspended",
		[DRM_METIS_STATE_RESETTING] = "resetting",
		[DRM_METIS_STATE_ERROR] = "error",
		[DRM_METIS_STATE_GONE] = "gone",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The metis authors
 *
 * Finding and opening metis cards through sysfs, and parameter queries.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "internal.h"

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

static int match_index(unsigned int idx, const struct metis_card *card,
		       const void *arg)
{
	return idx == *(const unsigned int *)arg;
}

static int match_pci(unsigned int idx, const struct metis_card *card,
		     const void *arg)
{
	const char *want = arg;
	size_t lw = strlen(want), ld = strlen(card->pci);

	/* Accept the address with or without its PCI domain. */
	return !strcasecmp(card->pci, want) ||
	       (lw < ld && !strcasecmp(card->pci + ld - lw, want) &&
		card->pci[ld - lw - 1] == ':');
}

static int match_name(unsigned int idx, const struct metis_card *card,
		      const void *arg)
{
	return !strcmp(card->name, arg);
}

METIS_EXPORT int metis_device_count(void)
{
	return metis_enum_cards(NULL, NULL, NULL);
}

/*
 * Is @fd a node of the metis driver?  The driver's name, as libdrm users
 * check it: another driver's GET_PARAM may have the same number and
 * layout (ivpu's does).
 */
static int check_driver(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ret;

	if (!v)
		return errno == ENODEV ? -ENODEV : -ENOTTY;
	ret = v->name && !strcmp(v->name, "metis") ? 0 : -ENOTTY;
	drmFreeVersion(v);
	return ret;
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
	ret = check_driver(dev->fd);
	if (!ret)
		ret = metis_get_param(dev, DRM_METIS_PARAM_DEVICE_ID, &id);
	if (!ret && id >> 16 != METIS_PCI_VENDOR_ID)
		ret = -ENOTTY;
	if (ret) {
		close(dev->fd);
		free(dev);
		return ret == -EINVAL ? -ENOTTY : ret;
	}
	pthread_mutex_init(&dev->lock, NULL);
	*devp = dev;
	return 0;
}

static int open_card(const struct metis_card *card, struct metis_device **devp)
{
	struct metis_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->card = *card;
	dev->fd = open(card->node, O_RDWR | O_CLOEXEC);
	return adopt(dev, devp);
}

METIS_EXPORT int metis_device_open(unsigned int index,
				   struct metis_device **devp)
{
	struct metis_card card;
	int ret;

	ret = metis_enum_cards(match_index, &index, &card);
	if (ret < 0)
		return ret;
	return open_card(&card, devp);
}

METIS_EXPORT int metis_device_open_pci(const char *pci_addr,
				       struct metis_device **devp)
{
	struct metis_card card;
	int ret;

	if (!pci_addr || !*pci_addr)
		return -EINVAL;
	ret = metis_enum_cards(match_pci, pci_addr, &card);
	if (ret < 0)
		return ret;
	return open_card(&card, devp);
}

/* The card behind an open node, through /sys/dev/char; best effort. */
static void card_of_fd(int fd, struct metis_card *card)
{
	char path[64], link[PATH_MAX], *name;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return;
	link[n] = '\0';
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	if (metis_enum_cards(match_name, name, card) < 0)
		memset(card, 0, sizeof(*card));
}

METIS_EXPORT int metis_device_open_fd(int fd, struct metis_device **devp)
{
	struct metis_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dev->fd >= 0)
		card_of_fd(dev->fd, &dev->card);
	return adopt(dev, devp);
}

METIS_EXPORT void metis_device_close(struct metis_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

METIS_EXPORT int metis_device_fd(const struct metis_device *dev)
{
	return dev->fd;
}

METIS_EXPORT const char *metis_device_pci_address(const struct metis_device *dev)
{
	return dev->card.pci;
}

METIS_EXPORT const char *metis_device_node(const struct metis_device *dev)
{
	return dev->card.node;
}

METIS_EXPORT const char *metis_device_sysfs(const struct metis_device *dev)
{
	return dev->card.sysfs;
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

static int get_info(struct metis_device *dev, struct metis_info *info)
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
	info->size = sizeof(*info);
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

/*
 * The caller's struct may be older (smaller) or newer (larger) than ours:
 * fill what both know, zero the rest, and say in @size how much was filled.
 */
METIS_EXPORT int metis_get_info(struct metis_device *dev,
				struct metis_info *info)
{
	struct metis_info full;
	uint32_t size;
	int ret;

	if (!info || info->size < offsetof(struct metis_info, device_id) ||
	    info->flags)
		return -EINVAL;
	size = info->size;
	ret = get_info(dev, &full);
	if (ret)
		return ret;
	if (size > sizeof(full)) {
		memset((char *)info + sizeof(full), 0, size - sizeof(full));
		size = sizeof(full);
	}
	memcpy((char *)info + 8, (char *)&full + 8, size - 8);
	info->size = size;
	return 0;
}

/* Release 1.0's struct metis_info, without size and flags. */
struct metis_info_1_0 {
	uint32_t device_id, fw_version, fw_error, state;
	uint64_t mem_size, mem_free;
	uint32_t read_channels, write_channels, contexts, reset_count;
	uint32_t msi_vectors, max_jobs;
};
_Static_assert(sizeof(struct metis_info) - offsetof(struct metis_info, device_id) ==
	       sizeof(struct metis_info_1_0), "metis_info 1.0 is a tail of 1.1");

METIS_EXPORT int metis_get_info_1_0(struct metis_device *dev,
				    struct metis_info_1_0 *info);
METIS_COMPAT(metis_get_info_1_0, metis_get_info, "LIBDRM_METIS_1");
METIS_EXPORT int metis_get_info_1_0(struct metis_device *dev,
				    struct metis_info_1_0 *info)
{
	struct metis_info full;
	int ret = get_info(dev, &full);

	memset(info, 0, sizeof(*info));
	if (!ret)
		memcpy(info, &full.device_id, sizeof(*info));
	return ret;
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

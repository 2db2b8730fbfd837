// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * Firmware: request and validate the image, keep a copy for resume and
 * reset, load it into on-card memory by DMA and run the boot handshake.
 */

#include <linux/crc32.h>
#include <linux/firmware.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_print.h>

#include "metis_dma.h"
#include "metis_fw.h"
#include "metis_gem.h"
#include "metis_hw.h"

static char *metis_fw_name = METIS_FW_DEFAULT;
module_param_named(firmware, metis_fw_name, charp, 0444);
MODULE_PARM_DESC(firmware,
		 "firmware image in the firmware path (default " METIS_FW_DEFAULT ")");
MODULE_FIRMWARE(METIS_FW_DEFAULT);

#define METIS_FW_MAGIC		0x3157464d
#define METIS_FW_HDR_VERSION	1
#define METIS_FW_BOOT_DEFAULT_US	2000
#define METIS_FW_BOOT_SLACK_US	(2 * USEC_PER_SEC)

/* Boot error codes (hw-interface.md 5.3); the driver checks the same. */
#define FW_ERR_ADDR		1
#define FW_ERR_MAGIC		2
#define FW_ERR_HEADER		3
#define FW_ERR_VERSION		4
#define FW_ERR_SIZE		5
#define FW_ERR_CHECKSUM		6
#define FW_ERR_INJECTED		7

/**
 * struct metis_fw_header - image header (hw-interface.md 5.3)
 * @magic: METIS_FW_MAGIC.
 * @hdr_version: 1.
 * @hdr_size: 64.
 * @version: major << 16 | minor << 8 | patch.
 * @payload_size: bytes after the header.
 * @payload_crc: CRC-32 of the payload.
 * @hdr_crc: CRC-32 of the header with this field zero.
 * @flags: 0.
 * @boot_time_us: boot time, 0 for the default.
 * @build_id: NUL-padded text.
 */
struct metis_fw_header {
	__le32 magic;
	__le16 hdr_version;
	__le16 hdr_size;
	__le32 version;
	__le32 payload_size;
	__le32 payload_crc;
	__le32 hdr_crc;
	__le32 flags;
	__le32 boot_time_us;
	char build_id[32];
} __packed;

static_assert(sizeof(struct metis_fw_header) == METIS_FW_HDR_SIZE);

static const char * const fw_err_names[] = {
	[0] = "none",
	[FW_ERR_ADDR] = "bad address",
	[FW_ERR_MAGIC] = "bad magic",
	[FW_ERR_HEADER] = "bad header",
	[FW_ERR_VERSION] = "unsupported version",
	[FW_ERR_SIZE] = "bad size",
	[FW_ERR_CHECKSUM] = "checksum mismatch",
	[FW_ERR_INJECTED] = "injected failure",
};

static const char *fw_err_name(u32 err)
{
	return err < ARRAY_SIZE(fw_err_names) ? fw_err_names[err] : "unknown";
}

static u32 zlib_crc32(const void *buf, size_t len)
{
	return ~crc32_le(~0u, buf, len);
}

/**
 * metis_fw_validate() - check an image as the card's boot ROM would
 * @data: image
 * @size: bytes in @data
 * @version: set to the image's version when valid
 *
 * Return: 0 or the boot error code (hw-interface.md 5.3) the card would
 * report for this image.
 */
int metis_fw_validate(const u8 *data, size_t size, u32 *version)
{
	const struct metis_fw_header *hdr = (const void *)data;
	struct metis_fw_header tmp;
	u32 payload;

	if (size < METIS_FW_HDR_SIZE)
		return FW_ERR_ADDR;
	if (le32_to_cpu(hdr->magic) != METIS_FW_MAGIC)
		return FW_ERR_MAGIC;
	tmp = *hdr;
	tmp.hdr_crc = 0;
	if (le16_to_cpu(hdr->hdr_version) != METIS_FW_HDR_VERSION ||
	    le16_to_cpu(hdr->hdr_size) != METIS_FW_HDR_SIZE ||
	    zlib_crc32(&tmp, sizeof(tmp)) != le32_to_cpu(hdr->hdr_crc))
		return FW_ERR_HEADER;
	if (le32_to_cpu(hdr->version) >> 16 != 1)
		return FW_ERR_VERSION;
	payload = le32_to_cpu(hdr->payload_size);
	if (!payload || payload > METIS_FW_MAX_PAYLOAD ||
	    payload > size - METIS_FW_HDR_SIZE)
		return FW_ERR_SIZE;
	if (zlib_crc32(data + METIS_FW_HDR_SIZE, payload) !=
	    le32_to_cpu(hdr->payload_crc))
		return FW_ERR_CHECKSUM;
	*version = le32_to_cpu(hdr->version);
	return 0;
}

/**
 * metis_fw_request() - load, check and cache the firmware image
 * @mdev: device; outside probe the caller holds lifecycle_lock
 *
 * The header is checked here, before anything touches the card. The copy
 * stays cached until metis_fw_release(): resume and reset boot from it.
 * Nothing is changed unless the new image is taken.
 *
 * Return: 0, -ENOENT if the file could not be loaded, -EINVAL if the image
 * is bad (mdev->fw.error says why), -EFBIG if it does not fit the card
 * memory kept for it, -ENOMEM.
 */
int metis_fw_request(struct metis_device *mdev)
{
	struct metis_fw *fw = &mdev->fw;
	const struct metis_fw_header *hdr;
	const struct firmware *blob;
	u32 version = 0;
	size_t size;
	void *image;
	int ret = 0, err;

	ret = request_firmware(&blob, metis_fw_name, mdev->drm.dev);
	if (ret) {
		drm_err(&mdev->drm, "firmware %s not loaded: %d\n",
			metis_fw_name, ret);
		return -ENOENT;
	}

	err = metis_fw_validate(blob->data, blob->size, &version);
	if (err) {
		drm_err(&mdev->drm, "firmware %s rejected: %s (error %u)\n",
			metis_fw_name, fw_err_name(err), err);
		fw->error = err;
		ret = -EINVAL;
		goto out;
	}

	hdr = (const void *)blob->data;
	size = METIS_FW_HDR_SIZE + le32_to_cpu(hdr->payload_size);
	/* After probe, card memory around the reserved load area is in use. */
	if (mdev->fw_area.size && PAGE_ALIGN(size) > mdev->fw_area.size) {
		drm_err(&mdev->drm, "firmware %s: %zu bytes do not fit the %llu reserved\n",
			metis_fw_name, size, mdev->fw_area.size);
		ret = -EFBIG;
		goto out;
	}
	image = vmalloc(PAGE_ALIGN(size));
	if (!image) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(image, blob->data, size);
	vfree(fw->image);
	fw->image = image;
	fw->size = size;
	fw->version = version;
	fw->boot_time_us = le32_to_cpu(hdr->boot_time_us) ?:
			   METIS_FW_BOOT_DEFAULT_US;
	strscpy_pad(fw->build_id, hdr->build_id,
		    min(sizeof(fw->build_id), sizeof(hdr->build_id) + 1));
	drm_info(&mdev->drm, "firmware %s: version %u.%u.%u, build %s, %zu bytes\n",
		 metis_fw_name, version >> 16, (version >> 8) & 0xff,
		 version & 0xff, fw->build_id, fw->size);
out:
	release_firmware(blob);
	return ret;
}

/**
 * metis_fw_release() - drop the cached image
 * @mdev: device
 */
void metis_fw_release(struct metis_device *mdev)
{
	vfree(mdev->fw.image);
	mdev->fw.image = NULL;
}

/**
 * metis_fw_reserve_size() - on-card bytes to keep for the firmware load
 * @mdev: device, with its memory ranges read
 *
 * The cached image's size. Without an image (its request failed at probe)
 * room for the largest one a later request may bring (a reset through
 * debugfs asks again), at most a quarter of on-card memory.
 *
 * Return: a page-aligned size.
 */
size_t metis_fw_reserve_size(struct metis_device *mdev)
{
	if (mdev->fw.image)
		return PAGE_ALIGN(mdev->fw.size);
	return min_t(u64, PAGE_ALIGN(METIS_FW_HDR_SIZE + METIS_FW_MAX_PAYLOAD),
		     (mdev->mem_size / 4) & PAGE_MASK);
}

/**
 * metis_fw_boot() - load the cached firmware and wait until it runs
 * @mdev: device with the extension area, in its boot ROM, the DMA engine
 *	  initialised
 *
 * The image goes by DMA to the card's fw_load_addr, then the BOOT command
 * through the sysctl command area and the extension's mailbox doorbell.
 * The wait is bounded by the image's boot time plus a margin.
 *
 * Return: 0, -ENOENT without an image, -EIO if the card refused the
 * firmware (mdev->fw.error says why), -ETIMEDOUT, -ENODEV.
 */
int metis_fw_boot(struct metis_device *mdev)
{
	struct metis_fw *fw = &mdev->fw;
	ktime_t start = ktime_get();
	u64 addr;
	u32 status;
	int ret;

	fw->running = 0;
	if (!fw->image)
		return -ENOENT;

	addr = mdev->card.fw_load_addr;
	/* Buffers may not be overwritten: only the area kept at probe. */
	if (metis_mem_overlaps(mdev, addr, fw->size) &&
	    (addr != mdev->fw_area.base || fw->size > mdev->fw_area.size)) {
		drm_err(&mdev->drm, "firmware load address %#llx not the area kept for it\n",
			addr);
		return -EIO;
	}

	ret = metis_dma_copy_vmalloc(mdev, METIS_ENGINE_RD, fw->image, addr,
				     fw->size);
	if (ret) {
		drm_err(&mdev->drm, "firmware upload failed: %d\n", ret);
		return ret;
	}

	metis_l2_write(mdev, SYSCTL_CMD_OPCODE, MB_OP_BOOT);
	metis_l2_write(mdev, SYSCTL_CMD_SIZE, 16);
	metis_l2_write64(mdev, SYSCTL_CMD_MSG, addr);
	metis_l2_write(mdev, SYSCTL_CMD_MSG + 8, fw->size);
	metis_l2_write(mdev, SYSCTL_CMD_MSG + 12, 0);
	metis_ext_write(mdev, EXT_MB_DOORBELL, 1);

	ret = read_poll_timeout(metis_ext_read, status,
				status == MB_STATUS_DONE ||
				status == MB_STATUS_ERROR ||
				status == METIS_ALL_ONES, 100,
				fw->boot_time_us + METIS_FW_BOOT_SLACK_US,
				false, mdev, EXT_MB_STATUS);
	if (status == METIS_ALL_ONES)
		return -ENODEV;
	/* The mailbox is polled: drop its status bits. */
	metis_ext_write(mdev, EXT_IRQ_STATUS, EXT_IRQ_MAILBOX | EXT_IRQ_FW_EVENT);
	if (ret) {
		drm_err(&mdev->drm, "firmware boot timed out (state %u)\n",
			metis_ext_read(mdev, EXT_FW_STATE));
		return ret;
	}
	if (status == MB_STATUS_ERROR ||
	    metis_ext_read(mdev, EXT_FW_STATE) != FW_STATE_READY) {
		fw->error = metis_ext_read(mdev, EXT_FW_ERROR);
		drm_err(&mdev->drm, "firmware boot failed: %s (error %u)\n",
			fw_err_name(fw->error), fw->error);
		return -EIO;
	}

	fw->error = 0;
	fw->running = metis_ext_read(mdev, EXT_FW_VERSION);
	fw->boots++;
	fw->last_boot_us = ktime_us_delta(ktime_get(), start);
	drm_dbg_driver(&mdev->drm, "firmware %u.%u.%u running after %llu us\n",
		       fw->running >> 16, (fw->running >> 8) & 0xff,
		       fw->running & 0xff, fw->last_boot_us);
	return 0;
}

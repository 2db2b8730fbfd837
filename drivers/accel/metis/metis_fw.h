/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The metis authors
 */
#ifndef __METIS_FW_H__
#define __METIS_FW_H__

#include <linux/types.h>

struct metis_device;

#define METIS_FW_DEFAULT	"axelera/metis-fw.bin"
#define METIS_FW_HDR_SIZE	64
#define METIS_FW_MAX_PAYLOAD	(16 * 1024 * 1024)

/**
 * struct metis_fw - firmware image cache and boot status
 * @image: validated image copy, kept for resume and reset (no file
 *         system access on those paths); NULL if none.
 * @size: bytes in @image.
 * @version: version in the image header.
 * @boot_time_us: boot time the image announces.
 * @build_id: build id from the image header.
 * @running: version the card reports while the firmware runs, else 0.
 * @error: last boot error code (hw-interface.md 5.3), 0 if none.
 * @boots: successful boots since probe.
 * @last_boot_us: duration of the last boot (load + handshake).
 */
struct metis_fw {
	void *image;
	size_t size;
	u32 version;
	u32 boot_time_us;
	char build_id[33];
	u32 running;
	u32 error;
	u32 boots;
	u64 last_boot_us;
};

int metis_fw_request(struct metis_device *mdev);
void metis_fw_release(struct metis_device *mdev);
int metis_fw_boot(struct metis_device *mdev);
int metis_fw_validate(const u8 *data, size_t size, u32 *version);
size_t metis_fw_reserve_size(struct metis_device *mdev);

#endif /* __METIS_FW_H__ */

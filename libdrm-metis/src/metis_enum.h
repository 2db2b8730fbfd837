/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The metis authors
 *
 * The one enumeration of metis cards, shared by libdrm_metis and the IGT
 * helpers (igt-tests/lib builds this file too): every
 * /sys/class/accel/accelN whose PCI function is 1f9d:1100 ("Omega") or
 * 1f9d:11aa ("Alpha"), ordered by N.
 * Not part of the library's ABI.
 */
#ifndef METIS_ENUM_H
#define METIS_ENUM_H

#include <limits.h>

struct metis_card {
	char name[32];		/* accelN */
	unsigned int minor;	/* N */
	char pci[32];		/* 0000:01:00.0 */
	char node[64];		/* DEVNAME of the uevent: /dev/accel/accelN */
	char sysfs[64];		/* /sys/class/accel/accelN */
};

/*
 * metis_enum_cards() - walk the metis cards in minor order.  For each one
 * @match (if not NULL) is called with its index; the walk stops when it
 * returns non-zero, and *@out receives that card.
 *
 * Returns the index of the matched card, or -ENODEV if none matched; with
 * @match NULL, the number of cards.  Other negative errnos when sysfs
 * cannot be read.
 */
int metis_enum_cards(int (*match)(unsigned int idx,
				  const struct metis_card *card,
				  const void *arg),
		     const void *arg, struct metis_card *out);

/* Open card number @index (O_RDWR | O_CLOEXEC); fd or -errno. */
int metis_enum_open(unsigned int index, struct metis_card *out);

#endif /* METIS_ENUM_H */

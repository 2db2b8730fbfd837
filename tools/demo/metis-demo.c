// SPDX-License-Identifier: MIT
/*
 * metis-demo: the user's failure and its fix, on the emulated card.
 *
 * Uploads a "model binary" into on-card memory, checks it with a firmware
 * command, suspends the machine to RAM (S3, woken by the RTC alarm) while
 * the model sits on the card, then runs the same job again and compares
 * the bytes.  On the real card every S3 wake loses on-card memory, the
 * firmware and the DMA engine set-up; the driver saves and restores them.
 *
 *   metis-demo [-s SIZE_MIB] [-w WAKE_SECONDS] [-m mem|freeze]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libdrm_metis.h"

/* CLOCK_BOOTTIME: it keeps counting while the machine sleeps. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int suspend(const char *state, int wake_s)
{
	char alarm[32];
	int ret;

	snprintf(alarm, sizeof(alarm), "+%d\n", wake_s);
	ret = write_file("/sys/class/rtc/rtc0/wakealarm", "0\n");
	if (!ret)
		ret = write_file("/sys/class/rtc/rtc0/wakealarm", alarm);
	if (!ret)
		ret = write_file("/sys/power/state", state);
	return ret;
}

static int check(const char *what, int ret)
{
	if (ret)
		fprintf(stderr, "metis-demo: %s: %s\n", what, metis_strerror(ret));
	return ret;
}

/* Checksum the model on the card and read it back; 0 if both match. */
static int verify(struct metis_device *dev, struct metis_bo *model,
		  const uint8_t *ref, uint8_t *back, uint64_t size,
		  uint32_t want_crc, const char *when)
{
	uint64_t crc = 0;
	double t0 = now();
	int ret;

	ret = metis_fw_command(dev, DRM_METIS_FW_CRC32, model, 0, size, 0, 0,
			       &crc);
	if (check("firmware CRC32 job", ret))
		return ret;
	printf("  %s: firmware CRC32 of the model on the card = %08llx "
	       "(expected %08x) in %.3f s\n", when, (unsigned long long)crc,
	       want_crc, now() - t0);
	ret = metis_download(dev, model, 0, back, size);
	if (check("download", ret))
		return ret;
	if (crc != want_crc || memcmp(ref, back, size)) {
		printf("  %s: the model on the card is NOT intact\n", when);
		return -EIO;
	}
	printf("  %s: all %llu bytes read back from the card match\n", when,
	       (unsigned long long)size);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size = 16ull << 20, x = 0x243f6a8885a308d3ull;
	const char *state = "mem";
	struct metis_device *dev;
	struct metis_info info = METIS_INFO_INIT;
	struct metis_bo *model;
	uint8_t *ref, *back;
	int opt, wake_s = 3, ret;
	uint32_t crc;
	double t0;

	while ((opt = getopt(argc, argv, "s:w:m:")) != -1) {
		switch (opt) {
		case 's': size = strtoull(optarg, NULL, 0) << 20; break;
		case 'w': wake_s = atoi(optarg); break;
		case 'm': state = optarg; break;
		default:
			fprintf(stderr, "usage: metis-demo [-s MIB] [-w SECONDS] [-m mem|freeze]\n");
			return 2;
		}
	}

	if (check("open", metis_device_open(0, &dev)))
		return 1;
	if (check("info", metis_get_info(dev, &info)))
		return 1;
	printf("card %s (%s): firmware %u.%u.%u, %llu MiB on-card memory, "
	       "%u+%u DMA channels, %u MSI vectors, state %s\n",
	       metis_device_pci_address(dev), metis_device_node(dev),
	       info.fw_version >> 16, (info.fw_version >> 8) & 0xff,
	       info.fw_version & 0xff,
	       (unsigned long long)(info.mem_size >> 20), info.read_channels,
	       info.write_channels, info.msi_vectors,
	       metis_state_name(info.state));

	ref = malloc(size);
	back = malloc(size);
	if (!ref || !back)
		return 1;
	for (uint64_t i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ref[i] = x >> 56;
	}
	crc = metis_crc32(0, ref, size);

	printf("1. upload a %llu MiB model binary to on-card memory\n",
	       (unsigned long long)(size >> 20));
	if (check("device buffer", metis_bo_create(dev, size, DRM_METIS_BO_DEVICE, &model)))
		return 1;
	t0 = now();
	if (check("upload", metis_upload(dev, model, 0, ref, size)))
		return 1;
	printf("  uploaded in %.3f s\n", now() - t0);
	if (verify(dev, model, ref, back, size, crc, "before suspend"))
		return 1;

	printf("2. suspend (%s), RTC wake in %d s; the card loses its memory, "
	       "firmware and DMA set-up\n", state, wake_s);
	fflush(stdout);
	t0 = now();
	ret = suspend(state, wake_s);
	if (check("suspend", ret))
		return 1;
	printf("  back after %.1f s\n", now() - t0);

	printf("3. the same job again, same buffer\n");
	memset(back, 0, size);
	ret = verify(dev, model, ref, back, size, crc, "after resume");
	metis_get_info(dev, &info);
	printf("  card state %s, firmware %u.%u.%u, resets for hangs %u\n",
	       metis_state_name(info.state), info.fw_version >> 16,
	       (info.fw_version >> 8) & 0xff, info.fw_version & 0xff,
	       info.reset_count);
	printf(ret ? "DEMO FAILED\n" : "DEMO PASSED: the model survived the suspend\n");
	metis_bo_free(model);
	metis_device_close(dev);
	free(ref);
	free(back);
	return ret ? 1 : 0;
}

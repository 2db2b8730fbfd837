// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The metis authors
 *
 * DRM accel driver for the Axelera Metis M.2 AIPU: PCI probe and remove,
 * the DRM driver, its ioctls and per-file state.
 */

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <uapi/drm/metis_accel.h>

#include "metis_debug.h"
#include "metis_debugfs.h"
#include "metis_device.h"
#include "metis_compat.h"
#include "metis_drv.h"
#include "metis_fdinfo.h"
#include "metis_gem.h"
#include "metis_hw.h"
#include "metis_job.h"
#include "metis_pm.h"
#include "metis_reset.h"
#include "metis_sched.h"

#ifdef METIS_DEBUG_SWITCHES
bool metis_debug_skip_resume_init;
module_param_named(debug_skip_resume_init, metis_debug_skip_resume_init, bool, 0644);
MODULE_PARM_DESC(debug_skip_resume_init,
		 "debug: resume without resetting the card or booting the firmware");
bool metis_debug_skip_quiesce;
module_param_named(debug_skip_quiesce, metis_debug_skip_quiesce, bool, 0644);
MODULE_PARM_DESC(debug_skip_quiesce,
		 "debug: detach without masking the card's interrupts or stopping its DMA");
unsigned int metis_debug_fail_probe;
module_param_named(debug_fail_probe, metis_debug_fail_probe, uint, 0644);
MODULE_PARM_DESC(debug_fail_probe,
		 "debug: fail probe at step N (1 pci, 2 identify, 3 firmware, 4 memory, 5 sched, 6 irq, 7 bringup, 8 register)");
#endif

static int metis_ioctl_get_param(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct drm_metis_get_param *args = data;

	if (args->pad)
		return -EINVAL;

	switch (args->param) {
	case DRM_METIS_PARAM_DEVICE_ID:
		args->value = (u32)mdev->pdev->vendor << 16 | mdev->pdev->device;
		break;
	case DRM_METIS_PARAM_FW_VERSION:
		args->value = mdev->fw.running;
		break;
	case DRM_METIS_PARAM_FW_ERROR:
		args->value = mdev->fw.error;
		break;
	case DRM_METIS_PARAM_DEVICE_STATE:
		args->value = metis_device_uapi_state(mdev);
		break;
	case DRM_METIS_PARAM_DEVICE_MEM_SIZE:
		args->value = mdev->mem_size;
		break;
	case DRM_METIS_PARAM_DEVICE_MEM_FREE:
		args->value = metis_mem_free_bytes(mdev);
		break;
	case DRM_METIS_PARAM_READ_CHANNELS:
	case DRM_METIS_PARAM_WRITE_CHANNELS:
		args->value = METIS_DMA_CHANNELS;
		break;
	case DRM_METIS_PARAM_CONTEXTS:
		args->value = metis_has_ext(mdev) ? METIS_CONTEXTS : 0;
		break;
	case DRM_METIS_PARAM_RESET_COUNT:
		args->value = atomic_read(&mdev->reset_count);
		break;
	case DRM_METIS_PARAM_MSI_VECTORS:
		args->value = mdev->nvec;
		break;
	case DRM_METIS_PARAM_MAX_JOBS:
		args->value = METIS_MAX_JOBS;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int metis_open(struct drm_device *drm, struct drm_file *file)
{
	struct metis_device *mdev = to_metis_device(drm);
	struct metis_file *mfile;
	int ret;

	mfile = kzalloc_obj(*mfile);
	if (!mfile)
		return -ENOMEM;
	mfile->mdev = mdev;
	mfile->stats = metis_file_stats_alloc();
	if (!mfile->stats) {
		kfree(mfile);
		return -ENOMEM;
	}
	mutex_init(&mfile->submit_lock);
	ret = metis_sched_file_open(mfile);
	if (ret) {
		mutex_destroy(&mfile->submit_lock);
		metis_file_stats_put(mfile->stats);
		kfree(mfile);
		return ret;
	}
	file->driver_priv = mfile;
	return 0;
}

static void metis_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct metis_file *mfile = file->driver_priv;

	metis_sched_file_close(mfile);
	mutex_destroy(&mfile->submit_lock);
	metis_file_stats_put(mfile->stats);
	kfree(mfile);
}

static const struct drm_ioctl_desc metis_ioctls[] = {
#define METIS_IOCTL(n, func) \
	DRM_IOCTL_DEF_DRV(METIS_##n, metis_ioctl_##func, 0)
	METIS_IOCTL(GET_PARAM, get_param),
	METIS_IOCTL(BO_CREATE, bo_create),
	METIS_IOCTL(BO_INFO, bo_info),
	METIS_IOCTL(BO_WAIT, bo_wait),
	METIS_IOCTL(SUBMIT, submit),
#undef METIS_IOCTL
};

static const struct file_operations metis_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver metis_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = metis_open,
	.postclose = metis_postclose,
	.gem_create_object = metis_gem_create_object,
	.gem_prime_import_sg_table = metis_gem_prime_import_sg_table,
	.show_fdinfo = metis_show_fdinfo,
	.ioctls = metis_ioctls,
	.num_ioctls = ARRAY_SIZE(metis_ioctls),
	.fops = &metis_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = 1,
	.minor = 0,
};

static int metis_pci_init(struct metis_device *mdev)
{
	struct pci_dev *pdev = mdev->pdev;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	mdev->edma = pcim_iomap_region(pdev, 0, DRIVER_NAME);
	if (IS_ERR(mdev->edma))
		return PTR_ERR(mdev->edma);
	mdev->l2 = pcim_iomap_region(pdev, 2, DRIVER_NAME);
	if (IS_ERR(mdev->l2))
		return PTR_ERR(mdev->l2);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		return ret;
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);
	/* Bus mastering only once the card is silenced (metis_device_init()). */
	return 0;
}

static int metis_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct metis_device *mdev;
	int ret;

	mdev = devm_drm_dev_alloc(&pdev->dev, &metis_drm_driver,
				  struct metis_device, drm);
	if (IS_ERR(mdev))
		return PTR_ERR(mdev);
	mdev->pdev = pdev;
	pci_set_drvdata(pdev, mdev);

	ret = metis_pci_init(mdev) ?: metis_debug_probe_fault(METIS_PROBE_PCI);
	if (ret)
		return ret;
	ret = metis_device_init(mdev);
	if (ret)
		return ret;

	metis_debugfs_init(mdev);
	ret = metis_debug_probe_fault(METIS_PROBE_REGISTER) ?:
	      drm_dev_register(&mdev->drm, 0);
	if (ret) {
		metis_device_abort(mdev);
		return ret;
	}
	metis_pm_init(mdev);
	return 0;
}

static void metis_remove(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);

	metis_pm_fini(mdev);
	metis_device_unplug(mdev);
}

static void metis_shutdown(struct pci_dev *pdev)
{
	struct metis_device *mdev = pci_get_drvdata(pdev);
	int idx;

	/*
	 * Leave no DMA and no interrupt behind for the next kernel: nothing
	 * starts, and a recovery (which holds lifecycle_lock) never brings
	 * the card back.
	 */
	metis_sched_wqueue_stop_all(mdev);
	guard(mutex)(&mdev->lifecycle_lock);
	mdev->shut_down = true;
	if (drm_dev_enter(&mdev->drm, &idx)) {
		metis_device_quiesce(mdev);
		drm_dev_exit(idx);
	}
}

static const struct pci_device_id metis_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_AXELERA, PCI_DEVICE_ID_METIS) },
	{ PCI_DEVICE(PCI_VENDOR_ID_AXELERA, PCI_DEVICE_ID_METIS_ALPHA) },
	{ }
};
MODULE_DEVICE_TABLE(pci, metis_pci_ids);

static struct pci_driver metis_pci_driver = {
	.name = DRIVER_NAME,
	.id_table = metis_pci_ids,
	.probe = metis_probe,
	.remove = metis_remove,
	.shutdown = metis_shutdown,
	.err_handler = &metis_pci_err_handlers,
	.driver.pm = pm_ptr(&metis_pm_ops),
};

static int __init metis_init(void)
{
	int ret;

	metis_debugfs_module_init();
	ret = pci_register_driver(&metis_pci_driver);
	if (ret)
		metis_debugfs_module_exit();
	return ret;
}
module_init(metis_init);

static void __exit metis_exit(void)
{
	pci_unregister_driver(&metis_pci_driver);
	metis_debugfs_module_exit();
}
module_exit(metis_exit);

MODULE_DESCRIPTION(DRIVER_DESC " DRM accel driver");
MODULE_AUTHOR("The metis authors");
MODULE_LICENSE("GPL");

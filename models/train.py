"""Trains DashSegNet on CamVid (CPU or GPU; DistributedDataParallel when started with torchrun).

  /usr/bin/python3 models/train.py --run dashseg-mnv2 --epochs 90          # fresh run
  /usr/bin/python3 models/train.py --run dashseg-mnv2 --epochs 90 --resume # continue from last.pt
  torchrun --nproc_per_node 2 models/train.py --run ddp-test --epochs 1 --backend gloo

Speed on CPU VMs: with glibc's default malloc every large tensor is a fresh mmap returned on free, and
each step page-faults hundreds of MB back in (~10x the arithmetic on our 2-core VMs). So this script
re-executes itself once with MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ / MALLOC_TOP_PAD_ set
(see malloc_env.py) unless they are set already or DASHSEG_KEEP_MALLOC=1.

Checkpoints every epoch in models/runs/<run>/ (last.pt with optimiser state, best.pt = best val mIoU);
a line per epoch is appended to models/runs/<run>/log.tsv.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from malloc_env import reexec_with_malloc_env  # noqa: E402

if __name__ == "__main__":
    reexec_with_malloc_env()  # before torch allocates anything

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

from camvid_dataset import (DASHCAM_AUGMENT, AugmentConfig, DatasetError, LabelledFrames, OverheadStructures, augment,  # noqa: E402
                            class_frequencies, load_labelled_folder, log_balanced_weights, normalise)
from checkpoint_io import load_checkpoint  # noqa: E402
from contract import load_contract_base  # noqa: E402
from metrics import accumulate_confusion, iou_per_class, mean_iou, pixel_accuracy  # noqa: E402
from network import ARCHITECTURES, DashSegNet, count_macs, count_parameters, load_matching_weights  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_DATA = MODELS_DIR.parent.parent / "shared" / "camvid"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=str(DEFAULT_DATA), help="folder with train/, trainannot/, val/, valannot/")
    p.add_argument("--run", default="dashseg-mnv2", help="run name: checkpoints in models/runs/<run>/")
    p.add_argument("--epochs", type=int, default=90)
    p.add_argument("--batch", type=int, default=8, help="global batch size")
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate of the new layers")
    p.add_argument("--backbone-lr-scale", type=float, default=0.5)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--crop", default="320x448", help="HxW training crop")
    p.add_argument("--scale", default="0.5,2.0", help="random scale range")
    p.add_argument("--augment", choices=("basic", "dashcam"), default="basic",
                   help="basic: scale, crop, flip, colour jitter; dashcam: also small rotation, exposure, colour "
                        "temperature, blur and JPEG artefacts")
    p.add_argument("--overhead-paste", type=float, default=0.0,
                   help="share of crops that get a patch of structure (Building, SignSymbol, Pole, Fence from another "
                        "training frame, with its labels) pasted over the sky at the top: gantries and overhead "
                        "signs, which CamVid lacks and dashcam footage has (0 = off; run os16-r4 tried 0.3: it did not "
                        "stop the sample clip's billboard being painted Car, see models/README.md)")
    p.add_argument("--loss", choices=("ce", "ohem"), default="ce",
                   help="ce: class-weighted cross-entropy; ohem: the same, averaged over the hardest pixels only")
    p.add_argument("--ohem-keep", type=float, default=0.25, help="share of labelled pixels that OHEM keeps (at least)")
    p.add_argument("--ohem-thresh", type=float, default=0.7,
                   help="OHEM also keeps every pixel whose true-class probability is below this")
    p.add_argument("--splits", default="train", help="training splits, e.g. train or train+val (final runs)")
    p.add_argument("--ema", type=float, default=0.0,
                   help="keep an exponential moving average of the weights (e.g. 0.999); val, best.pt and "
                        "ema.pt use it")
    p.add_argument("--arch", choices=ARCHITECTURES, default="os16", help="os16: accurate; lite: fast (see network.py)")
    p.add_argument("--init-from", default="",
                   help="start from the tensors of this checkpoint whose names and shapes match (e.g. the os16 net for lite)")
    p.add_argument("--teacher", default="",
                   help="distil from this checkpoint (its architecture is read from it): KL to its softened 1/4 logits")
    p.add_argument("--distill-weight", type=float, default=0.5, help="weight of the distillation term")
    p.add_argument("--distill-temperature", type=float, default=2.0)
    p.add_argument("--no-pretrained", action="store_true", help="train the front-end from scratch")
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--resume", action="store_true", help="continue from models/runs/<run>/last.pt")
    p.add_argument("--resume-from", default="", help="continue from this checkpoint instead (e.g. models/checkpoints/dashseg-mnv2-last.pt)")
    p.add_argument("--max-minutes", type=float, default=0, help="stop cleanly after this many minutes (0 = no limit)")
    p.add_argument("--backend", default="gloo", help="torch.distributed backend under torchrun")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training frames (smoke tests)")
    p.add_argument("--val-limit", type=int, default=0, help="evaluate only the first N val frames (smoke tests)")
    return p.parse_args()


def poly_lr(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return (1 - (step - warmup) / max(1, total - warmup)) ** 0.9


def ohem_cross_entropy(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor, ignore_index: int,
                       thresh: float, min_keep: float) -> torch.Tensor:
    """Online hard example mining (as in BiSeNet / PSPNet training code): the class-weighted cross-entropy
    averaged over pixels whose true-class probability is below `thresh`, and at least the `min_keep`
    share of labelled pixels with the highest loss. Thin classes (poles, signs) are mostly hard pixels."""
    # Unweighted per-pixel loss, weighted below: the mean is normalised by the kept pixels' weights, as
    # F.cross_entropy(weight=...) normalises its mean, so "ce" and "ohem" losses are on the same scale.
    flat_target = target.flatten()
    valid = flat_target != ignore_index
    pixel_loss = F.cross_entropy(logits, target, ignore_index=ignore_index, reduction="none").flatten()[valid]
    if pixel_loss.numel() == 0:
        return logits.sum() * 0
    pixel_weight = weight[flat_target[valid]]
    with torch.no_grad():
        prob = torch.exp(-pixel_loss)  # the true class's softmax probability
        hard = prob < thresh
        k = max(1, int(min_keep * pixel_loss.numel()))
        if int(hard.sum()) < k:
            hard = torch.zeros_like(hard)
            hard[pixel_loss.topk(k).indices] = True
    return (pixel_loss[hard] * pixel_weight[hard]).sum() / pixel_weight[hard].sum()


def distillation_loss(student: torch.Tensor, teacher: torch.Tensor, temperature: float) -> torch.Tensor:
    """Hinton et al.: T^2 * KL(teacher || student) of the softened class distributions, per pixel."""
    t = temperature
    return F.kl_div(F.log_softmax(student / t, 1), F.softmax(teacher / t, 1), reduction="none").sum(1).mean() * t * t


def progress_bar(epoch: int, epochs: int, i: int, n: int, loss: float, elapsed: float, extra: str = "") -> None:
    width = 30
    filled = int(width * i / n)
    bar = "#" * filled + "-" * (width - filled)
    sys.stdout.write(f"\repoch {epoch + 1}/{epochs} [{bar}] {i}/{n} loss {loss:.4f} {elapsed:.0f}s {extra}")
    sys.stdout.flush()


@torch.no_grad()
def evaluate(model: torch.nn.Module, images: list, labels: list, contract, device: torch.device,
             batch: int = 4) -> np.ndarray:
    model.eval()
    n = contract.num_classes
    conf = np.zeros((n, n), np.int64)
    for start in range(0, len(images), batch):
        x = torch.from_numpy(normalise(np.stack(images[start:start + batch]), contract.mean, contract.std,
                                       contract.scale)).to(device)
        pred = model(x).argmax(1).cpu().numpy()
        for p, label in zip(pred, labels[start:start + batch]):
            accumulate_confusion(conf, p, label, contract.void_id)
    return conf


def main() -> None:
    args = parse_args()
    distributed = "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1
    if distributed:
        dist.init_process_group(args.backend)
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    is_main = rank == 0
    torch.set_num_threads(max(1, args.threads // world) if distributed else args.threads)
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}" if torch.cuda.is_available() else "cpu")

    random.seed(args.seed + rank)
    np.random.seed(args.seed + rank)
    torch.manual_seed(args.seed)  # identical initialisation on every rank

    contract = load_contract_base()
    data = Path(args.data)
    splits = [s_ for s_ in args.splits.split("+") if s_]
    if not splits or any(s_ not in ("train", "val") for s_ in splits):
        sys.exit(f"--splits {args.splits}: use train, val or train+val")
    try:
        parts = [load_labelled_folder(data / s_, data / f"{s_}annot", contract.num_classes, contract.void_id)
                 for s_ in splits]
        val = load_labelled_folder(data / "val", data / "valannot", contract.num_classes, contract.void_id)
    except DatasetError as exc:
        sys.exit(f"dataset error: {exc}")
    train = LabelledFrames([n for p_ in parts for n in p_.names], [i for p_ in parts for i in p_.images],
                           [lab for p_ in parts for lab in p_.labels])
    if "val" in splits and is_main:
        print("training on val too: the val figures below are not a held-out score (take the last epoch or the EMA)")
    if args.train_limit:
        train = LabelledFrames(train.names[:args.train_limit], train.images[:args.train_limit], train.labels[:args.train_limit])
    if args.val_limit:
        val = LabelledFrames(val.names[:args.val_limit], val.images[:args.val_limit], val.labels[:args.val_limit])
    crop_h, crop_w = (int(v) for v in args.crop.split("x"))
    s_min, s_max = (float(v) for v in args.scale.split(","))
    aug = AugmentConfig(crop_h=crop_h, crop_w=crop_w, scale_min=s_min, scale_max=s_max,
                        overhead_prob=args.overhead_paste,
                        **(DASHCAM_AUGMENT if args.augment == "dashcam" else {}))
    if not 0 <= args.overhead_paste <= 1:
        sys.exit(f"--overhead-paste {args.overhead_paste}: a share of crops, between 0 and 1")
    overhead = None
    if args.overhead_paste > 0:
        ids = {name: i for i, name in enumerate(contract.class_names)}
        overhead = OverheadStructures(train.images, train.labels,
                                      structure_ids=tuple(ids[n] for n in ("Building", "SignSymbol", "Pole", "Fence")),
                                      forbidden_ids=tuple(ids[n] for n in ("Car", "Pedestrian", "Bicyclist")),
                                      sky_id=ids["Sky"])

    weights = torch.tensor(log_balanced_weights(class_frequencies(train.labels, contract.num_classes)),
                           dtype=torch.float32, device=device)
    model = DashSegNet(contract.num_classes, pretrained=not args.no_pretrained, arch=args.arch).to(device)
    groups = [{"params": list(model.backbone_parameters()), "lr_scale": args.backbone_lr_scale},
              {"params": list(model.head_parameters()), "lr_scale": 1.0}]
    optimizer = torch.optim.AdamW(groups, lr=args.lr, weight_decay=args.weight_decay)

    run_dir = MODELS_DIR / "runs" / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    start_epoch, best_miou = 0, -1.0
    resume_path = Path(args.resume_from) if args.resume_from else run_dir / "last.pt"
    if args.resume_from and not resume_path.exists():
        sys.exit(f"--resume-from {resume_path}: no such checkpoint")
    resumed = bool(args.resume or args.resume_from) and resume_path.exists()
    if resumed:
        state = load_checkpoint(resume_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch, best_miou = state["epoch"] + 1, state["best_miou"]
        random.setstate(state["py_random"])
        np.random.set_state(state["np_random"])
        torch.set_rng_state(state["torch_random"])
        if is_main:
            print(f"resumed {resume_path}: epoch {start_epoch}, best val mIoU {best_miou:.2f}")
    elif args.resume and is_main:
        print(f"no {run_dir / 'last.pt'} yet: starting fresh")
    if args.init_from and not resumed:
        init_path = Path(args.init_from)
        if not init_path.exists():
            sys.exit(f"--init-from {init_path}: no such checkpoint")
        init_state = load_checkpoint(init_path)
        copied = load_matching_weights(model, init_state.get("model", init_state))
        if is_main:
            print(f"initialised {len(copied)} of {len(model.state_dict())} tensors from {init_path}")
    teacher = None
    if args.teacher:
        teacher_path = Path(args.teacher)
        if not teacher_path.exists():
            sys.exit(f"--teacher {teacher_path}: no such checkpoint")
        teacher_state = load_checkpoint(teacher_path)
        teacher_arch = teacher_state.get("args", {}).get("arch", "os16")
        teacher = DashSegNet(contract.num_classes, pretrained=False, arch=teacher_arch).to(device)
        teacher.load_state_dict(teacher_state.get("model", teacher_state))
        teacher.eval()
        for p_ in teacher.parameters():
            p_.requires_grad_(False)
        if is_main:
            print(f"distilling from {teacher_path} ({teacher_arch}), weight {args.distill_weight}, T {args.distill_temperature}")
    ema = None
    if args.ema > 0:
        import copy
        ema = copy.deepcopy(model).eval()
        for p_ in ema.parameters():
            p_.requires_grad_(False)
        if resumed and "ema" in state:
            ema.load_state_dict(state["ema"])
    if distributed:
        model = torch.nn.parallel.DistributedDataParallel(model)
    net = model.module if distributed else model

    if is_main:
        print(f"DashSegNet ({args.arch}): {count_parameters(net) / 1e6:.3f} M params, "
              f"{count_macs(net, contract.height, contract.width) / 1e9:.3f} GMACs at {contract.height}x{contract.width}; "
              f"train {len(train.names)} val {len(val.names)}; world {world}; device {device}")
        (run_dir / "args.json").write_text(json.dumps(vars(args), indent=2))
        net.train()

    per_rank = args.batch // world
    steps_per_epoch = len(train.names) // args.batch
    total_steps = steps_per_epoch * args.epochs
    warmup = steps_per_epoch
    rng = random.Random()
    started = time.time()
    for epoch in range(start_epoch, args.epochs):
        rng.seed(args.seed * 1000 + epoch)  # same permutation on every rank; each rank takes its slice
        order = list(range(len(train.names)))
        rng.shuffle(order)
        aug_rng = random.Random(args.seed * 7919 + epoch * 31 + rank)
        model.train()
        epoch_start, loss_sum = time.time(), 0.0
        for i in range(steps_per_epoch):
            step = epoch * steps_per_epoch + i
            factor = poly_lr(step, total_steps, warmup)
            for g in optimizer.param_groups:
                g["lr"] = args.lr * g["lr_scale"] * factor
            idx = order[i * args.batch + rank * per_rank: i * args.batch + (rank + 1) * per_rank]
            pairs = [augment(train.images[j], train.labels[j], aug, contract.void_id, aug_rng, overhead) for j in idx]
            x = torch.from_numpy(normalise(np.stack([p[0] for p in pairs]), contract.mean, contract.std, contract.scale)).to(device)
            y = torch.from_numpy(np.stack([p[1] for p in pairs]).astype(np.int64)).to(device)
            logits = model(x)
            if args.loss == "ohem":
                loss = ohem_cross_entropy(logits, y, weights, contract.void_id, args.ohem_thresh, args.ohem_keep)
            else:
                loss = F.cross_entropy(logits, y, weight=weights, ignore_index=contract.void_id)
            if teacher is not None:
                with torch.no_grad():
                    target = teacher.forward_quarter(x)
                # The student's logits are a bilinear x4 of its 1/4 logits: compare at 1/4, where the teacher's are.
                student = F.interpolate(logits, size=target.shape[-2:], mode="bilinear", align_corners=False)
                loss = loss + args.distill_weight * distillation_loss(student, target, args.distill_temperature)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if ema is not None:
                with torch.no_grad():
                    decay = min(args.ema, (1 + step) / (10 + step))  # short warm-up, as in TF's EMA
                    for e_, m_ in zip(ema.state_dict().values(), net.state_dict().values()):
                        if e_.dtype.is_floating_point:
                            e_.mul_(decay).add_(m_.detach(), alpha=1 - decay)
                        else:
                            e_.copy_(m_)
            loss_sum += loss.item()
            if is_main:
                progress_bar(epoch, args.epochs, i + 1, steps_per_epoch, loss_sum / (i + 1), time.time() - epoch_start)
        if is_main:
            scored = ema if ema is not None else net
            conf = evaluate(scored, val.images, val.labels, contract, device)
            miou, acc = mean_iou(conf), pixel_accuracy(conf)
            ious = iou_per_class(conf)
            is_best = miou > best_miou
            best_miou = max(best_miou, miou)
            epoch_time = time.time() - epoch_start
            progress_bar(epoch, args.epochs, steps_per_epoch, steps_per_epoch, loss_sum / steps_per_epoch, epoch_time,
                         f"val mIoU {miou:.2f} acc {acc:.2f}{' *best*' if is_best else ''}\n")
            state = {"model": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                     "best_miou": best_miou, "py_random": random.getstate(), "np_random": np.random.get_state(),
                     "torch_random": torch.get_rng_state(), "args": vars(args)}
            if ema is not None:
                state["ema"] = ema.state_dict()
            torch.save(state, run_dir / "last.pt.tmp")
            os.replace(run_dir / "last.pt.tmp", run_dir / "last.pt")
            if is_best:
                torch.save({"model": scored.state_dict(), "epoch": epoch, "val_miou": miou, "args": vars(args)},
                           run_dir / "best.pt.tmp")
                os.replace(run_dir / "best.pt.tmp", run_dir / "best.pt")
            if ema is not None:  # the final weights of a train+val run: the EMA of the last epoch
                torch.save({"model": ema.state_dict(), "epoch": epoch, "val_miou": miou, "args": vars(args)},
                           run_dir / "ema.pt.tmp")
                os.replace(run_dir / "ema.pt.tmp", run_dir / "ema.pt")
            header = not (run_dir / "log.tsv").exists()
            with open(run_dir / "log.tsv", "a") as log:
                if header:
                    log.write("epoch\tloss\tval_miou\tval_acc\tseconds\tlr\t" + "\t".join(contract.class_names) + "\n")
                log.write(f"{epoch + 1}\t{loss_sum / steps_per_epoch:.4f}\t{miou:.2f}\t{acc:.2f}\t{epoch_time:.0f}\t"
                          f"{args.lr * factor:.2e}\t" + "\t".join("" if v is None else f"{v:.1f}" for v in ious) + "\n")
        if distributed:
            dist.barrier()
        if args.max_minutes and (time.time() - started) / 60 > args.max_minutes:
            if is_main:
                print(f"stopping after {args.max_minutes} minutes; continue with --resume")
            break
    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()

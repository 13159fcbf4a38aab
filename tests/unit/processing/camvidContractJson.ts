// A complete exported-contract JSON built from models/camvid_classes.json (the single source of the
// class table and normalisation), shaped like what models/export.py writes next to the .onnx.

import camvid from '../../../models/camvid_classes.json';

export const SHA256 = 'ab'.repeat(32);

/** A fresh, mutable copy each call so tests can break one field at a time. */
export function camvidContractJson(): Record<string, any> {
  const base = structuredClone(camvid);
  return {
    $comment: 'test fixture',
    name: 'dashseg-mnv2',
    version: 1,
    onnx: 'dashseg-mnv2.onnx',
    sha256: SHA256,
    dataset: base.dataset,
    input: {
      name: 'image',
      shape: [1, 3, base.input.height, base.input.width],
      layout: base.input.layout,
      dtype: base.input.dtype,
      channelOrder: base.input.channelOrder,
      scale: base.input.scale,
      mean: base.input.mean,
      std: base.input.std,
    },
    outputs: [
      { name: 'classmap', kind: 'classmap', dtype: 'uint8', shape: [1, base.input.height, base.input.width] },
      { name: 'logits', kind: 'logits', dtype: 'float32', shape: [1, 11, 90, 120] },
    ],
    voidId: base.voidId,
    groups: base.groups,
    classes: base.classes,
  };
}

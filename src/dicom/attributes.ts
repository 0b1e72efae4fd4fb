// Collects a few top-level attributes (UIDs, Modality) from a dataset stream as it passes, for
// indexing and routing. Dicom layer: a DatasetHandler that ignores bulk data entirely (pixel data is
// never looked at) and keeps only the values asked for.
import type { DatasetHandler, Element } from './reader.js';
import { stringValue } from './values.js';

export const INDEX_TAGS = {
  sopClassUid: 0x00080016,
  sopInstanceUid: 0x00080018,
  modality: 0x00080060,
  studyInstanceUid: 0x0020000d,
  seriesInstanceUid: 0x0020000e,
} as const;

export type IndexAttrs = { -readonly [K in keyof typeof INDEX_TAGS]?: string };

const BY_TAG = new Map<number, keyof typeof INDEX_TAGS>(
  Object.entries(INDEX_TAGS).map(([k, v]) => [v, k as keyof typeof INDEX_TAGS]),
);

/** A handler that records the INDEX_TAGS values found at depth 0. */
export function attributeCollector(): { handler: DatasetHandler; attrs: IndexAttrs } {
  const attrs: IndexAttrs = {};
  const handler: DatasetHandler = {
    element(el: Element, value: Buffer): void {
      if (el.depth !== 0) return;
      const key = BY_TAG.get(el.tag);
      if (key) attrs[key] = stringValue(value);
    },
  };
  return { handler, attrs };
}

// Collects a few top-level attributes from a dataset stream as it passes: UIDs and Modality for
// indexing and routing, the Image Pixel module for the codecs. Dicom layer: it ignores bulk data
// entirely (pixel data is never looked at) and keeps only the values asked for.
import type { DatasetHandler, Element } from './reader.js';
import { integerStringValue, stringValue, uint16Value } from './values.js';

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

/** Image Pixel module attributes the codecs need (PS3.3 §C.7.6.3) and NumberOfFrames (§C.7.6.6). */
export interface ImagePixel {
  rows?: number;
  columns?: number;
  samplesPerPixel?: number;
  bitsAllocated?: number;
  bitsStored?: number;
  pixelRepresentation?: number;
  planarConfiguration?: number;
  /** 1 when the dataset does not say. */
  numberOfFrames: number;
}

const IMAGE_PIXEL_TAGS: Readonly<Record<number, Exclude<keyof ImagePixel, 'numberOfFrames'>>> = {
  0x00280002: 'samplesPerPixel', 0x00280006: 'planarConfiguration', 0x00280010: 'rows', 0x00280011: 'columns',
  0x00280100: 'bitsAllocated', 0x00280101: 'bitsStored', 0x00280103: 'pixelRepresentation',
};
const NUMBER_OF_FRAMES = 0x00280008;

/** Records `el` into `img` when it is a top-level Image Pixel attribute or NumberOfFrames. */
export function collectImagePixel(img: ImagePixel, el: Element, value: Buffer): void {
  if (el.depth !== 0) return;
  const key = IMAGE_PIXEL_TAGS[el.tag];
  if (key) img[key] = uint16Value(value, el.encoding.littleEndian);
  else if (el.tag === NUMBER_OF_FRAMES) img.numberOfFrames = integerStringValue(value) ?? 1;
}

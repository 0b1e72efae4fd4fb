// Data tables for scripts/gen-dictionary.mjs: what DCMTK's files do not say, taken from the standard.
// Build tool only; nothing here is imported at run time.

/**
 * DCMTK pseudo-VRs (dcvr.h) → the VR list PS3.6 Table 6-1 gives for those elements.
 * xs = "US or SS", ox / px = "OB or OW", lt = "US or SS or OW" (lookup table data),
 * up = UL (an offset, "unsigned pointer"), na = no VR (Item and delimiters, PS3.5 §7.5).
 */
export const PSEUDO_VRS = {
  xs: ['US', 'SS'],
  ox: ['OB', 'OW'],
  px: ['OB', 'OW'],
  lt: ['US', 'SS', 'OW'],
  up: ['UL'],
  na: [],
};

/** Elements whose PS3.6 VR list differs from what DCMTK's pseudo-VR maps to. Key: tag as 8 hex digits. */
export const VR_OVERRIDES = {
  '00283006': ['US', 'OW'], // LUT Data: PS3.6 says "US or OW" (DCMTK: lt)
};

/**
 * PS3.6 Table 6-1 repeating elements that dicom.dic flattens to one tag (or restricts to even
 * elements): keyword → the tag value and mask it really covers ((tag & mask) === value).
 */
export const RANGE_CORRECTIONS = [
  { keyword: 'SourceImageIDs', tag: 0x00203100, mask: 0xffffff00 }, // (0020,31xx)
  { keyword: 'RowsForNthOrderCoefficients', tag: 0x00280400, mask: 0xffffff0f }, // (0028,04x0)
  { keyword: 'ColumnsForNthOrderCoefficients', tag: 0x00280401, mask: 0xffffff0f }, // (0028,04x1)
  { keyword: 'CoefficientCoding', tag: 0x00280402, mask: 0xffffff0f }, // (0028,04x2)
  { keyword: 'CoefficientCodingPointers', tag: 0x00280403, mask: 0xffffff0f }, // (0028,04x3)
  { keyword: 'CodeLabel', tag: 0x00280800, mask: 0xffffff0f }, // (0028,08x0)
  { keyword: 'NumberOfTables', tag: 0x00280802, mask: 0xffffff0f }, // (0028,08x2)
  { keyword: 'CodeTableLocation', tag: 0x00280803, mask: 0xffffff0f }, // (0028,08x3)
  { keyword: 'BitsForCodeWord', tag: 0x00280804, mask: 0xffffff0f }, // (0028,08x4)
  { keyword: 'ImageDataLocation', tag: 0x00280808, mask: 0xffffff0f }, // (0028,08x8)
  { keyword: 'EscapeTriplet', tag: 0x10000000, mask: 0xffff000f }, // (1000,xxx0)
  { keyword: 'RunLengthTriplet', tag: 0x10000001, mask: 0xffff000f }, // (1000,xxx1)
  { keyword: 'HuffmanTableSize', tag: 0x10000002, mask: 0xffff000f }, // (1000,xxx2)
  { keyword: 'HuffmanTableTriplet', tag: 0x10000003, mask: 0xffff000f }, // (1000,xxx3)
  { keyword: 'ShiftTableSize', tag: 0x10000004, mask: 0xffff000f }, // (1000,xxx4)
  { keyword: 'ShiftTableTriplet', tag: 0x10000005, mask: 0xffff000f }, // (1000,xxx5)
  { keyword: 'ZonalMap', tag: 0x10100000, mask: 0xffff0000 }, // (1010,xxxx)
];

// Transfer syntax encodings (PS3.5 §10 and Annex A): helpers for the table below.
const native = (explicitVr, littleEndian) => ({ explicitVr, littleEndian, deflated: false, encapsulated: false });
const encapsulated = { explicitVr: true, littleEndian: true, deflated: false, encapsulated: true }; // PS3.5 §A.4
const deflatedLE = { explicitVr: true, littleEndian: true, deflated: true, encapsulated: false }; // PS3.5 §A.5
const ts = (keyword, name, enc, retired, codec) => ({ keyword, name, ...enc, retired, codec });

/** Every transfer syntax dcuid.h defines; keywords and names from PS3.6 Table A-1. The generator fails if the two disagree. */
export const TS_PROPERTIES = {
  '1.2.840.10008.1.2': ts('ImplicitVRLittleEndian', 'Implicit VR Little Endian', native(false, true), false, 'native'),
  '1.2.840.10008.1.2.1': ts('ExplicitVRLittleEndian', 'Explicit VR Little Endian', native(true, true), false, 'native'),
  '1.2.840.10008.1.2.1.99': ts('DeflatedExplicitVRLittleEndian', 'Deflated Explicit VR Little Endian', deflatedLE, false, 'deflate'),
  '1.2.840.10008.1.2.2': ts('ExplicitVRBigEndian', 'Explicit VR Big Endian', native(true, false), true, 'native'),
  '1.2.840.10008.1.2.4.50': ts('JPEGBaseline8Bit', 'JPEG Baseline (Process 1)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.51': ts('JPEGExtended12Bit', 'JPEG Extended (Process 2 & 4)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.52': ts('JPEGExtended35', 'JPEG Extended (Process 3 & 5)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.53': ts('JPEGSpectralSelectionNonHierarchical68', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.54': ts('JPEGSpectralSelectionNonHierarchical79', 'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.55': ts('JPEGFullProgressionNonHierarchical1012', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.56': ts('JPEGFullProgressionNonHierarchical1113', 'JPEG Full Progression, Non-Hierarchical (Process 11 & 13)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.57': ts('JPEGLossless', 'JPEG Lossless, Non-Hierarchical (Process 14)', encapsulated, false, 'jpeg-lossless'),
  '1.2.840.10008.1.2.4.58': ts('JPEGLosslessNonHierarchical15', 'JPEG Lossless, Non-Hierarchical (Process 15)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.59': ts('JPEGExtendedHierarchical1618', 'JPEG Extended, Hierarchical (Process 16 & 18)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.60': ts('JPEGExtendedHierarchical1719', 'JPEG Extended, Hierarchical (Process 17 & 19)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.61': ts('JPEGSpectralSelectionHierarchical2022', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.62': ts('JPEGSpectralSelectionHierarchical2123', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.63': ts('JPEGFullProgressionHierarchical2426', 'JPEG Full Progression, Hierarchical (Process 24 & 26)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.64': ts('JPEGFullProgressionHierarchical2527', 'JPEG Full Progression, Hierarchical (Process 25 & 27)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.65': ts('JPEGLosslessHierarchical28', 'JPEG Lossless, Hierarchical (Process 28)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.66': ts('JPEGLosslessHierarchical29', 'JPEG Lossless, Hierarchical (Process 29)', encapsulated, true, null),
  '1.2.840.10008.1.2.4.70': ts('JPEGLosslessSV1', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', encapsulated, false, 'jpeg-lossless'),
  '1.2.840.10008.1.2.4.80': ts('JPEGLSLossless', 'JPEG-LS Lossless Image Compression', encapsulated, false, null),
  '1.2.840.10008.1.2.4.81': ts('JPEGLSNearLossless', 'JPEG-LS Lossy (Near-Lossless) Image Compression', encapsulated, false, null),
  '1.2.840.10008.1.2.4.90': ts('JPEG2000Lossless', 'JPEG 2000 Image Compression (Lossless Only)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.91': ts('JPEG2000', 'JPEG 2000 Image Compression', encapsulated, false, null),
  '1.2.840.10008.1.2.4.92': ts('JPEG2000MCLossless', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.93': ts('JPEG2000MC', 'JPEG 2000 Part 2 Multi-component Image Compression', encapsulated, false, null),
  // JPIP: Pixel Data is replaced by a URL (PS3.5 §8.2.3, §A.6); the dataset itself is plain or deflated.
  '1.2.840.10008.1.2.4.94': ts('JPIPReferenced', 'JPIP Referenced', native(true, true), false, null),
  '1.2.840.10008.1.2.4.95': ts('JPIPReferencedDeflate', 'JPIP Referenced Deflate', deflatedLE, false, null),
  '1.2.840.10008.1.2.4.100': ts('MPEG2MPML', 'MPEG2 Main Profile / Main Level', encapsulated, false, null),
  '1.2.840.10008.1.2.4.101': ts('MPEG2MPHL', 'MPEG2 Main Profile / High Level', encapsulated, false, null),
  '1.2.840.10008.1.2.4.102': ts('MPEG4HP41', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', encapsulated, false, null),
  '1.2.840.10008.1.2.4.103': ts('MPEG4HP41BD', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', encapsulated, false, null),
  '1.2.840.10008.1.2.4.104': ts('MPEG4HP422D', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', encapsulated, false, null),
  '1.2.840.10008.1.2.4.105': ts('MPEG4HP423D', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', encapsulated, false, null),
  '1.2.840.10008.1.2.4.106': ts('MPEG4HP42STEREO', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', encapsulated, false, null),
  '1.2.840.10008.1.2.4.107': ts('HEVCMP51', 'HEVC/H.265 Main Profile / Level 5.1', encapsulated, false, null),
  '1.2.840.10008.1.2.4.108': ts('HEVCM10P51', 'HEVC/H.265 Main 10 Profile / Level 5.1', encapsulated, false, null),
  '1.2.840.10008.1.2.5': ts('RLELossless', 'RLE Lossless', encapsulated, false, 'rle'),
  // Pseudo transfer syntaxes for DICOMDIR references to HL7 CDA documents; never used on the network.
  '1.2.840.10008.1.2.6.1': ts('RFC2557MIMEEncapsulation', 'RFC 2557 MIME encapsulation', native(true, true), true, null),
  '1.2.840.10008.1.2.6.2': ts('XMLEncoding', 'XML Encoding', native(true, true), true, null),
  // PS3.22 real-time communication; no Part 10 files use them.
  '1.2.840.10008.1.2.7.1': ts('SMPTEST211020UncompressedProgressiveActiveVideo', 'SMPTE ST 2110-20 Uncompressed Progressive Active Video', native(true, true), false, null),
  '1.2.840.10008.1.2.7.2': ts('SMPTEST211020UncompressedInterlacedActiveVideo', 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video', native(true, true), false, null),
  '1.2.840.10008.1.2.7.3': ts('SMPTEST211030PCMDigitalAudio', 'SMPTE ST 2110-30 PCM Digital Audio', native(true, true), false, null),
  // GE private: Implicit VR Little Endian dataset whose Pixel Data is big endian (dcuid.h comment). We
  // parse the dataset but never touch its pixels, hence no codec.
  '1.2.840.113619.5.2': ts('PrivateGE_LEI_WithBigEndianPixelData', 'Implicit VR Little Endian with Big Endian Pixel Data (GE private)', native(false, true), false, null),
};

/** Transfer syntaxes of PS3.6 Table A-1 (2024 editions) that DCMTK 3.6.7's dcuid.h does not define. */
export const TS_NOT_IN_DCMTK = {
  '1.2.840.10008.1.2.1.98': ts('EncapsulatedUncompressedExplicitVRLittleEndian', 'Encapsulated Uncompressed Explicit VR Little Endian', encapsulated, false, null),
  '1.2.840.10008.1.2.4.100.1': ts('MPEG2MPMLF', 'Fragmentable MPEG2 Main Profile / Main Level', encapsulated, false, null),
  '1.2.840.10008.1.2.4.101.1': ts('MPEG2MPHLF', 'Fragmentable MPEG2 Main Profile / High Level', encapsulated, false, null),
  '1.2.840.10008.1.2.4.102.1': ts('MPEG4HP41F', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1', encapsulated, false, null),
  '1.2.840.10008.1.2.4.103.1': ts('MPEG4HP41BDF', 'Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', encapsulated, false, null),
  '1.2.840.10008.1.2.4.104.1': ts('MPEG4HP422DF', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', encapsulated, false, null),
  '1.2.840.10008.1.2.4.105.1': ts('MPEG4HP423DF', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', encapsulated, false, null),
  '1.2.840.10008.1.2.4.106.1': ts('MPEG4HP42STEREOF', 'Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', encapsulated, false, null),
  '1.2.840.10008.1.2.4.110': ts('JPEGXLLossless', 'JPEG XL Lossless', encapsulated, false, null),
  '1.2.840.10008.1.2.4.111': ts('JPEGXLJPEGRecompression', 'JPEG XL JPEG Recompression', encapsulated, false, null),
  '1.2.840.10008.1.2.4.112': ts('JPEGXL', 'JPEG XL', encapsulated, false, null),
  '1.2.840.10008.1.2.4.201': ts('HTJ2KLossless', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.202': ts('HTJ2KLosslessRPCL', 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', encapsulated, false, null),
  '1.2.840.10008.1.2.4.203': ts('HTJ2K', 'High-Throughput JPEG 2000 Image Compression', encapsulated, false, null),
  '1.2.840.10008.1.2.4.204': ts('JPIPHTJ2KReferenced', 'JPIP HTJ2K Referenced', native(true, true), false, null),
  '1.2.840.10008.1.2.4.205': ts('JPIPHTJ2KReferencedDeflate', 'JPIP HTJ2K Referenced Deflate', deflatedLE, false, null),
};

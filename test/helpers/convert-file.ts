// Test helper: runs a file through DatasetReader + TransferSyntaxConverter and returns the output.
import { DatasetReader } from '../../src/dicom/reader.js';
import { TransferSyntaxConverter } from '../../src/dicom/convert.js';

export async function convertBuffer(input: Buffer, target: string, opts: { part10: boolean; chunk?: number; sourceTs?: string }): Promise<Buffer> {
  const parts: Buffer[] = [];
  const conv = new TransferSyntaxConverter(opts.sourceTs ?? null, { targetTransferSyntax: target, write: (b) => parts.push(Buffer.from(b)), part10: opts.part10 });
  const reader = new DatasetReader(conv, opts.sourceTs ? { format: 'dataset', transferSyntax: opts.sourceTs } : {});
  const step = opts.chunk ?? input.length;
  for (let i = 0; i < input.length; i += step) reader.write(input.subarray(i, i + step));
  await reader.end();
  conv.flush();
  return Buffer.concat(parts);
}

// Codecs layer: drives a dataset codec (a DatasetHandler that queues output pieces, some of them
// pending frame encodes/decodes) from an async source of dataset bytes, yielding the pieces in order.
// Shared by the dataset decoder and encoder; no policy of its own.
import { DatasetReader, type DatasetHandler } from '../dicom/reader.js';

export interface QueuingHandler extends DatasetHandler {
  readonly queue: Array<Buffer | Promise<Buffer>>;
  /** Moves buffered non-pixel output into the queue when that is safe. */
  flush(): void;
}

export async function* pumpDataset(handler: QueuingHandler, source: AsyncIterable<Buffer>, transferSyntax: string): AsyncGenerator<Buffer> {
  const reader = new DatasetReader(handler, { format: 'dataset', transferSyntax });
  const drain = async function* (): AsyncGenerator<Buffer> {
    while (handler.queue.length) {
      const next = handler.queue.shift()!;
      yield next instanceof Promise ? await next : next;
    }
  };
  for await (const chunk of source) {
    reader.write(chunk);
    handler.flush();
    yield* drain();
  }
  await reader.end();
  handler.flush();
  yield* drain();
}

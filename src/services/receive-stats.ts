// Receive counters for /api/status and /metrics (services layer; in memory, reset at start).
import { statusClass } from './status-codes.js';

export class ReceiveStats {
  instances = 0;
  bytes = 0;
  failed = 0;
  abortedCount = 0;

  add(status: number, bytes: number): void {
    if (statusClass(status) === 'failure') {
      this.failed++;
      return;
    }
    this.instances++;
    this.bytes += bytes;
  }

  aborted(): void {
    this.abortedCount++;
  }
}

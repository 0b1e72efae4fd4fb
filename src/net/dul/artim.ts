// net/dul layer: the ARTIM timer (PS3.8 §9.1.5): started/stopped by DUL actions, fires Evt18.
// Uses the global setTimeout so node:test mock.timers can drive it; knows nothing of sockets.

export class ArtimTimer {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly ms: number, private readonly onExpire: () => void) {}

  /** Starts, or restarts if running (AA-1: "start (or restart if already started)"). */
  start(): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onExpire();
    }, this.ms);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }
}

/**
 * A progress bar on stderr that only draws on a TTY (so logs and pipes stay clean) and redraws at most every 100 ms.
 */
export class Progress {
  private last = 0;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY) && total > 0;
    this.stream = stream;
  }
  private readonly stream: NodeJS.WriteStream;

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && done < this.total) return;
    this.last = now;
    const frac = Math.min(1, done / this.total);
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    this.stream.write(
      `\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${this.total} ${rate}/s`,
    );
  }

  done(): void {
    if (this.enabled) this.stream.write('\n');
  }
}

import winston from 'winston';
import { safeJson } from '../status/escape.ts';

export type Logger = winston.Logger;

/**
 * The agent's JSON logger (one object per line on stdout, for journald / CloudWatch agent). Values from log lines are
 * passed as fields, never interpolated into the message, and the serialiser escapes control and bidi characters.
 */
export function createLogger(level: string, stream: NodeJS.WritableStream = process.stdout): Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.printf((info) => {
        const { level: lvl, message, timestamp, ...rest } = info;
        return safeJson({ ts: timestamp, level: lvl, msg: message, ...rest });
      }),
    ),
    transports: [new winston.transports.Stream({ stream })],
  });
}

/** A logger that drops everything (replay, tests). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}

/**
 * Logs at most `perMinute` messages of one kind, then one summary of how many were suppressed: a flood of bad lines
 * is still counted (metrics, status) without flooding the log.
 */
export class RateLimitedLog {
  private windowStart = 0;
  private emitted = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  warn(msg: string, fields: Record<string, unknown>): void {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      if (this.suppressed > 0)
        this.log.warn(`${msg}: ${this.suppressed} more suppressed in the last minute`, { suppressed: this.suppressed });
      this.windowStart = t;
      this.emitted = 0;
      this.suppressed = 0;
    }
    if (this.emitted < this.perMinute) {
      this.emitted++;
      this.log.warn(msg, fields);
    } else this.suppressed++;
  }
}

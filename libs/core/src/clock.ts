import { readFileSync, statSync } from 'node:fs';

/**
 * Time comes from an injectable clock so that deadlines (MIG-10.3, RET-4), validity windows
 * (MIG-9.3, MIG-17) and signing-time checks can be tested at any instant.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that stands still until told to move; for tests. */
export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: Date): void {
    this.current = new Date(instant.getTime());
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}

/**
 * The system clock moved by an offset (milliseconds) read from a file, re-read whenever the file
 * changes. It lets a test move a running gateway process through time — a receiver down for an
 * hour, a certificate past its end — without waiting; a gateway uses it only when
 * `MXG_CLOCK_OFFSET_FILE` is set, and says so at start-up. A missing file is offset 0.
 */
export class OffsetClock extends Clock {
  private offsetMs = 0;
  private seen: string | undefined;

  constructor(private readonly file: string) {
    super();
  }

  now(): Date {
    return new Date(Date.now() + this.offset());
  }

  private offset(): number {
    const stat = statSync(this.file, { bigint: true, throwIfNoEntry: false });
    const version = stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'absent';
    if (version !== this.seen) {
      this.seen = version;
      const text = stat ? readFileSync(this.file, 'utf8').trim() : '0';
      const value = Number(text === '' ? '0' : text);
      if (!Number.isSafeInteger(value)) {
        throw new Error(`${this.file} must hold an offset in whole milliseconds, not "${text}"`);
      }
      this.offsetMs = value;
    }
    return this.offsetMs;
  }
}

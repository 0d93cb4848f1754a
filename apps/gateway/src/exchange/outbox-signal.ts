import { Injectable } from '@nestjs/common';

/** Lets a use case wake the outbox relay at once instead of at its next poll. */
@Injectable()
export class OutboxSignal {
  private listener: (() => void) | undefined;

  notify(): void {
    this.listener?.();
  }

  listen(listener: () => void): void {
    this.listener = listener;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { DeadLetterKind } from './dead-letter.types';

/** What a listener learns of a dead letter taken in: its code and kind — nothing of its content. */
export interface DeadLetterHeld {
  readonly code: string;
  readonly kind: DeadLetterKind;
}

/**
 * A hook for whoever counts dead letters (metrics, by code): `onHeld` is called once for every
 * dead letter kept — not for a copy taken in twice. A listener that throws is logged and
 * otherwise ignored: counting never holds up the intake.
 */
@Injectable()
export class DeadLetterEvents {
  private readonly logger = new Logger(DeadLetterEvents.name);
  private readonly listeners: ((event: DeadLetterHeld) => void)[] = [];

  onHeld(listener: (event: DeadLetterHeld) => void): void {
    this.listeners.push(listener);
  }

  held(event: DeadLetterHeld): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn(`dead-letter listener failed: ${(error as Error).message}`);
      }
    }
  }
}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuthorityChangeError, type AuthorityChangeNotice, MxgConfigService } from '@mxg/config';
import { decodeMessage, type MessageHeader } from '@mxg/envelope';
import { ExchangeStore } from './store/exchange.store';

/** Why an authority-change notice cannot hold, with its stable code. */
export interface AuthorityChangeRefusal {
  readonly code: AuthorityChangeError['code'];
  readonly message: string;
}

const NOTICE = 'authority-change-notice';

/**
 * MIG-2: a party notifies a renamed competent authority, or a change of its functions, as a
 * signed `authority-change-notice`; the receiving gateway applies it from its effective date.
 * The stored signed messages are the record: at start-up the notices received so far are
 * applied again, in the order they arrived, so a restart (or a crash between storing a notice
 * and applying it) loses none. The sending party's own gateway follows its `authorities.yaml`,
 * which its operator changes.
 */
@Injectable()
export class AuthorityChanges implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthorityChanges.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly store: ExchangeStore,
  ) {}

  /**
   * A notice that cannot hold: about another party's authority — a party notifies only its own
   * (MIG-2) — or contradicting the registry (`AUTHORITY_CHANGE_INVALID`,
   * `AUTHORITY_CHANGE_CONFLICT`). `null` for any other message.
   */
  refusal(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
  ): AuthorityChangeRefusal | null {
    if (header.type !== NOTICE) return null;
    const notice = body as unknown as AuthorityChangeNotice;
    const authority = this.config.treaty.allAuthorities().find((a) => a.code === notice.authority);
    if (authority?.party !== header.from.party) {
      return {
        code: 'AUTHORITY_CHANGE_INVALID',
        message: `${header.from.party} notifies a change of ${notice.authority}, which is not one of its competent authorities (MIG-2)`,
      };
    }
    try {
      this.config.treaty.withAuthorityChange(notice);
      return null;
    } catch (error) {
      if (!(error instanceof AuthorityChangeError)) throw error;
      return { code: error.code, message: error.message.replace(/^[A-Z_]+: /, '') };
    }
  }

  /** Applies a received notice (checked by `refusal` before it was stored). */
  apply(header: MessageHeader, body: Readonly<Record<string, unknown>>): void {
    if (header.type !== NOTICE) return;
    this.config.applyAuthorityChange(body as unknown as AuthorityChangeNotice);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const record of await this.store.receivedOfType(NOTICE)) {
      const stored = await this.store.content(record.id);
      if (stored?.state !== 'available') {
        // MIG-11.5: a notice destroyed before this start no longer says what it changed.
        this.logger.warn(`authority-change notice ${record.id} was destroyed: not applied again`);
        continue;
      }
      const { header, body } = decodeMessage(stored.content);
      try {
        this.apply(header, body);
      } catch (error) {
        // Checked when it arrived; only a changed authorities.yaml can contradict it now.
        this.logger.warn(
          `authority-change notice ${record.id} no longer applies: ${(error as Error).message}`,
        );
      }
    }
  }
}

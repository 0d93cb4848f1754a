import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  HANDLING_RESTRICTIONS,
  HANDLING_TYPES,
  type HandlingRestriction,
  TREATY_RESTRICTIONS,
} from '@mxg/messages';
import type { MessageRecord } from './exchange.types';
import type { MessageBinding } from './store/protection.store';

/** One recorded restriction: which code, set by which message, when. */
export class RestrictionSource {
  @ApiProperty({ enum: HANDLING_RESTRICTIONS }) restriction!: string;
  @ApiProperty({
    description: 'the message that set it: the answer itself or a handling-restriction',
  })
  messageId!: string;
  @ApiProperty() at!: string;
}

/** The restrictions in force on a message (MIG-11.2, MIG-11.3). */
export class HandlingView {
  @ApiProperty({
    enum: HANDLING_RESTRICTIONS,
    isArray: true,
    description: 'in force: the treaty’s own and every one the provider set',
  })
  restrictions!: string[];
  @ApiProperty({
    enum: HANDLING_RESTRICTIONS,
    isArray: true,
    description: 'what the treaty imposes whatever a message says (MIG-11.2, MIG-11.3)',
  })
  treaty!: string[];
  @ApiProperty({ type: [RestrictionSource] }) addedBy!: RestrictionSource[];
}

/** What the API adds to a message's view: the purpose it is bound to, and its restrictions. */
export class ProtectionView {
  @ApiPropertyOptional({
    nullable: true,
    description:
      'MIG-11.2: the purpose code of the request the message belongs to; null outside a request',
  })
  purpose!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: HandlingView,
    description:
      'MIG-11.2, MIG-11.3: for an answer that carries personal data back (or one restricted later)',
  })
  handling!: HandlingView | null;

  static of(m: MessageRecord, binding: MessageBinding | undefined): ProtectionView {
    const recorded = binding?.restrictions ?? [];
    const carries = (HANDLING_TYPES as readonly string[]).includes(m.type);
    const inForce = new Set<string>([
      ...TREATY_RESTRICTIONS,
      ...recorded.map((r) => r.restriction),
    ]);
    return {
      purpose: binding?.purpose ?? null,
      handling:
        carries || recorded.length > 0
          ? {
              restrictions: HANDLING_RESTRICTIONS.filter((r: HandlingRestriction) =>
                inForce.has(r),
              ),
              treaty: [...TREATY_RESTRICTIONS],
              addedBy: recorded.map((r) => ({
                restriction: r.restriction,
                messageId: r.addedBy,
                at: r.addedAt.toISOString(),
              })),
            }
          : null,
    };
  }
}

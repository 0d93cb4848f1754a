import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Participation, Party, TreatyRegistry } from '@mxg/config';

class NamesView {
  @ApiProperty({ example: 'Республика Казахстан' }) ru!: string;
  @ApiProperty({ example: 'Republic of Kazakhstan' }) en!: string;
}

class NationalBankView extends NamesView {
  @ApiProperty({ example: 'NBK', description: 'the `source` of its rate tables (RET-3.7)' })
  code!: string;
}

/** RET-7/8, MIG-17: one party's participation in one agreement, as the gateway applies it. */
export class ParticipationView {
  @ApiProperty({ example: 'RET' }) agreement!: string;
  @ApiPropertyOptional({
    nullable: true,
    example: '2016-01-15',
    description:
      "RET-7/8: the depositary's receipt of the party's notification or accession document (null: none yet; always null under a bilateral agreement)",
  })
  notificationReceived!: string | null;
  @ApiProperty({
    description: 'RET-8: the party acceded (its document does not count towards the first three)',
  })
  accession!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    example: '2016-03-01',
    description:
      'the first day it takes part — computed under RET-7/8 (30 days after the third notification, or after its own when later); MIG-17: inForceFrom. null: not in force for it',
  })
  participatingFrom!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    example: null,
    description:
      'the first day it no longer takes part (it left, or the agreement ended); null: open',
  })
  leftOn!: string | null;
  @ApiProperty({
    description: "whether it may send and receive under the agreement today (this gateway's clock)",
  })
  inForce!: boolean;

  static of(p: Participation, inForce: boolean): ParticipationView {
    return {
      agreement: p.agreement,
      notificationReceived: p.notificationReceived,
      accession: p.accession,
      participatingFrom: p.participatingFrom,
      leftOn: p.leftOn,
      inForce,
    };
  }
}

/** A party as this gateway's configuration has it: currency, national bank, authorities, agreements. */
export class PartyView {
  @ApiProperty({ example: 'KZ', description: 'ISO 3166-1 alpha-2' }) code!: string;
  @ApiProperty({ type: NamesView }) names!: NamesView;
  @ApiProperty({ example: 'KZT', description: 'ISO 4217: its national currency' })
  currency!: string;
  @ApiProperty({
    type: NationalBankView,
    description: 'RET-3.7: whose official rates count for it',
  })
  nationalBank!: NationalBankView;
  @ApiProperty({ type: [String], example: ['KZ-MVD', 'KZ-MTSZN', 'KZ-RET'] })
  authorities!: string[];
  @ApiProperty({ type: [ParticipationView], description: 'the agreements it is a party to' })
  agreements!: ParticipationView[];

  static of(party: Party, treaty: TreatyRegistry, now: Date): PartyView {
    return {
      code: party.code,
      names: { ru: party.names.ru, en: party.names.en },
      currency: party.currency,
      nationalBank: { ...party.nationalBank },
      authorities: treaty.authoritiesOf(party.code).map((a) => a.code),
      agreements: treaty
        .allParticipations()
        .filter((p) => p.party === party.code)
        .map((p) => ParticipationView.of(p, treaty.isParticipating(p.agreement, party.code, now))),
    };
  }
}

export class PartiesView {
  @ApiProperty({
    example: '2026-12-06',
    description: "today (UTC) on this gateway's clock: the day `inForce` is for",
  })
  on!: string;
  @ApiProperty({ type: [PartyView] }) parties!: PartyView[];
}

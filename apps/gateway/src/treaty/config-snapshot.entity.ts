import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Participation } from '@mxg/config';

@Entity({ name: 'config_snapshots' })
export class ConfigSnapshotEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('text')
  gateway!: string;

  @Column('char', { length: 2 })
  party!: string;

  @Column('char', { length: 64 })
  digest!: string;

  @Column('timestamptz', { name: 'recorded_at' })
  recordedAt!: Date;

  /** RET-7/8, MIG-17: every party's participation in every agreement, as computed from this configuration. */
  @Column('jsonb')
  participation!: Participation[];
}

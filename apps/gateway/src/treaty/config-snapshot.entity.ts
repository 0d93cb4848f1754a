import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
}

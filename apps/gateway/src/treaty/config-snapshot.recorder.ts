import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { ConfigSnapshotEntity } from './config-snapshot.entity';

/**
 * Records the digest of the treaty configuration a gateway starts with whenever it differs
 * from the last one recorded, so a change of authorities, agreements or signatory lists
 * (MIG-2, MIG-9.4, MIG-17) leaves a dated trace in the gateway's own database.
 */
@Injectable()
export class ConfigSnapshotRecorder implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConfigSnapshotRecorder.name);

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    @InjectRepository(ConfigSnapshotEntity)
    private readonly snapshots: Repository<ConfigSnapshotEntity>,
    private readonly audit: AuditAppender,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { id, party } = this.config.gateway;
    // RET-7/8: the dates the gateway computed (each party's start), kept with the snapshot.
    const participation = this.config.treaty.allParticipations();
    const digest = createHash('sha256')
      .update(
        JSON.stringify({
          treaty: this.config.treaty,
          participation,
          gateway: this.config.gateway,
          // MIG-11.5: a change of retention periods or notice signatories is a change too.
          retention: this.config.retention,
          // RET-3.3, RET-3.4, RET-3.6: so are the rounding policy and the caps.
          settlements: this.config.settlements,
        }),
      )
      .digest('hex');
    const last = await this.snapshots.findOne({ where: { gateway: id }, order: { id: 'DESC' } });
    if (last?.digest === digest) return;
    // One transaction: the snapshot and its audit entry exist together or not at all (issue 4:
    // every change of configuration or signatory list is audited).
    await this.snapshots.manager.transaction(async (manager) => {
      await manager.insert(ConfigSnapshotEntity, {
        gateway: id,
        party,
        digest,
        recordedAt: this.clock.now(),
        participation,
      });
      await this.audit.append(
        {
          type: 'config.changed',
          actor: { role: 'gateway', user: id },
          parties: [party],
          contentDigest: `sha256:${digest}`,
          details: { previousDigest: last === null ? null : `sha256:${last.digest}` },
        },
        { db: manager },
      );
    });
    this.logger.log(`treaty configuration ${digest.slice(0, 12)}… recorded`);
  }
}

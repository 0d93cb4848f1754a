import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { ConfigSnapshotEntity } from './config-snapshot.entity';
import { ConfigSnapshotRecorder } from './config-snapshot.recorder';

/** The treaty configuration inside the running gateway. */
@Module({
  imports: [TypeOrmModule.forFeature([ConfigSnapshotEntity]), AuditModule],
  providers: [ConfigSnapshotRecorder],
})
export class TreatyModule {}

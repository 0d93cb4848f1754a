import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { AuthoritiesController } from './authorities.controller';
import { ConfigSnapshotEntity } from './config-snapshot.entity';
import { ConfigSnapshotRecorder } from './config-snapshot.recorder';
import { PartiesController } from './parties.controller';

/** The treaty configuration inside the running gateway. */
@Module({
  imports: [TypeOrmModule.forFeature([ConfigSnapshotEntity]), AuditModule, AuthModule],
  controllers: [AuthoritiesController, PartiesController],
  providers: [ConfigSnapshotRecorder],
})
export class TreatyModule {}

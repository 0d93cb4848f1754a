import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { BrokerModule } from '../broker/broker.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { DeadLetterEvents } from './dead-letter-events';
import { DeadLetterIntake } from './dead-letter-intake.service';
import { DeadLetterStore } from './dead-letter.store';
import { DeadLettersController } from './dead-letters.controller';
import { DecideDeadLetter } from './use-cases/decide-dead-letter/decide-dead-letter.use-case';

/**
 * Dead letters (#17, README "Dead letters"): taken in off the party's dead-letter intake queue
 * into the `dead_letters` table, listed, replayed into the gateway's own inbox through the
 * exchange's outbox, or discarded. `DeadLetterEvents` is the hook for counting them.
 */
@Module({
  imports: [AuthModule, AuditModule, BrokerModule, ExchangeModule],
  controllers: [DeadLettersController],
  providers: [DeadLetterStore, DeadLetterEvents, DeadLetterIntake, DecideDeadLetter],
  exports: [DeadLetterEvents],
})
export class DeadLettersModule {}

import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BrokerModule } from '../broker/broker.module';
import { ExchangeModule } from '../exchange/exchange.module';
import { InboxConsumer } from './inbox-consumer.service';
import { OutboxRelay } from './outbox-relay.service';
import { ResendSweeper } from './resend-sweeper.service';

/** Reliable routing over RabbitMQ: outbox relay, inbox consumer, re-sends. */
@Module({
  imports: [BrokerModule, ExchangeModule, AuditModule],
  providers: [OutboxRelay, InboxConsumer, ResendSweeper],
})
export class RoutingModule {}

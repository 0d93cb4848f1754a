import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { connect } from 'amqplib';
import type { MxgConfigService } from '@mxg/config';
import { BrokerConnection } from './broker-connection.service';

jest.mock('amqplib', () => ({ connect: jest.fn() }));
const connectMock = connect as unknown as jest.Mock;

/** A connection that can be dropped, as a node that dies drops it. */
class FakeConnection extends EventEmitter {
  close = jest.fn(() => Promise.resolve());
  drop() {
    this.emit('close');
  }
}

const NODES = ['amqp://u:p@c1:5671/v', 'amqp://u:p@c2:5671/v', 'amqp://u:p@c3:5671/v'];
const config = {
  amqpTargets: NODES.map((url) => ({ url })),
  gateway: { id: 'kz' },
} as unknown as MxgConfigService;
const hostsTried = (): string[] =>
  (connectMock.mock.calls as [string][]).map(([url]) => new URL(url).hostname);

describe('#15 BrokerConnection fails over between the nodes of its broker cluster', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    jest.useFakeTimers();
    connectMock.mockReset();
  });
  afterEach(() => jest.useRealTimers());

  it('connects to the configured node first, and after it drops to the next node', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    connectMock.mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    const broker = new BrokerConnection(config);
    await broker.onModuleInit();
    expect(hostsTried()).toEqual(['c1']);
    expect(broker.isConnected).toBe(true);

    first.drop();
    expect(broker.isConnected).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(hostsTried()).toEqual(['c1', 'c2']);
    expect(broker.isConnected).toBe(true);
    await broker.onApplicationShutdown();
  });

  it('skips a node it cannot reach, round and round, until one answers', async () => {
    const connection = new FakeConnection();
    connectMock
      .mockRejectedValueOnce(new Error('ECONNREFUSED c1'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED c2'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED c3'))
      .mockResolvedValueOnce(connection);
    const broker = new BrokerConnection(config);
    await broker.onModuleInit();
    expect(broker.lastFailure).toBe('ECONNREFUSED c1');
    await jest.advanceTimersByTimeAsync(500 + 1000 + 2000);
    expect(hostsTried()).toEqual(['c1', 'c2', 'c3', 'c1']);
    expect(broker.isConnected).toBe(true);
    await broker.onApplicationShutdown();
  });
});

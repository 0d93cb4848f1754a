import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { requestLogContext } from './log-context';

/** Nest's levels, as pino names them (`log` is `info`; `verbose` is `trace`). */
const PINO_LEVEL: Readonly<Record<LogLevel, Level>> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export interface GatewayLoggerOptions {
  /** The most detailed level written. */
  readonly level: LogLevel;
  /** `auto`: pretty on a terminal, JSON lines otherwise. */
  readonly format: 'auto' | 'json' | 'pretty';
  /** Fields on every line: which gateway wrote it. */
  readonly base?: Readonly<Record<string, string>>;
  /** Where lines go (stdout by default); tests pass their own. */
  readonly destination?: DestinationStream;
  /** Whether the destination is a terminal (stdout's by default). */
  readonly isTty?: boolean;
}

/**
 * The gateway's logger (#17): pino behind Nest's LoggerService, so every `new Logger(context)`
 * in the code writes through it. Lines are JSON objects — `level` (a name), `time` (ISO 8601,
 * UTC), `context`, `msg`, the gateway's `gateway` and `party`, and, while an HTTP request is
 * handled, its `reqId` (and the `messageId` and `code` it concerns) — or, on a terminal or
 * when configured, human-readable, coloured only on a terminal. A message given as an object
 * (`LogFields`) has its fields kept as fields.
 */
export class GatewayLogger implements LoggerService {
  readonly pino: Logger;

  constructor(options: GatewayLoggerOptions) {
    const isTty = options.isTty ?? process.stdout.isTTY === true;
    const readable = options.format === 'pretty' || (options.format === 'auto' && isTty);
    const destination =
      options.destination ??
      (readable
        ? // Written synchronously, as JSON lines are: a line logged just before an exit is kept.
          pretty({
            colorize: isTty,
            sync: true,
            translateTime: 'SYS:isoDateTime',
            singleLine: true,
            ignore: 'pid,hostname,context',
            messageFormat: '[{context}] {msg}',
          })
        : pino.destination({ fd: 1, sync: true }));
    this.pino = pino(
      {
        level: PINO_LEVEL[options.level],
        base: { pid: process.pid, ...options.base },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        messageKey: 'msg',
        mixin: () => {
          const context = requestLogContext.getStore();
          return context === undefined ? {} : { ...context };
        },
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?): a second string before the context is a stack.
    const [first, second] = rest;
    if (typeof first === 'string' && typeof second === 'string') {
      this.write('error', message, [second], first);
    } else {
      this.write('error', message, rest);
    }
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  setLogLevels(levels: LogLevel[]): void {
    // Nest lists the enabled levels; the most detailed of them is pino's threshold.
    const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
    const most = Math.max(...levels.map((l) => order.indexOf(l)));
    if (most >= 0) this.pino.level = PINO_LEVEL[order[most]];
  }

  private write(level: Level, message: unknown, rest: unknown[], stack?: string): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (stack !== undefined) fields.stack = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...own } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...own }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

import { CommanderError } from 'commander';
import { buildInfo, versionLine } from './build-info';
import { EXIT, printJsonError, reportFailure, USAGE_ERROR } from './cli-errors';
import { jsonRequested } from './cli-output';
import { buildProgram } from './cli-program';

const VERSION_FLAGS = ['-V', '--version'];

async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const json = jsonRequested(args);
  // `mxg --version [--json]`: answered here, as commander's own --version cannot print JSON.
  if (
    args.some((a) => VERSION_FLAGS.includes(a)) &&
    args.every((a) => [...VERSION_FLAGS, '--json'].includes(a))
  ) {
    const info = buildInfo();
    process.stdout.write(json ? `${JSON.stringify(info, null, 2)}\n` : `${versionLine(info)}\n`);
    return EXIT.ok;
  }
  try {
    await buildProgram({ json }).parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help
      if (json) printJsonError(USAGE_ERROR, error.message.replace(/^error: /, ''));
      else if (error.code === 'mxg.usage') process.stderr.write(`mxg: ${error.message}\n`);
      return EXIT.usage;
    }
    return reportFailure(error, json);
  }
}

void main(process.argv).then((status) => {
  // A command may already have set a verdict (e.g. `mxg verify`: invalid); failures override it.
  if (status !== EXIT.ok) process.exitCode = status;
});

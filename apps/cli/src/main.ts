import { CommanderError } from 'commander';
import { EXIT, reportFailure } from './cli-errors';
import { buildProgram } from './cli-program';

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportFailure(error);
  }
}

void main(process.argv).then((status) => {
  // A command may already have set a verdict (e.g. `mxg verify`: invalid); failures override it.
  if (status !== EXIT.ok) process.exitCode = status;
});

import { jsonRequested } from './cli-output';

describe(jsonRequested.name, () => {
  it.each([
    [['message', 'check', 'm.json', '--json'], true],
    [['--json', 'config', 'check'], true],
    [['message', 'check', 'm.json'], false],
    // After `--`, --json is an argument (a file named so), not the option.
    [['message', 'check', '--', '--json'], false],
  ])('%j → %s', (args, expected) => {
    expect(jsonRequested(args)).toBe(expected);
  });
});

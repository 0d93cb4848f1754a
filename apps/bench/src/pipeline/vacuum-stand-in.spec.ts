import { autovacuumWouldRun } from './vacuum-stand-in';

/** PostgreSQL's defaults. */
const DEFAULTS = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
};
const table = (
  liveTuples: number,
  deadTuples: number,
  modifiedSinceAnalyze: number,
  insertedSinceVacuum = 0,
) => ({ table: 'mxg.outbox', liveTuples, deadTuples, modifiedSinceAnalyze, insertedSinceVacuum });

describe(autovacuumWouldRun.name, () => {
  it('vacuums once the dead tuples pass threshold + scale factor × live tuples, not before', () => {
    // 50 + 0.2 × 10,000 = 2,050
    expect(autovacuumWouldRun(table(10_000, 2_050, 0), DEFAULTS).vacuum).toBe(false);
    expect(autovacuumWouldRun(table(10_000, 2_051, 0), DEFAULTS).vacuum).toBe(true);
  });

  it('vacuums an insert-only table once the rows inserted since its last vacuum pass theirs', () => {
    // 1,000 + 0.2 × 10,000 = 3,000
    expect(autovacuumWouldRun(table(10_000, 0, 0, 3_000), DEFAULTS).vacuum).toBe(false);
    expect(autovacuumWouldRun(table(10_000, 0, 0, 3_001), DEFAULTS).vacuum).toBe(true);
  });

  it('analyzes once the rows changed since the last analyze pass theirs, not before', () => {
    // 50 + 0.1 × 10,000 = 1,050
    expect(autovacuumWouldRun(table(10_000, 0, 1_050), DEFAULTS).analyze).toBe(false);
    expect(autovacuumWouldRun(table(10_000, 0, 1_051), DEFAULTS)).toEqual({
      vacuum: false,
      analyze: true,
    });
  });

  it("leaves a quiet table alone, and follows the server's own thresholds", () => {
    expect(autovacuumWouldRun(table(10, 40, 40, 900), DEFAULTS)).toEqual({
      vacuum: false,
      analyze: false,
    });
    const eager = { ...DEFAULTS, vacuumThreshold: 10, vacuumScaleFactor: 0 };
    expect(autovacuumWouldRun(table(1_000_000, 11, 0), eager).vacuum).toBe(true);
  });
});

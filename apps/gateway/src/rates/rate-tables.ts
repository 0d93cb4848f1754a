import { Injectable } from '@nestjs/common';
import { RateTable } from '@mxg/settlements';
import { RateStore } from './rate.store';

/**
 * The imported official rate tables (RET-3.7) as `checkClaim` takes them: the claims module asks
 * for the national banks a claim's rates name and gets one table of all their rows (empty when
 * none is imported: the check then warns RATE_NOT_COVERED).
 */
@Injectable()
export class RateTables {
  constructor(private readonly store: RateStore) {}

  async tableFor(sources: readonly string[]): Promise<RateTable> {
    const wanted = [...new Set(sources)];
    if (wanted.length === 0) return RateTable.empty();
    return RateTable.fromRows(await this.store.rows({ sources: wanted }));
  }
}

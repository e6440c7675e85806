// WAHA's list limits: no `limit` (for chats and contacts), or `limit=0` (n8n's default), means every
// row; and WAHA sets no upper bound. zapd follows that, and keeps the store's work bounded by reading
// in pages of PAGE_ROWS instead of one unbounded query.

export const PAGE_ROWS = 1000;

/** `limit` as asked, with 0 and absent meaning "all" where WAHA reads them so. */
export function requestedLimit(limit: number | undefined, whenAbsent: number | 'all'): number | 'all' {
  if (limit === undefined) return whenAbsent;
  return limit === 0 ? 'all' : limit;
}

/** Reads `limit` rows (or every row) from `offset` on, PAGE_ROWS at a time. */
export async function readPaged<T>(read: (limit: number, offset: number) => Promise<T[]>, limit: number | 'all', offset: number): Promise<T[]> {
  const rows: T[] = [];
  for (let next = offset; ; ) {
    const wanted = limit === 'all' ? PAGE_ROWS : Math.min(PAGE_ROWS, limit - rows.length);
    if (wanted <= 0) return rows;
    const page = await read(wanted, next);
    rows.push(...page);
    if (page.length < wanted) return rows;
    next += page.length;
  }
}

/** Runs `work` over `items` with at most `parallel` at once, answers in the items' order. */
export async function mapBounded<T, R>(items: T[], parallel: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let cursor = 0;
  const worker = async () => {
    while (cursor < items.length) {
      const index = cursor++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}

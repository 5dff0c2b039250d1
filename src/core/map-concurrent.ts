/**
 * Maps an async stream with at most `limit` calls in flight, pulling input only as slots free up,
 * so memory stays bounded however long the stream is. Results come out in completion order.
 */
export async function* mapConcurrent<T, R>(
  input: AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const iterator = input[Symbol.asyncIterator]();
  const inFlight = new Map<number, Promise<{ key: number; result: R }>>();
  let nextKey = 0;
  let exhausted = false;
  try {
    while (true) {
      while (!exhausted && inFlight.size < limit && !signal?.aborted) {
        const step = await iterator.next();
        if (step.done) {
          exhausted = true;
          break;
        }
        const key = nextKey++;
        inFlight.set(key, fn(step.value).then((result) => ({ key, result })));
      }
      if (inFlight.size === 0) return;
      const { key, result } = await Promise.race(inFlight.values());
      inFlight.delete(key);
      yield result;
    }
  } finally {
    // Let running work settle before returning, so nothing writes after the stage has ended.
    await Promise.allSettled(inFlight.values());
    if (!exhausted) await iterator.return?.();
  }
}
